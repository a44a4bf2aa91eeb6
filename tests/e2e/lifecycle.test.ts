/**
 * The provider through the real Pulumi engine: up, preview (update vs replace, offline, no
 * credentials), refresh, destroy with graceful shutdown, secrets in state and engine output.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, PulumiFn } from "@pulumi/pulumi/automation";
import { Agent, AgentInstance, ZegoClient } from "../../provider";
import { EmulatorHandle } from "../../emulator";
import { LLM_API_KEY, TTS_TOKEN, ASR_SECRET } from "../harness/fixtures";
import {
    assertNoSecrets,
    changesOf,
    emulatorConfig,
    EngineRun,
    InvariantError,
    previewFailure,
    SERVER_SECRET,
    startTestEmulator,
    withStack,
} from "../harness/engine";
import { stackOutput } from "../../scripts/pulumi-env";
import { signedDelete } from "../harness/stacks";

interface ProgramOptions {
    model?: string;
    roomId?: string;
    timeout?: number;
    instances?: number;
}

/** A registered agent and N instances; the LLM key comes from stack config as a real program's would. */
function program(o: ProgramOptions = {}) {
    return async () => {
        const agent = new Agent("agent", { agentId: "e2e_agent", name: "E2E", llm: llm(o.model) });
        const ids: Record<string, pulumi.Output<string>> = { agentId: agent.agentId };
        for (let i = 1; i <= (o.instances ?? 2); i++) {
            const instance = new AgentInstance(`agent${i}`, {
                agentId: agent.agentId,
                userId: `user_${i}`,
                rtc: {
                    roomId: o.roomId ?? "room_1",
                    agentStreamId: `agent_stream_${i}`,
                    agentUserId: `agent_user_${i}`,
                    userStreamId: `user_stream_${i}`,
                },
                llm: llm(o.model),
                tts: { vendor: "ByteDanceV3", params: { app: { appid: "a", token: TTS_TOKEN } } },
                asr: { vendor: "Tencent", params: { secret_key: ASR_SECRET } },
                gracefulShutdownTimeout: o.timeout ?? 10,
            });
            ids[`instance${i}`] = instance.agentInstanceId;
        }
        return ids;
    };
}

function llm(model = "model-a") {
    return { url: "https://llm.example.com/v1/chat/completions", apiKey: LLM_API_KEY, model };
}

const SECRETS = [SERVER_SECRET, LLM_API_KEY, TTS_TOKEN, ASR_SECRET];

describe("e2e: the provider through the real Pulumi engine", function () {
    this.timeout(240_000);
    let emulator: EmulatorHandle;

    before(async () => {
        emulator = await startTestEmulator();
    });
    after(async () => emulator.close());
    beforeEach(() => emulator.reset());

    it("up creates an agent and two instances with the documented wire bodies; state and output hold no secret", async () => {
        await withStack(program(), emulatorConfig(emulator), async (run) => {
            const up = await run.up({ onOutput: run.onOutput });
            expect(up.summary.result).to.equal("succeeded");
            const live = emulator.liveInstances();
            expect(live).to.have.length(2);
            expect(emulator.agents().map((a) => a.AgentId)).to.deep.equal(["e2e_agent"]);
            const create = emulator.requests().find((r) => r.action === "CreateAgentInstance")!.body as Record<string, any>;
            expect(create).to.include.keys("AgentId", "UserId", "RTC", "LLM", "TTS", "ASR");
            expect(create.RTC).to.include.keys("RoomId", "AgentStreamId", "AgentUserId", "UserStreamId");
            expect(create.LLM.Model).to.equal("model-a");
            expect(Object.keys(up.outputs).sort()).to.deep.equal(["agentId", "instance1", "instance2"]);
            expect(live.map((i) => i.agentInstanceId).sort()).to.deep.equal(
                [stackOutput(up.outputs, "instance1"), stackOutput(up.outputs, "instance2")].sort(),
            );

            const state = await run.exportState();
            assertNoSecrets([state, run.output.join("\n")], SECRETS);
            // The secrets are in state, encrypted.
            expect(state).to.contain("4dabf18193072939515e22adb298388d");
        });
    });

    it("preview shows an update for llm.model, a delete-first replace for rtc.roomId, and calls no API", async () => {
        await withStack(program(), emulatorConfig(emulator), async (run) => {
            await run.up({ onOutput: run.onOutput });
            const before = emulator.stats().requests;

            const update = await previewWith(run, program({ model: "model-b" }));
            expect(update.changeSummary).to.deep.include({ update: 3 });
            expect(update.changeSummary.replace ?? 0).to.equal(0);

            const replace = await previewWith(run, program({ roomId: "room_2" }));
            expect(replace.changeSummary.replace).to.equal(2);
            expect(replace.stdout).to.match(/replace/);
            expect(replace.stdout).to.match(/~ roomId\s*: "room_1" => "room_2"/);
            expect(replace.stdout, "non-secret fields stay visible").to.match(/model\s*: "model-a"/);
            // Credentials are secret where they are (README "Secrets").
            expect(replace.stdout).to.match(/apiKey\s*: \[secret\]/);
            expect(emulator.stats().requests, "API calls during preview").to.equal(before);
            assertNoSecrets([replace.stdout, update.stdout], SECRETS);

            // The replacement reuses each instance's AgentUserId, so the old one is deleted first.
            const oldIds = emulator.liveInstances().map((i) => i.agentInstanceId);
            const seqBefore = emulator.requests().length;
            (run.stack.workspace as LocalWorkspace).program = program({ roomId: "room_2" });
            await run.up({ onOutput: run.onOutput });
            const log = emulator.requests().slice(seqBefore);
            const firstCreate = log.findIndex((r) => r.action === "CreateAgentInstance");
            const deletes = log
                .filter((r, i) => r.action === "DeleteAgentInstance" && i < firstCreate)
                .map((r) => (r.body as { AgentInstanceId: string }).AgentInstanceId);
            expect(deletes, "old instances deleted before the first replacement is created").to.include(oldIds[0]);
            expect(emulator.liveInstances().map((i) => (i.body as { RTC: { RoomId: string } }).RTC.RoomId)).to.deep.equal([
                "room_2",
                "room_2",
            ]);
        });
    });

    it("preview works with no credentials configured at all", async () => {
        await withStack(program(), {}, async (run) => {
            const preview = await run.preview({ onOutput: run.onOutput });
            expect(preview.changeSummary.create).to.equal(4); // the stack, the agent and two instances
            expect(emulator.stats().requests).to.equal(0);
        });
    });

    it("refresh drops an instance deleted behind Pulumi's back", async () => {
        await withStack(program(), emulatorConfig(emulator), async (run) => {
            const up = await run.up({ onOutput: run.onOutput });
            const gone = stackOutput(up.outputs, "instance1") as string;
            await signedDelete(emulator, gone);
            await run.refresh({ onOutput: run.onOutput });
            const resources = JSON.parse(await run.exportState()).checkpoint.latest.resources as { id?: string; type: string }[];
            const ids = resources.filter((r) => r.type === "pulumi-nodejs:dynamic/zego:AgentInstance").map((r) => r.id);
            expect(ids).to.not.include(gone);
            expect(ids).to.include(stackOutput(up.outputs, "instance2"));
        });
    });

    it("destroy waits for a busy agent to finish (graceful, timeout 10) and it is gone", async () => {
        await withStack(program({ instances: 1, timeout: 10 }), emulatorConfig(emulator), async (run) => {
            const up = await run.up({ onOutput: run.onOutput });
            const id = stackOutput(up.outputs, "instance1") as string;
            // Speaking for longer than the whole test; it stops only once the provider is seen waiting
            // (two status polls after the delete), so the outcome does not depend on the engine's speed.
            emulator.setBusy(id, { status: "SPEAKING", seconds: 600 });
            const before = emulator.requests().at(-1)?.seq ?? -1;
            let returned: number | undefined;
            const destroy = run.destroy({ onOutput: run.onOutput }).then(() => (returned = Date.now()));
            const pollsAfterDelete = () => {
                const log = emulator.requests().filter((r) => r.seq > before);
                const deleted = log.find((r) => r.action === "DeleteAgentInstance");
                return deleted ? log.filter((r) => r.action === "QueryAgentInstanceStatus" && r.seq > deleted.seq).length : 0;
            };
            while (pollsAfterDelete() < 2) await new Promise((resolve) => setTimeout(resolve, 20));
            expect(emulator.instance(id)!.state, "the delete waits while the agent speaks").to.equal("shutting-down");
            expect(returned, "destroy has not returned while the agent speaks").to.equal(undefined);
            const stoppedSpeaking = Date.now();
            emulator.setBusy(id, { status: "SPEAKING", seconds: 0 });
            await destroy;
            const instance = emulator.instances().find((i) => i.agentInstanceId === id)!;
            expect(instance.deleteRequest).to.deep.include({ GracefulShutdown: true, GracefulShutdownTimeout: 10 });
            expect(instance.state).to.equal("deleted");
            expect(instance.deletedReason, "deleted when idle, not forced by the timeout").to.equal("api");
            expect(instance.deletedAt!, "deleted once the agent finished").to.be.at.least(stoppedSpeaking);
            expect(returned, "destroy returned only after the instance was gone").to.be.at.least(instance.deletedAt!);
            expect(run.output.join("\n")).to.contain(`waiting up to 10 s for agent instance ${id} to finish speaking`);
            assertNoSecrets([run.output.join("\n")], SECRETS);
        });
    });

    it("destroy of an agent busy for 60 s with a 3 s timeout returns after about 3 s plus the margin", async () => {
        await withStack(program({ instances: 1, timeout: 3 }), emulatorConfig(emulator), async (run) => {
            const up = await run.up({ onOutput: run.onOutput });
            const id = stackOutput(up.outputs, "instance1") as string;
            emulator.setBusy(id, { status: "SPEAKING", seconds: 60 });
            const started = Date.now();
            await run.destroy({ onOutput: run.onOutput });
            const elapsed = (Date.now() - started) / 1000;
            const instance = emulator.instances().find((i) => i.agentInstanceId === id)!;
            expect(instance.deleteRequest).to.deep.include({ GracefulShutdown: true, GracefulShutdownTimeout: 3 });
            expect(instance.deletedReason).to.equal("graceful-timeout");
            expect(elapsed).to.be.below(3 + 15 + 10);
        });
    });

    it("ZEGO_GRACEFUL_SHUTDOWN=false at destroy time deletes at once", async () => {
        await withStack(program({ instances: 1 }), emulatorConfig(emulator), async (run) => {
            const up = await run.up({ onOutput: run.onOutput });
            const id = stackOutput(up.outputs, "instance1") as string;
            emulator.setBusy(id, { status: "SPEAKING", seconds: 60 });
            await run.setEnv("ZEGO_GRACEFUL_SHUTDOWN", "false");
            await run.destroy({ onOutput: run.onOutput });
            const instance = emulator.instances().find((i) => i.agentInstanceId === id)!;
            expect(instance.deleteRequest!.GracefulShutdown).to.equal(false);
            expect(instance.deletedReason).to.equal("api");
            expect(instance.deletedAt! - instance.deleteRequest!.receivedAt).to.be.below(1000);
        });
    });
});

describe("e2e: preview = up, convergence, and nothing left behind (issue 9)", function () {
    this.timeout(300_000);
    let emulator: EmulatorHandle;

    before(async () => {
        emulator = await startTestEmulator();
    });
    after(async () => emulator.close());
    beforeEach(() => emulator.reset());

    /** One instance; `vendor` and a TTS token that is unknown at preview when `unknownToken` (from a new resource). */
    function ttsProgram(o: { vendor?: "ByteDanceV3" | "MiniMax"; unknownToken?: boolean; tts?: boolean } = {}) {
        return async () => {
            const agent = new Agent("agent", { agentId: "e2e_tts_agent", llm: llm() });
            const token = o.unknownToken
                ? new Agent("other", { agentId: "e2e_other_agent", llm: llm() }).agentId.apply((id) => `${TTS_TOKEN}-${id}`)
                : TTS_TOKEN;
            const instance = new AgentInstance("agent1", {
                agentId: agent.agentId,
                userId: "user_1",
                rtc: { roomId: "room_1", agentStreamId: "s_1", agentUserId: "au_1", userStreamId: "us_1" },
                ...(o.tts === false ? {} : { tts: { vendor: o.vendor ?? "ByteDanceV3", params: { app: { appid: "a", token } } } }),
                gracefulShutdown: false,
            });
            return { id: instance.agentInstanceId };
        };
    }

    it("the harness checks every operation: counts, and a live instance missing from state fails the next operation", async () => {
        await withStack(ttsProgram(), emulatorConfig(emulator), async (run) => {
            await run.up({ onOutput: run.onOutput });
            // up, then refresh and preview (the plan preview before the up changes nothing)
            expect(run.checked).to.deep.equal({ liveInState: 3, previewEqualsUp: 1, converged: 1 });
            const client = new (await import("../../provider")).ZegoClient({
                appId: emulator.appId,
                serverSecret: SERVER_SECRET,
                endpoint: emulator.url,
            });
            const orphan = await client.createAgentInstance({
                agentId: "e2e_tts_agent",
                userId: "user_9",
                rtc: { roomId: "room_9", agentStreamId: "s_9", agentUserId: "au_9", userStreamId: "us_9" },
            });
            const error = await run.preview({ onOutput: run.onOutput }).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(error).to.be.instanceOf(InvariantError);
            expect(error!.message).to.contain(orphan.agentInstanceId).and.contain("not in state");
            await client.deleteAgentInstance({ agentInstanceId: orphan.agentInstanceId });
            client.close();
        });
    });

    it("the harness fails a test whose body passed but whose closing destroy fails (it was swallowed), naming the destroy's error", async () => {
        // Its own emulator: the instance the failed destroy leaves must not reach the other tests' leak checks.
        const own = await startTestEmulator();
        try {
            const error = await withStack(ttsProgram(), emulatorConfig(own), async (run) => {
                await run.up({ onOutput: run.onOutput });
                // Refused at every destroy, in effect or not (the documented rule): the closing destroy fails at once.
                await run.setEnv("ZEGO_GRACEFUL_SHUTDOWN_TIMEOUT", "soon");
            }).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(error, "withStack resolved although its closing destroy failed").to.be.instanceOf(Error);
            expect(error!.message)
                .to.match(/^the test passed, but the stack's closing destroy failed: /)
                .and.contain("ZEGO_GRACEFUL_SHUTDOWN_TIMEOUT");
            expect(own.liveInstances().length, "nothing was deleted").to.equal(1);
        } finally {
            await own.close();
        }
    });

    it("the harness compares preview and up step by step: a program that adds an instance only when not previewing fails it, naming the instance", async () => {
        const sneaky = async () => {
            const agent = new Agent("agent", { agentId: "e2e_sneaky_agent", llm: llm() });
            const ids: Record<string, pulumi.Output<string>> = {};
            for (let i = 1; i <= (pulumi.runtime.isDryRun() ? 1 : 2); i++) {
                ids[`id${i}`] = new AgentInstance(`agent${i}`, {
                    agentId: agent.agentId,
                    userId: `user_${i}`,
                    rtc: { roomId: "room_1", agentStreamId: `s_${i}`, agentUserId: `au_${i}`, userStreamId: `us_${i}` },
                    gracefulShutdown: false,
                }).agentInstanceId;
            }
            return ids;
        };
        await withStack(sneaky, emulatorConfig(emulator), async (run) => {
            const error = await run.up({ onOutput: run.onOutput }).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(error).to.be.instanceOf(InvariantError);
            expect(error!.message).to.match(
                /^invariant violated: preview's plan is not what up did: done, not planned: create urn:pulumi:[^ ]*::agent2\n--- preview \{"create":3\}:\n[^]*\n--- up:\n[^]*agent2/,
            );
            expect(run.checked.previewEqualsUp).to.equal(0);
        });
    });

    it("a TTS vendor change while a TTS credential is unknown at preview previews as the replace up does", async () => {
        await withStack(ttsProgram(), emulatorConfig(emulator), async (run) => {
            await run.up({ onOutput: run.onOutput });
            const before = emulator.liveInstances().map((i) => i.agentInstanceId);
            (run.stack.workspace as LocalWorkspace).program = ttsProgram({ vendor: "MiniMax", unknownToken: true });
            const preview = await run.preview({ onOutput: run.onOutput });
            expect(preview.changeSummary).to.deep.include({ replace: 1, create: 1 });
            // The harness compares this up with its own preview: the same replace.
            const up = await run.up({ onOutput: run.onOutput });
            expect(up.summary.resourceChanges).to.deep.include({ replace: 1 });
            expect(emulator.liveInstances().map((i) => i.agentInstanceId)).to.not.include(before[0]);
        });
    });

    it("giving tts to an instance that had none previews a replacement (TTS.Vendor cannot be updated)", async () => {
        await withStack(ttsProgram({ tts: false }), emulatorConfig(emulator), async (run) => {
            await run.up({ onOutput: run.onOutput });
            const preview = await previewWith(run, ttsProgram());
            expect(preview.changeSummary).to.deep.include({ replace: 1 });
            expect(preview.changeSummary.update ?? 0).to.equal(0);
            await run.up({ onOutput: run.onOutput });
            expect(emulator.requests().filter((r) => r.action === "UpdateAgentInstance")).to.deep.equal([]);
        });
    });

    it("removing tts from an Agent is refused at preview saying what to do; the stack stays converged", async () => {
        const agentProgram =
            (withTts: boolean, name = "Agent") =>
            async () => {
                const agent = new Agent("agent", {
                    agentId: "e2e_removal_agent",
                    name,
                    llm: llm(),
                    ...(withTts ? { tts: { vendor: "ByteDanceV3" as const, params: { app: { appid: "a", token: TTS_TOKEN } } } } : {}),
                });
                return { id: agent.agentId };
            };
        await withStack(agentProgram(true), emulatorConfig(emulator), async (run) => {
            await run.up({ onOutput: run.onOutput });
            const error = await previewWith(run, agentProgram(false)).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(error, "preview refused").to.be.instanceOf(Error);
            expect(error!.message).to.contain("tts cannot be removed from a registered Agent").and.contain("new agentId");
            // A name UpdateAgent would refuse (65 bytes) fails preview, naming the field and the limit.
            const long = await previewWith(run, agentProgram(true, "x".repeat(65))).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(long!.message).to.contain("name must be a string (0 to 64 bytes").and.contain("UpdateAgent");
            expect(emulator.requests().filter((r) => r.action === "UpdateAgent")).to.deep.equal([]);
        });
    });

    describe("changes made outside Pulumi (issue: out-of-band additions wedge the stack)", () => {
        const AGENT = "e2e_oob_agent";
        const ASR = { vendor: "Tencent" as const, params: { secret_key: ASR_SECRET, hotwords: "console" } };
        const agentProgram =
            (o: { adopt?: boolean; asr?: boolean; model?: string } = {}) =>
            async () => {
                const agent = new Agent("agent", {
                    agentId: AGENT,
                    name: "OOB",
                    llm: llm(o.model),
                    ...(o.asr ? { asr: ASR } : {}),
                    ...(o.adopt ? { adoptExisting: true } : {}),
                });
                return { id: agent.agentId, kept: agent.keptFields };
            };

        /** A signed UpdateAgent or RegisterAgent from outside the stack, as the ZEGO console or another tool would. */
        async function outOfBand(call: (client: ZegoClient) => Promise<unknown>): Promise<void> {
            const client = new ZegoClient({ appId: emulator.appId, serverSecret: SERVER_SECRET, endpoint: emulator.url });
            try {
                await call(client);
            } finally {
                client.close();
            }
        }

        /** refresh, preview with no changes, up with no changes: each succeeds. */
        async function allSucceed(run: EngineRun): Promise<void> {
            await run.refresh({ onOutput: run.onOutput });
            await run.preview({ onOutput: run.onOutput, expectNoChanges: true });
            const up = await run.up({ onOutput: run.onOutput });
            expect(changesOf(up.summary.resourceChanges)).to.deep.equal({});
        }

        it("adopting an agent with an asr the program does not declare: up says it kept asr; refresh, preview and up succeed; declaring asr later updates it", async () => {
            await outOfBand((c) => c.registerAgent({ agentId: AGENT, name: "Elsewhere", llm: llm("model-z"), asr: ASR }));
            await withStack(agentProgram({ adopt: true }), emulatorConfig(emulator), async (run) => {
                const up = await run.up({ onOutput: run.onOutput });
                expect(up.stdout + run.output.join("\n")).to.contain(`agent ${AGENT}: kept asr, which the program does not declare`);
                expect(stackOutput(up.outputs, "kept")).to.deep.equal(["asr"]);
                await allSucceed(run);
                expect(emulator.agents()[0]!.ASR, "ZEGO still holds the asr").to.deep.include({ Vendor: "Tencent" });
                assertNoSecrets([await run.exportState(), run.output.join("\n")], SECRETS);

                (run.stack.workspace as LocalWorkspace).program = agentProgram({ adopt: true, asr: true });
                const declared = await run.up({ onOutput: run.onOutput });
                expect(changesOf(declared.summary.resourceChanges)).to.deep.equal({ update: 1 });
                expect(stackOutput(declared.outputs, "kept")).to.deep.equal([]);
                expect(
                    emulator
                        .requests()
                        .filter((r) => r.action === "UpdateAgent")
                        .at(-1)!.body,
                ).to.have.property("ASR");
            });
        });

        it("an asr added in the console to a managed agent: refresh, preview and up succeed with no changes", async () => {
            await withStack(agentProgram(), emulatorConfig(emulator), async (run) => {
                await run.up({ onOutput: run.onOutput });
                await outOfBand((c) => c.updateAgent({ agentId: AGENT, asr: ASR }));
                await allSucceed(run);
                expect(stackOutput(await run.outputs(), "kept")).to.deep.equal(["asr"]);
            });
        });

        it("a declared value changed in the console: refresh reads it, preview shows an update back, up converges", async () => {
            await withStack(agentProgram(), emulatorConfig(emulator), async (run) => {
                await run.up({ onOutput: run.onOutput });
                await outOfBand((c) => c.updateAgent({ agentId: AGENT, llm: llm("model-console") }));
                await run.refresh({ onOutput: run.onOutput });
                const preview = await run.preview({ onOutput: run.onOutput, diff: true });
                expect(preview.changeSummary).to.deep.include({ update: 1 });
                expect(preview.stdout).to.match(/model\s*: "model-console" => "model-a"/);
                await run.up({ onOutput: run.onOutput });
                expect((emulator.agents()[0]!.LLM as { Model: string }).Model).to.equal("model-a");
            });
        });
    });

    it("zego:gracefulShutdownTimeout 999 fails preview and up naming the key, allowed values and the value; nothing is created", async () => {
        await withStack(ttsProgram(), { ...emulatorConfig(emulator), "zego:gracefulShutdownTimeout": { value: "999" } }, async (run) => {
            for (const op of [() => run.preview({ onOutput: run.onOutput }), () => run.up({ onOutput: run.onOutput })]) {
                const error = await op().then(
                    () => undefined,
                    (e: Error) => e,
                );
                expect(error!.message).to.contain(
                    'stack config "zego:gracefulShutdownTimeout" must be an integer from 1 to 120 (seconds); got "999"',
                );
            }
            expect(emulator.instances()).to.deep.equal([]);
            expect(emulator.agents()).to.deep.equal([]);
        });
    });

    it("a change of zego:appId is refused at preview with what to do; reverting shows no changes; destroy works", async () => {
        await withStack(ttsProgram(), emulatorConfig(emulator), async (run) => {
            await run.up({ onOutput: run.onOutput });
            await run.stack.setConfig("zego:appId", { value: "987654321" });
            expect(await previewFailure(run))
                .to.contain("is now configured for app 987654321")
                .and.contain("not supported")
                .and.contain("pulumi destroy");
            await run.stack.setConfig("zego:appId", { value: String(emulator.appId) });
            await run.preview({ onOutput: run.onOutput, expectNoChanges: true });
            await run.destroy({ onOutput: run.onOutput });
            expect(emulator.liveInstances()).to.deep.equal([]);
        });
    });

    it("credentials rotated in stack config: destroy (last up's config) fails saying what works; ZEGO_* does not help; destroy --run-program works", async () => {
        const NEW_SECRET = "fedcba9876543210fedcba9876543210";
        let rotated: EmulatorHandle | undefined;
        try {
            await withStack(ttsProgram(), emulatorConfig(emulator), async (run) => {
                await run.up({ onOutput: run.onOutput });
                const [id] = emulator.liveInstances().map((i) => i.agentInstanceId);
                // ZEGO rotates the secret: the same endpoint now only accepts NEW_SECRET (its state is gone, but the calls tell).
                const port = emulator.port;
                await emulator.close();
                rotated = await startTestEmulator({ port, serverSecret: NEW_SECRET });
                await run.stack.setConfig("zego:serverSecret", { value: NEW_SECRET, secret: true });
                await run.setEnv("ZEGO_SERVER_SECRET", NEW_SECRET);
                const error = await run.destroy({ onOutput: run.onOutput }).then(
                    () => undefined,
                    (e: Error) => e,
                );
                expect(error!.message)
                    .to.contain("100000005")
                    .and.contain("stack config of the last `pulumi up`")
                    .and.contain("pulumi destroy --run-program");
                expect(id).to.be.a("string");
                await run.destroy({ onOutput: run.onOutput, runProgram: true });
                expect(JSON.parse(await run.exportState()).checkpoint.latest.resources ?? []).to.deep.equal([]);
                assertNoSecrets([run.output.join("\n"), error!.message], [NEW_SECRET, SERVER_SECRET]);
            });
        } finally {
            await rotated?.close();
            emulator = await startTestEmulator();
        }
    });
});

async function previewWith(run: Pick<EngineRun, "stack" | "onOutput" | "preview">, fn: PulumiFn) {
    (run.stack.workspace as LocalWorkspace).program = fn;
    return run.preview({ diff: true, onOutput: run.onOutput });
}
