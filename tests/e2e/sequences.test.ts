/**
 * The promises under sequences of ordinary operations (issue 25), through the real engine: an
 * endpoint that changes or is overridden between operations, replaces the engine plans without
 * asking the provider (`--replace`), a rename without aliases. Each case failed before its fix.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { AgentInstance } from "../../provider";
import { EmulatorHandle } from "../../emulator";
import { numberedInstanceArgs } from "../harness/fixtures";
import { APP_ID, assertNoSecrets, emulatorConfig, previewFailure, SERVER_SECRET, startTestEmulator, withStack } from "../harness/engine";
import { AGENT_ID, instanceIdsInState, registerAgent, SECRETS } from "../harness/stacks";

const URN_PREFIX = "urn:pulumi:";

/** The calls an emulator got other than the agent registration each test starts with. */
function instanceCalls(emulator: EmulatorHandle): string[] {
    return emulator
        .requests()
        .map((r) => r.action)
        .filter((action) => action !== "RegisterAgent");
}

/** One instance of AGENT_ID named `name`; `opts` are its resource options. */
function oneInstance(name = "agent1", opts: pulumi.CustomResourceOptions = {}, timeout = 5) {
    return async () => {
        const instance = new AgentInstance(name, { ...numberedInstanceArgs(1, AGENT_ID), gracefulShutdownTimeout: timeout }, opts);
        return { id: instance.agentInstanceId, urn: instance.urn };
    };
}

describe("e2e: sequences of operations keep the promises (issue 25)", function () {
    this.timeout(300_000);
    let a: EmulatorHandle;
    let b: EmulatorHandle;

    before(async () => {
        a = await startTestEmulator();
        b = await startTestEmulator();
    });
    after(async () => {
        await a.close();
        await b.close();
    });
    beforeEach(async () => {
        a.reset();
        b.reset();
        await registerAgent(a);
        await registerAgent(b);
    });

    it("a stray ZEGO_ENDPOINT neither drops live instances on refresh nor deletes them elsewhere on destroy", async () => {
        await withStack(oneInstance(), emulatorConfig(a), async (run) => {
            await run.up({ onOutput: run.onOutput });
            const [id] = a.liveInstances().map((i) => i.agentInstanceId);
            expect(id, "created at A").to.be.a("string");
            // Another host (B) that does not hold the instance: it answers 410001002 (not found) there.
            await run.setEnv("ZEGO_ENDPOINT", b.url);
            await run.refresh({ onOutput: run.onOutput });
            expect(await instanceIdsInState(run), "still in state after refresh").to.deep.equal([id]);
            expect(instanceCalls(b), "nothing sent to B").to.deep.equal([]);

            await run.destroy({ onOutput: run.onOutput });
            expect(a.instance(id!)!.state, "deleted at A, where it lives").to.equal("deleted");
            expect(a.instance(id!)!.deletedReason).to.equal("api");
            expect(instanceCalls(b), "nothing sent to B").to.deep.equal([]);
            assertNoSecrets(run.output, SECRETS);
        });
    });

    it("env-only stack: ZEGO_ENDPOINT A→B replaces the instance at B and deletes the old one gracefully at A", async () => {
        const envVars = { ZEGO_APP_ID: String(APP_ID), ZEGO_SERVER_SECRET: SERVER_SECRET, ZEGO_ENDPOINT: a.url };
        await withStack(
            oneInstance(),
            {},
            async (run) => {
                await run.up({ onOutput: run.onOutput });
                const [old] = a.liveInstances().map((i) => i.agentInstanceId);
                await run.setEnv("ZEGO_ENDPOINT", b.url);
                const up = await run.up({ onOutput: run.onOutput });
                expect(up.summary.resourceChanges?.replace, "replaced at the new endpoint").to.equal(1);
                expect(a.liveInstances(), "nothing left live at A").to.deep.equal([]);
                expect(a.instance(old!)!.deletedReason, "deleted by its graceful delete, at A").to.equal("api");
                expect(a.instance(old!)!.deleteRequest?.GracefulShutdown).to.equal(true);
                const live = b.liveInstances().map((i) => i.agentInstanceId);
                expect(live).to.have.length(1);
                expect(await instanceIdsInState(run)).to.deep.equal(live);

                await run.destroy({ onOutput: run.onOutput });
                expect(b.liveInstances()).to.deep.equal([]);
                expect(a.liveInstances()).to.deep.equal([]);
            },
            { envVars },
        );
    });

    it("`pulumi up --replace` of a speaking agent deletes it gracefully before the new one takes its AgentUserId", async () => {
        await withStack(oneInstance(), emulatorConfig(a), async (run) => {
            const up = await run.up({ onOutput: run.onOutput });
            const old = up.outputs.id!.value as string;
            const urn = up.outputs.urn!.value as string;
            expect(urn.startsWith(URN_PREFIX)).to.equal(true);
            a.setBusy(old, { status: "SPEAKING", seconds: 2 });

            const replaced = await run.up({ onOutput: run.onOutput, replace: [urn] });
            expect(replaced.summary.resourceChanges?.replace).to.equal(1);
            const gone = a.instance(old)!;
            expect(gone.deletedReason, "not kicked by the new instance").to.equal("api");
            expect(gone.kickedBy).to.equal(undefined);
            expect(gone.deleteRequest?.GracefulShutdown).to.equal(true);
            expect(a.liveInstances().map((i) => i.agentInstanceId)).to.deep.equal([replaced.outputs.id!.value]);
        });
    });

    it("with deleteBeforeReplace: false, `--replace` creates first: ZEGO kicks the old instance, and the log names the cause and the fix", async () => {
        // The engine checks a targeted replace without its old inputs, so the provider cannot see it coming:
        // this is what opting out of the default deleteBeforeReplace costs, and the log says so.
        await withStack(oneInstance("agent1", { deleteBeforeReplace: false }), emulatorConfig(a), async (run) => {
            const up = await run.up({ onOutput: run.onOutput });
            const old = up.outputs.id!.value as string;
            run.output.length = 0;
            await run.up({ onOutput: run.onOutput, replace: [up.outputs.urn!.value as string] });
            expect(a.instance(old)!.deletedReason).to.equal("kicked");
            expect(run.output.join("")).to.contain("deleteBeforeReplace: true").and.contain("aliases");
        });
    });

    it("a delete-first replace whose create fails: the next up creates the instance (the stack is not wedged)", async () => {
        let agentId = AGENT_ID;
        let room = "room_1";
        const program = async () => {
            const base = numberedInstanceArgs(1, agentId);
            const instance = new AgentInstance("agent1", { ...base, rtc: { ...base.rtc, roomId: room }, gracefulShutdownTimeout: 5 });
            return { id: instance.agentInstanceId };
        };
        await withStack(program, emulatorConfig(a), async (run) => {
            const up = await run.up({ onOutput: run.onOutput });
            const old = up.outputs.id!.value as string;
            // An agent that is not registered: the old instance is deleted (delete first), then the create fails (410001009).
            agentId = "not_registered";
            room = "room_2";
            const failed = await run.up({ onOutput: run.onOutput }).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(String(failed)).to.contain("410001009");
            expect(a.instance(old)!.deletedReason, "the old instance got its graceful delete").to.equal("api");
            agentId = AGENT_ID;
            const again = await run.up({ onOutput: run.onOutput });
            expect(again.summary.result).to.equal("succeeded");
            expect(a.liveInstances().map((i) => i.agentInstanceId)).to.deep.equal([again.outputs.id!.value]);
        });
    });

    it("replaceOnChanges on a dynamic resource is refused at preview, naming the option and what to use instead", async () => {
        await withStack(oneInstance("agent1", { replaceOnChanges: ["llm"] }), emulatorConfig(a), async (run) => {
            const message = await previewFailure(run);
            expect(message).to.contain("replaceOnChanges").and.contain("--replace").and.contain("zego:index:AgentInstance");
            expect(instanceCalls(a), "no call").to.deep.equal([]);
        });
    });

    it("a rename without aliases: the log names the kick and the fix (aliases)", async () => {
        let name = "agent1";
        await withStack(
            async () => oneInstance(name)(),
            emulatorConfig(a),
            async (run) => {
                await run.up({ onOutput: run.onOutput });
                const [old] = a.liveInstances().map((i) => i.agentInstanceId);
                name = "renamed";
                run.output.length = 0;
                await run.up({ onOutput: run.onOutput });
                expect(a.instance(old!)!.deletedReason, "ZEGO kicked it: the engine creates the new URN first").to.equal("kicked");
                expect(run.output.join("")).to.contain("aliases").and.contain("renamed or moved");
            },
        );
    });
});

describe("e2e: credentials in --debug output and the event stream (issue 25, defect 8)", function () {
    this.timeout(300_000);
    let emulator: EmulatorHandle;
    before(async () => {
        emulator = await startTestEmulator();
        await registerAgent(emulator);
    });
    after(async () => emulator.close());

    it("a credential from a config secret is masked everywhere; one written in the program shows in --debug and in events", async () => {
        const FROM_CONFIG = "tts-token-FROMCONFIG-5c1e";
        const LITERAL = "asr-secret-LITERAL-77aa";
        const program = async () => {
            const token = new pulumi.Config().requireSecret("ttsToken");
            const args = numberedInstanceArgs(1, AGENT_ID);
            const instance = new AgentInstance("agent1", {
                ...args,
                tts: { vendor: "ByteDanceV3", params: { app: { appid: "a", token } } },
                asr: { vendor: "Tencent", params: { secret_key: LITERAL } },
            });
            return { id: instance.agentInstanceId };
        };
        const config = { ...emulatorConfig(emulator), "zego-e2e:ttsToken": { value: FROM_CONFIG, secret: true } };
        await withStack(program, config, async (run) => {
            const events: string[] = [];
            await run.up({ onOutput: run.onOutput, debug: true, onEvent: (e) => events.push(JSON.stringify(e)) });
            const printed = run.output.join("");
            // The CLI masks the plaintext of config secrets wherever it appears.
            assertNoSecrets([printed, ...events, await run.exportState()], [FROM_CONFIG, SERVER_SECRET]);
            // State never holds either (the package marks the literal secret too).
            assertNoSecrets([await run.exportState()], [LITERAL]);
            // Pinned: the Node SDK's debug lines and the engine's events carry the literal one in plaintext.
            expect(
                printed.includes(LITERAL) || events.some((e) => e.includes(LITERAL)),
                "pinned: a literal credential leaks in --debug",
            ).to.equal(true);
        });
    });
});
