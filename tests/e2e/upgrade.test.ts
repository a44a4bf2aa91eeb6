/**
 * Upgrade path: state written by an earlier version of the provider (a recorded fixture, with its
 * serialized `__provider` and encrypted secrets) still destroys cleanly with the current code.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { ZegoClient } from "../../provider";
import { EmulatorHandle } from "../../emulator";
import { repoRoot } from "../../scripts/pulumi-env";
import { LLM_API_KEY } from "../fixtures/args";
import { assertNoSecrets, emulatorConfig, SERVER_SECRET, startTestEmulator, withStack } from "./harness";
import { UPGRADE_STACK, UPGRADE_TIMEOUT } from "./upgradeProgram";

const FIXTURES = ["upgrade-v1.json"];

describe("e2e: upgrade from recorded state", function () {
    this.timeout(120_000);
    let emulator: EmulatorHandle;
    before(async () => (emulator = await startTestEmulator()));
    after(async () => emulator.close());

    for (const fixture of FIXTURES) {
        it(`${fixture}: destroy with the current code deletes the instance gracefully and unregisters the agent`, async () => {
            emulator.reset();
            // Recreate on the emulator what the recorded state points at.
            const client = new ZegoClient({ appId: emulator.appId, serverSecret: SERVER_SECRET, endpoint: emulator.url });
            await client.registerAgent({ agentId: "upgrade_agent" });
            const { agentInstanceId } = await client.createAgentInstance({
                agentId: "upgrade_agent",
                userId: "upgrade_user",
                rtc: {
                    roomId: "upgrade_room",
                    agentStreamId: "upgrade_agent_stream",
                    agentUserId: "upgrade_agent_user",
                    userStreamId: "upgrade_user_stream",
                },
            });
            const text = fs
                .readFileSync(path.join(repoRoot(), "tests", "fixtures", "state", fixture), "utf8")
                .split("{{ENDPOINT}}")
                .join(emulator.url)
                .split("{{INSTANCE_ID}}")
                .join(agentInstanceId);
            const recorded = JSON.parse(text);
            expect(JSON.stringify(recorded)).to.contain("pulumi-zego-aiagent/runtime");

            await withStack(
                async () => ({}),
                emulatorConfig(emulator),
                async (run) => {
                    await run.stack.importStack(recorded);
                    emulator.setBusy(agentInstanceId, { status: "SPEAKING", seconds: 2 });
                    await run.stack.destroy({ onOutput: run.onOutput });
                    const instance = emulator.instance(agentInstanceId)!;
                    expect(instance.state).to.equal("deleted");
                    expect(instance.deleteRequest).to.deep.include({ GracefulShutdown: true, GracefulShutdownTimeout: UPGRADE_TIMEOUT });
                    expect(emulator.agents()).to.deep.equal([]);
                    assertNoSecrets([run.output.join("\n"), await run.exportState()], [SERVER_SECRET, LLM_API_KEY]);
                },
                {},
                UPGRADE_STACK,
            );
        });
    }
});
