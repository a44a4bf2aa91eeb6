/**
 * The provider through the real Pulumi engine: up, preview (update vs replace, offline, no
 * credentials), refresh, destroy with graceful shutdown, secrets in state and engine output.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, PulumiFn } from "@pulumi/pulumi/automation";
import { Agent, AgentInstance } from "../../provider";
import { EmulatorHandle } from "../../emulator";
import { LLM_API_KEY, TTS_TOKEN, ASR_SECRET } from "../fixtures/args";
import { assertNoSecrets, emulatorConfig, SERVER_SECRET, startTestEmulator, withStack } from "./harness";

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
            const up = await run.stack.up({ onOutput: run.onOutput });
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
                [up.outputs.instance1.value, up.outputs.instance2.value].sort(),
            );

            const state = await run.exportState();
            assertNoSecrets([state, run.output.join("\n")], SECRETS);
            // The secrets are in state, encrypted.
            expect(state).to.contain("4dabf18193072939515e22adb298388d");
        });
    });

    it("preview shows an update for llm.model, a delete-first replace for rtc.roomId, and calls no API", async () => {
        await withStack(program(), emulatorConfig(emulator), async (run) => {
            await run.stack.up({ onOutput: run.onOutput });
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
            await run.stack.up({ onOutput: run.onOutput });
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
            const preview = await run.stack.preview({ onOutput: run.onOutput });
            expect(preview.changeSummary.create).to.equal(4); // the stack, the agent and two instances
            expect(emulator.stats().requests).to.equal(0);
        });
    });

    it("refresh drops an instance deleted behind Pulumi's back", async () => {
        await withStack(program(), emulatorConfig(emulator), async (run) => {
            const up = await run.stack.up({ onOutput: run.onOutput });
            const gone = up.outputs.instance1.value as string;
            await signedDelete(emulator, gone);
            await run.stack.refresh({ onOutput: run.onOutput });
            const resources = JSON.parse(await run.exportState()).checkpoint.latest.resources as { id?: string; type: string }[];
            const ids = resources.filter((r) => r.type === "pulumi-nodejs:dynamic/zego:AgentInstance").map((r) => r.id);
            expect(ids).to.not.include(gone);
            expect(ids).to.include(up.outputs.instance2.value);
        });
    });

    it("destroy waits for a busy agent to finish (graceful, timeout 10) and it is gone", async () => {
        await withStack(program({ instances: 1, timeout: 10 }), emulatorConfig(emulator), async (run) => {
            const up = await run.stack.up({ onOutput: run.onOutput });
            const id = up.outputs.instance1.value as string;
            const busyUntil = Date.now() + 5000;
            emulator.setBusy(id, { status: "SPEAKING", seconds: 5 });
            await run.stack.destroy({ onOutput: run.onOutput });
            const returned = Date.now();
            const instance = emulator.instances().find((i) => i.agentInstanceId === id)!;
            expect(instance.deleteRequest).to.deep.include({ GracefulShutdown: true, GracefulShutdownTimeout: 10 });
            expect(instance.deleteRequest!.receivedAt, "the delete arrived while the agent was speaking").to.be.below(busyUntil);
            expect(instance.state).to.equal("deleted");
            expect(instance.deletedReason, "deleted when idle, not forced by the timeout").to.equal("api");
            expect(instance.deletedAt!, "deleted once the agent finished").to.be.at.least(busyUntil - 150);
            expect(returned, "destroy returned only after the instance was gone").to.be.at.least(instance.deletedAt!);
            expect(run.output.join("\n")).to.contain(`waiting up to 10 s for agent instance ${id} to finish speaking`);
            assertNoSecrets([run.output.join("\n")], SECRETS);
        });
    });

    it("destroy of an agent busy for 60 s with a 3 s timeout returns after about 3 s plus the margin", async () => {
        await withStack(program({ instances: 1, timeout: 3 }), emulatorConfig(emulator), async (run) => {
            const up = await run.stack.up({ onOutput: run.onOutput });
            const id = up.outputs.instance1.value as string;
            emulator.setBusy(id, { status: "SPEAKING", seconds: 60 });
            const started = Date.now();
            await run.stack.destroy({ onOutput: run.onOutput });
            const elapsed = (Date.now() - started) / 1000;
            const instance = emulator.instances().find((i) => i.agentInstanceId === id)!;
            expect(instance.deleteRequest).to.deep.include({ GracefulShutdown: true, GracefulShutdownTimeout: 3 });
            expect(instance.deletedReason).to.equal("graceful-timeout");
            expect(elapsed).to.be.below(3 + 15 + 10);
        });
    });

    it("ZEGO_GRACEFUL_SHUTDOWN=false at destroy time deletes at once", async () => {
        await withStack(program({ instances: 1 }), emulatorConfig(emulator), async (run) => {
            const up = await run.stack.up({ onOutput: run.onOutput });
            const id = up.outputs.instance1.value as string;
            emulator.setBusy(id, { status: "SPEAKING", seconds: 60 });
            await run.setEnv("ZEGO_GRACEFUL_SHUTDOWN", "false");
            await run.stack.destroy({ onOutput: run.onOutput });
            const instance = emulator.instances().find((i) => i.agentInstanceId === id)!;
            expect(instance.deleteRequest!.GracefulShutdown).to.equal(false);
            expect(instance.deletedReason).to.equal("api");
            expect(instance.deletedAt! - instance.deleteRequest!.receivedAt).to.be.below(1000);
        });
    });
});

async function previewWith(run: { stack: import("@pulumi/pulumi/automation").Stack; onOutput: (s: string) => void }, fn: PulumiFn) {
    (run.stack.workspace as LocalWorkspace).program = fn;
    return run.stack.preview({ diff: true, onOutput: run.onOutput });
}

/** Delete an instance directly at the emulator, as another tool would. */
async function signedDelete(emulator: EmulatorHandle, agentInstanceId: string): Promise<void> {
    const { ZegoClient } = await import("../../provider");
    const client = new ZegoClient({ appId: emulator.appId, serverSecret: SERVER_SECRET, endpoint: emulator.url });
    await client.deleteAgentInstance({ agentInstanceId });
}
