/**
 * Two ZEGO apps from one Pulumi YAML program: two explicit `pulumi:providers:zego` resources with
 * different app ids, secrets and endpoints (two emulators), an instance in each. The engine runs
 * one plugin process per explicit provider (pkg/resource/deploy/providers/registry.go loadProvider
 * → host.Provider starts a new plugin), so each process keeps its own provider's settings.
 */
import { expect } from "chai";
import * as fs from "fs";
import { EmulatorHandle } from "../../emulator";
import { PulumiEnv } from "../../scripts/pulumi-env";
import { assertNoSecrets, CheckedStack, startTestEmulator, stateFileOf } from "../harness/engine";
import { yamlPluginStack } from "../harness/plugin";
import { must } from "../must";

const APP_A = 1000000001;
const APP_B = 1000000002;
const SECRET_A = "aaaaaaaa-app-a-secret-0123456789";
const SECRET_B = "bbbbbbbb-app-b-secret-0123456789";

const PROGRAM = `name: zego-two-apps
runtime: yaml
config:
  appA: { type: integer }
  secretA: { type: string, secret: true }
  endpointA: { type: string }
  appB: { type: integer }
  secretB: { type: string, secret: true }
  endpointB: { type: string }
resources:
  providerA:
    type: pulumi:providers:zego
    properties: { appId: "\${appA}", serverSecret: "\${secretA}", endpoint: "\${endpointA}" }
  providerB:
    type: pulumi:providers:zego
    properties: { appId: "\${appB}", serverSecret: "\${secretB}", endpoint: "\${endpointB}" }
${["A", "B"]
    .map(
        (app) => `  agent${app}:
    type: zego:index:Agent
    properties: { agentId: agent_${app}, name: "Agent of app ${app}" }
    options: { provider: "\${provider${app}}" }
  instance${app}:
    type: zego:index:AgentInstance
    properties:
      agentId: \${agent${app}.id}
      userId: user_1
      rtc: { roomId: room_1, agentStreamId: agent_stream_1, agentUserId: agent_user_1, userStreamId: user_stream_1 }
      llm: { url: "https://llm.example.com/v1/chat/completions", apiKey: sk-llm-key-of-${app}-5d1c, model: model-a }
      gracefulShutdownTimeout: 20
    options:
      provider: \${provider${app}}
      deleteBeforeReplace: true`,
    )
    .join("\n")}
outputs:
  idA: \${instanceA.agentInstanceId}
  idB: \${instanceB.agentInstanceId}
`;

describe("e2e: two ZEGO apps from one YAML program (explicit zego providers)", function () {
    this.timeout(240000);
    let emA: EmulatorHandle;
    let emB: EmulatorHandle;
    let env: PulumiEnv;
    /** The stack's operations, each followed by the harness's invariants (at both emulators); `stack.stack` is the plain stack. */
    let stack: CheckedStack;
    const output: string[] = [];
    const onOutput = (line: string) => output.push(line);
    const stackName = "apps";

    before(async () => {
        emA = await startTestEmulator({ appId: APP_A, serverSecret: SECRET_A });
        emB = await startTestEmulator({ appId: APP_B, serverSecret: SECRET_B });
        ({ env, stack } = await yamlPluginStack({
            program: PROGRAM,
            stackName,
            emulators: () => [emA, emB],
            onOutput,
            config: {
                appA: { value: String(APP_A) },
                secretA: { value: SECRET_A, secret: true },
                endpointA: { value: emA.url },
                appB: { value: String(APP_B) },
                secretB: { value: SECRET_B, secret: true },
                endpointB: { value: emB.url },
            },
        }));
    });

    after(async () => {
        try {
            await stack?.stack.workspace.removeStack(stackName, { force: true });
        } finally {
            await env?.cleanup();
            await emA?.close();
            await emB?.close();
        }
    });

    const stateFile = () => stateFileOf(env, "zego-two-apps", stackName);
    const rawState = () => fs.readFileSync(stateFile(), "utf8");
    const live = (em: EmulatorHandle) => em.instances().filter((i) => i.state !== "deleted");

    it("up creates each instance in its own app; preview shows no changes, offline; refresh keeps both; destroy deletes each gracefully in its app", async () => {
        const up = await stack.up({ onOutput });
        expect(up.summary.result).to.equal("succeeded");
        expect(stack.checked, "the up's plan was compared and it converged").to.include({ previewEqualsUp: 1, converged: 1 });
        const [a, b] = [must(live(emA)[0], "app A's instance"), must(live(emB)[0], "app B's instance")];
        expect(live(emA)).to.have.length(1);
        expect(live(emB)).to.have.length(1);
        expect(a.agentId).to.equal("agent_A");
        expect(b.agentId).to.equal("agent_B");
        expect(up.outputs["idA"]?.value).to.equal(a.agentInstanceId);
        expect(up.outputs["idB"]?.value).to.equal(b.agentInstanceId);
        const resources = JSON.parse(rawState()).checkpoint.latest.resources as {
            type: string;
            urn: string;
            outputs: Record<string, unknown>;
        }[];
        const stored = (name: string) =>
            must(
                resources.find((r) => r.urn.endsWith(`::${name}`)),
                name,
            ).outputs;
        expect(stored("instanceA")).to.include({ appId: APP_A, endpoint: emA.url });
        expect(stored("instanceB")).to.include({ appId: APP_B, endpoint: emB.url });

        const requests = emA.requests().length + emB.requests().length;
        const preview = await stack.preview({ onOutput });
        expect(Object.keys(preview.changeSummary), JSON.stringify(preview.changeSummary)).to.deep.equal(["same"]);
        expect(emA.requests().length + emB.requests().length, "preview calls no API").to.equal(requests);

        const refresh = await stack.refresh({ onOutput });
        expect(refresh.summary.result).to.equal("succeeded");
        expect(emA.requests().filter((r) => r.action === "QueryAgentInstanceStatus").length).to.be.at.least(2);
        expect(emB.requests().filter((r) => r.action === "QueryAgentInstanceStatus").length).to.be.at.least(2);
        expect(Object.keys((await stack.preview({ onOutput })).changeSummary)).to.deep.equal(["same"]);

        const destroy = await stack.destroy({ onOutput });
        expect(destroy.summary.result).to.equal("succeeded");
        for (const [em, instance] of [
            [emA, a],
            [emB, b],
        ] as const) {
            expect(live(em), em.url).to.have.length(0);
            const gone = must(
                em.instances().find((i) => i.agentInstanceId === instance.agentInstanceId),
                instance.agentInstanceId,
            );
            expect(gone.deletedReason).to.equal("api");
            expect(gone.deleteRequest).to.include({ GracefulShutdown: true, GracefulShutdownTimeout: 20 });
            expect(
                em.requests().filter((r) => r.action === "UnregisterAgent"),
                em.url,
            ).to.have.length(1);
        }
        expect(JSON.parse(rawState()).checkpoint.latest.resources ?? []).to.have.length(0);
        assertNoSecrets([rawState(), ...output], [SECRET_A, SECRET_B, "sk-llm-key-of-A-5d1c", "sk-llm-key-of-B-5d1c"]);
    });
});
