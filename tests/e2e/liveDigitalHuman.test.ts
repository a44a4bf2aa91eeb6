/**
 * LiveDigitalHumanAgentInstance through the real Pulumi engine: up, an offline preview that shows
 * a change as a delete-first replacement, secrets encrypted in state, and a graceful destroy.
 */
import { expect } from "chai";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { Agent, LiveDigitalHumanAgentInstance } from "../../provider";
import { EmulatorHandle } from "../../emulator";
import { TTS_TOKEN } from "../harness/fixtures";
import { assertNoSecrets, emulatorConfig, SERVER_SECRET, startTestEmulator, withStack } from "../harness/engine";
import { stackOutput } from "../../scripts/pulumi-env";
import { must } from "../must";

function program(digitalHumanId = "xiaozhi") {
    return async () => {
        const agent = new Agent("agent", { agentId: "live_agent" });
        const live = new LiveDigitalHumanAgentInstance("presenter", {
            agentId: agent.agentId,
            digitalHuman: { digitalHumanId, configId: "web" },
            rtc: { roomId: "live_room", agentStreamId: "presenter_stream", agentUserId: "presenter" },
            tts: { vendor: "ByteDance", params: { app: { appid: "a", token: TTS_TOKEN } } },
            advancedConfig: { maxIdleTime: 3600 },
            gracefulShutdownTimeout: 10,
        });
        return { id: live.agentInstanceId, config: live.digitalHumanConfig };
    };
}

describe("e2e: LiveDigitalHumanAgentInstance through the real Pulumi engine", function () {
    this.timeout(240_000);
    let emulator: EmulatorHandle;

    before(async () => {
        emulator = await startTestEmulator();
    });
    after(async () => emulator.close());

    it("up, preview (replace, delete first, no API call), up, graceful destroy; no secret in state or output", async () => {
        await withStack(program(), emulatorConfig(emulator), async (run) => {
            const up = await run.up({ onOutput: run.onOutput });
            expect(up.summary.result).to.equal("succeeded");
            const first = stackOutput(up.outputs, "id") as string;
            expect(emulator.instance(first)).to.include({ action: "CreateLiveDigitalHumanAgentInstance", state: "live" });
            expect(must(up.outputs.config, "up.outputs.config").secret, "digitalHumanConfig is a secret output").to.equal(true);
            const config = stackOutput(up.outputs, "config") as string;
            const state = await run.exportState();
            assertNoSecrets([state, run.output.join("\n")], [SERVER_SECRET, TTS_TOKEN, config]);

            const before = emulator.stats().requests;
            (run.stack.workspace as LocalWorkspace).program = program("xiaoyu");
            const preview = await run.preview({ diff: true, onOutput: run.onOutput });
            expect(preview.changeSummary.replace).to.equal(1);
            expect(preview.stdout).to.match(/~ digitalHumanId\s*: "xiaozhi" => "xiaoyu"/);
            expect(emulator.stats().requests, "API calls during preview").to.equal(before);

            const seq = emulator.requests().length;
            const replaced = await run.up({ onOutput: run.onOutput });
            const log = emulator
                .requests()
                .slice(seq)
                .map((r) => r.action);
            expect(log.indexOf("DeleteAgentInstance"), "the same AgentUserId: delete first").to.be.lessThan(
                log.indexOf("CreateLiveDigitalHumanAgentInstance"),
            );
            expect(log).to.not.include("UpdateAgentInstance");
            const second = stackOutput(replaced.outputs, "id") as string;
            expect(emulator.instance(first)!.state).to.equal("deleted");

            const busyFrom = Date.now();
            emulator.setBusy(second, { status: "SPEAKING", seconds: 6 });
            await run.destroy({ onOutput: run.onOutput });
            const gone = emulator.instance(second)!;
            expect(gone).to.include({ state: "deleted", deletedReason: "api" });
            expect(gone.deleteRequest).to.include({ GracefulShutdown: true, GracefulShutdownTimeout: 10 });
            // Deleted when the speech ended, not when the request came.
            expect(gone.deletedAt!).to.be.greaterThan(gone.deleteRequest!.receivedAt);
            expect(gone.deletedAt! - busyFrom).to.be.at.least(5900);
            assertNoSecrets([run.output.join("\n")], [SERVER_SECRET, TTS_TOKEN]);
        });
    });
});
