/**
 * Two ZEGO apps from one TypeScript program through the real engine: resources in the stack
 * config's app, and resources given their own `connection` to another app (another emulator, its
 * own app id and secret). The dynamic resources share one provider process and the stack config,
 * so the other app's credentials travel with the resource, in state (the secret encrypted).
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { Agent, AgentInstance, AgentInstanceArgs, ZegoConnection } from "../../provider";
import { EmulatorHandle } from "../../emulator";
import { assertNoSecrets, emulatorConfig, previewFailure, SERVER_SECRET, startTestEmulator, withStack } from "../harness/engine";
import { must } from "../must";

const APP_B = 1000000002;
const SECRET_B = "bbbbbbbb-app-b-secret-0123456789";
const LLM_KEY = "sk-apps-LLMKEY-31f0c2";

type Connection = AgentInstanceArgs["connection"];

/** An agent and an instance in the stack's app, and the same in app B (its credentials from stack config, as secrets). */
function program(connectionOf: (cfg: pulumi.Config) => Connection) {
    return async () => {
        const cfg = new pulumi.Config();
        const ids: Record<string, pulumi.Output<string>> = {};
        for (const [app, connection] of [
            ["a", undefined],
            ["b", connectionOf(cfg)],
        ] as const) {
            const agent = new Agent(`agent-${app}`, { agentId: `agent_${app}`, name: `Agent ${app}`, connection });
            const instance = new AgentInstance(`instance-${app}`, {
                agentId: agent.agentId,
                userId: "user_1",
                rtc: { roomId: "room_1", agentStreamId: "agent_stream_1", agentUserId: "agent_user_1", userStreamId: "user_stream_1" },
                llm: { url: "https://llm.example.com/v1/chat/completions", apiKey: LLM_KEY, model: "model-a" },
                gracefulShutdownTimeout: 10,
                connection,
            });
            ids[app] = instance.agentInstanceId;
        }
        return ids;
    };
}

const appB = (cfg: pulumi.Config): Connection => ({
    appId: cfg.requireNumber("appB"),
    serverSecret: cfg.requireSecret("secretB"),
    endpoint: cfg.require("endpointB"),
});

describe("e2e: two ZEGO apps from one TypeScript program (the connection argument)", function () {
    this.timeout(240_000);
    let emA: EmulatorHandle;
    let emB: EmulatorHandle;

    before(async () => {
        emA = await startTestEmulator();
        emB = await startTestEmulator({ appId: APP_B, serverSecret: SECRET_B });
    });
    beforeEach(() => {
        emA.reset();
        emB.reset();
    });
    after(async () => {
        await emA?.close();
        await emB?.close();
    });

    it("up creates each in its app (then refresh and a clean preview); a new serverSecret previews as an update, offline; a graceful destroy acts in each app; no secret in state or output", async () => {
        const config = {
            ...emulatorConfig(emA),
            "zego-e2e:appB": { value: String(APP_B) },
            "zego-e2e:secretB": { value: SECRET_B, secret: true },
            "zego-e2e:endpointB": { value: emB.url },
        };
        await withStack(program(appB), config, async (run) => {
            const up = await run.up({ onOutput: run.onOutput });
            expect(up.summary.result).to.equal("succeeded");
            const [a, b] = [must(emA.liveInstances()[0], "app A's instance"), must(emB.liveInstances()[0], "app B's instance")];
            expect(emA.liveInstances()).to.have.length(1);
            expect(emB.liveInstances()).to.have.length(1);
            expect(emA.agents().map((x) => x.AgentId)).to.deep.equal(["agent_a"]);
            expect(emB.agents().map((x) => x.AgentId)).to.deep.equal(["agent_b"]);
            expect(up.outputs["b"]?.value).to.equal(b.agentInstanceId);
            const stored = JSON.parse(await run.exportState()).checkpoint.latest.resources as {
                urn: string;
                outputs: Record<string, unknown>;
            }[];
            const outputsOf = (name: string) =>
                must(
                    stored.find((r) => r.urn.endsWith(`::${name}`)),
                    name,
                ).outputs;
            expect(outputsOf("instance-a")).to.include({ appId: emA.appId, endpoint: emA.url });
            expect(outputsOf("instance-b")).to.include({ appId: APP_B, endpoint: emB.url });
            expect(JSON.stringify(outputsOf("instance-b")["connection"]), "the connection is in state, encrypted").to.contain("ciphertext");

            // withStack's up ran refresh and preview (expectNoChanges) after it: refresh asked app B for its instance.
            expect(run.checked.converged).to.equal(1);
            const queriesB = emB.requests().filter((r) => r.action === "QueryAgentInstanceStatus").length;
            expect(queriesB, "create's and refresh's status queries, in app B").to.be.at.least(2);

            // Offline: no call to either app.
            const calls = () => emA.requests().length + emB.requests().length;
            const before = calls();
            await run.stack.setConfig("zego-e2e:secretB", { value: "rotated-secret-of-app-b-987654321", secret: true });
            const rotated = await run.preview({ onOutput: run.onOutput });
            expect(rotated.changeSummary, "a new secret updates the state only").to.deep.include({ update: 2 });
            expect(rotated.changeSummary.replace ?? 0).to.equal(0);
            await run.stack.setConfig("zego-e2e:secretB", { value: SECRET_B, secret: true });
            expect(calls(), "preview calls no API").to.equal(before);

            emB.setBusy(b.agentInstanceId, { status: "SPEAKING", seconds: 2 });
            await run.destroy({ onOutput: run.onOutput });
            for (const [em, instance] of [
                [emA, a],
                [emB, b],
            ] as const) {
                expect(em.liveInstances(), em.url).to.deep.equal([]);
                expect(em.agents(), em.url).to.deep.equal([]);
                const gone = must(
                    em.instances().find((i) => i.agentInstanceId === instance.agentInstanceId),
                    instance.agentInstanceId,
                );
                expect(gone.deletedReason).to.equal("api");
                expect(gone.deleteRequest).to.include({ GracefulShutdown: true, GracefulShutdownTimeout: 10 });
            }
            assertNoSecrets([await run.exportState(), run.output.join("\n")], [SERVER_SECRET, SECRET_B, LLM_KEY]);
        });
    });

    it("a connection without serverSecret fails preview naming the field; a bad endpoint names it and the allowed values; nothing printed of the secret", async () => {
        const noSecret = program(() => ({ appId: APP_B, endpoint: emB.url }) as ZegoConnection);
        await withStack(noSecret, emulatorConfig(emA), async (run) => {
            expect(await previewFailure(run)).to.contain("connection.serverSecret is required");
            (run.stack.workspace as LocalWorkspace).program = program(() => ({
                appId: APP_B,
                serverSecret: pulumi.secret(SECRET_B),
                endpoint: "http://zego.example.com",
            }));
            const message = await previewFailure(run);
            expect(message).to.contain("connection.endpoint must be an https:// URL").and.contain("http://zego.example.com");
            assertNoSecrets([message, run.output.join("\n")], [SECRET_B]);
            expect(emA.requests().length + emB.requests().length).to.equal(0);
        });
    });
});
