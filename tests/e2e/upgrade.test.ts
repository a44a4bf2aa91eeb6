/**
 * Upgrade path: state written by earlier versions of the provider (recorded fixtures, with their
 * `__provider` and encrypted secrets) still refreshes, updates and destroys with the current code,
 * through the engine. upgrade-v1.json is 0.1.0's (a 4 KB closure-serialized shim); upgrade-v2.json
 * the hand-written `__provider` text (state version 1); upgrade-v3.json state version 2 (the Agent's
 * `keptFields`), as 0.2.0 writes it.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { ZegoClient } from "../../provider";
import { providerText } from "../../provider/shim";
import { EmulatorHandle } from "../../emulator";
import { repoRoot } from "../../scripts/pulumi-env";
import { LLM_API_KEY } from "../harness/fixtures";
import { assertNoSecrets, EngineRun, emulatorConfig, SERVER_SECRET, startTestEmulator, withStack } from "../harness/engine";
import { UPGRADE_INSTANCE, UPGRADE_STACK, UPGRADE_TIMEOUT, upgradeProgram } from "../harness/upgradeProgram";

const FIXTURES = ["upgrade-v1.json", "upgrade-v2.json", "upgrade-v3.json"];
const INSTANCE_TYPE = "pulumi-nodejs:dynamic/zego:AgentInstance";

interface StoredResource {
    type: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

describe("e2e: upgrade from recorded state", function () {
    this.timeout(180_000);
    let emulator: EmulatorHandle;
    before(async () => (emulator = await startTestEmulator()));
    after(async () => emulator.close());

    /** Recreates on the emulator what the recorded state points at, and returns the state to import. */
    async function recorded(fixture: string): Promise<{ state: unknown; agentInstanceId: string }> {
        emulator.reset();
        const client = new ZegoClient({ appId: emulator.appId, serverSecret: SERVER_SECRET, endpoint: emulator.url });
        // As recorded: the agent with the program's LLM (a refresh must find what the state says).
        await client.registerAgent({
            agentId: UPGRADE_INSTANCE.agentId,
            llm: { url: "https://llm.example.com/v1", apiKey: LLM_API_KEY, model: "m" },
        });
        const { agentInstanceId } = await client.createAgentInstance(UPGRADE_INSTANCE);
        client.close();
        const text = fs
            .readFileSync(path.join(repoRoot(), "tests", "fixtures", "state", fixture), "utf8")
            .split("{{ENDPOINT}}")
            .join(emulator.url)
            .split("{{INSTANCE_ID}}")
            .join(agentInstanceId);
        expect(text).to.contain("pulumi-zego-aiagent/runtime");
        return { state: JSON.parse(text), agentInstanceId };
    }

    async function stored(run: EngineRun): Promise<StoredResource[]> {
        return JSON.parse(await run.exportState()).checkpoint.latest.resources as StoredResource[];
    }

    async function destroyGracefully(run: EngineRun, agentInstanceId: string): Promise<void> {
        emulator.setBusy(agentInstanceId, { status: "SPEAKING", seconds: 2 });
        await run.destroy({ onOutput: run.onOutput });
        const instance = emulator.instance(agentInstanceId)!;
        expect(instance.state).to.equal("deleted");
        expect(instance.deleteRequest).to.deep.include({ GracefulShutdown: true, GracefulShutdownTimeout: UPGRADE_TIMEOUT });
        expect(emulator.agents()).to.deep.equal([]);
    }

    for (const fixture of FIXTURES) {
        it(`${fixture}: destroy with the current code deletes the instance gracefully and unregisters the agent`, async () => {
            const { state, agentInstanceId } = await recorded(fixture);
            await withStack(
                async () => ({}),
                emulatorConfig(emulator),
                async (run) => {
                    await run.stack.importStack(state as never);
                    await destroyGracefully(run, agentInstanceId);
                    assertNoSecrets([run.output.join("\n"), await run.exportState()], [SERVER_SECRET, LLM_API_KEY]);
                },
                { stackName: UPGRADE_STACK },
            );
        });

        it(`${fixture}: up over it changes nothing and shows no __provider; refresh, an update in place and destroy work`, async () => {
            const { state, agentInstanceId } = await recorded(fixture);
            let model = "m";
            await withStack(
                async () => upgradeProgram(model),
                emulatorConfig(emulator),
                async (run) => {
                    await run.stack.importStack(state as never);
                    const calls = () => emulator.requests().length;

                    // The same program over the old state: nothing to do, and no `__provider` anywhere in what the engine shows.
                    run.convergeAfterUp = false; // its refresh would count as calls of this up; checked below
                    let seq = calls();
                    const preview = await run.preview({ diff: true, onOutput: run.onOutput });
                    expect(preview.changeSummary).to.deep.equal({ same: 3 });
                    expect(preview.stdout).to.not.contain("__provider");
                    const up = await run.up({ diff: true, onOutput: run.onOutput });
                    expect(up.summary.resourceChanges).to.deep.equal({ same: 3 });
                    expect(up.stdout).to.not.contain("__provider");
                    expect(calls() - seq, "API calls of the preview and up").to.equal(0);
                    await run.checkConverged();
                    run.convergeAfterUp = true;

                    // Refresh reads through whatever `__provider` the state holds.
                    const refresh = await run.refresh({ onOutput: run.onOutput });
                    expect(refresh.summary.result).to.equal("succeeded");
                    expect(refresh.summary.resourceChanges ?? {}).to.not.have.any.keys("delete");
                    expect(emulator.instance(agentInstanceId)!.state).to.not.equal("deleted");

                    // A real change: an update in place of both, shown without `__provider`, which then holds the current text.
                    model = "m2";
                    seq = calls();
                    const change = await run.preview({ diff: true, onOutput: run.onOutput });
                    expect(change.changeSummary).to.deep.equal({ same: 1, update: 2 });
                    expect(change.stdout).to.contain("m2").and.not.contain("__provider");
                    const update = await run.up({ diff: true, onOutput: run.onOutput });
                    expect(update.summary.resourceChanges).to.deep.equal({ same: 1, update: 2 });
                    expect(update.stdout).to.not.contain("__provider");
                    const actions = emulator
                        .requests()
                        .slice(seq)
                        .map((r) => r.action);
                    expect(actions).to.include.members(["UpdateAgent", "UpdateAgentInstance"]);
                    expect(actions).to.not.include.members(["CreateAgentInstance"]);
                    const instance = (await stored(run)).find((r) => r.type === INSTANCE_TYPE)!;
                    expect(instance.outputs!.__provider).to.equal(providerText("AgentInstance"));
                    expect(instance.inputs!.__provider).to.equal(providerText("AgentInstance"));

                    await destroyGracefully(run, agentInstanceId);
                    assertNoSecrets([run.output.join("\n"), await run.exportState()], [SERVER_SECRET, LLM_API_KEY]);
                },
                { stackName: UPGRADE_STACK },
            );
        });
    }
});
