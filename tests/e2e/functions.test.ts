/**
 * The TypeScript functions (getAgent, listAgents, getAgentInstanceStatus) in a program the real
 * engine runs: read at up (and at preview, where their arguments are known), the credential-holding
 * results secret in the outputs and the raw state; at preview without credentials, unknown and uncalled.
 */
import { expect } from "chai";
import { Agent, AgentInstance, AgentInstanceArgs, getAgent, getAgentInstanceStatus, listAgents } from "../../provider";
import { AGENT_STATUSES } from "../../provider/schema/api";
import { EmulatorHandle } from "../../emulator";
import { LLM_API_KEY, TTS_TOKEN, validInstanceArgs } from "../harness/fixtures";
import { assertNoSecrets, emulatorConfig, SERVER_SECRET, startTestEmulator, withStack } from "../harness/engine";

describe("e2e: the TypeScript functions through the real engine", function () {
    this.timeout(240_000);
    let emulator: EmulatorHandle;

    before(async () => {
        emulator = await startTestEmulator();
    });
    after(async () => emulator.close());

    it("read an agent, every agent and an instance's status after up; secret where a credential is; unknown and uncalled at a preview without credentials", async () => {
        const program = async () => {
            const agent = new Agent("fn-agent", {
                agentId: "fn_agent",
                name: "Read by a function",
                llm: { url: "https://llm.example.com/v1", apiKey: LLM_API_KEY, model: "model-a" },
            });
            const instance = new AgentInstance("fn-instance", {
                ...(validInstanceArgs("fn") as unknown as AgentInstanceArgs),
                agentId: agent.agentId,
                gracefulShutdown: false,
                gracefulShutdownTimeout: undefined,
            });
            // The id, not the echoed agentId: unknown until the agent exists, so the first preview reads nothing.
            const read = getAgent({ agentId: agent.id });
            return {
                agent: read,
                agentName: read.name,
                agentIds: listAgents({ dependsOn: [agent] }).agents.apply((agents) => agents.map((a) => a.agentId)),
                status: getAgentInstanceStatus({ agentInstanceId: instance.agentInstanceId }).status,
            };
        };
        await withStack(program, emulatorConfig(emulator), async (run) => {
            const up = await run.up({ onOutput: run.onOutput });
            expect(up.summary.result).to.equal("succeeded");
            expect(up.outputs.agent?.secret, "the agent holds an LLM key: the whole result is secret").to.equal(true);
            expect(up.outputs.agent?.value).to.deep.include({ agentId: "fn_agent", name: "Read by a function" });
            expect(up.outputs.agent?.value.llm).to.deep.include({ apiKey: LLM_API_KEY, model: "model-a" });
            expect(up.outputs.agentName?.value).to.equal("Read by a function");
            expect(up.outputs.agentIds?.value).to.deep.equal(["fn_agent"]);
            expect(AGENT_STATUSES).to.include(up.outputs.status?.value);
            expect(up.outputs.status?.secret).to.equal(false);
            assertNoSecrets([await run.exportState(), ...run.output], [LLM_API_KEY, TTS_TOKEN, SERVER_SECRET]);

            // A preview from where there are no credentials (a pull request from a fork): the reads are unknown, nothing is called.
            await run.stack.removeConfig("zego:appId");
            await run.stack.removeConfig("zego:serverSecret");
            const before = emulator.requests().length;
            const preview = await run.preview({ onOutput: run.onOutput });
            expect(preview.changeSummary).to.deep.equal({ same: 3 });
            expect(
                emulator
                    .requests()
                    .slice(before)
                    .map((r) => r.action),
            ).to.deep.equal([]);
            await run.stack.setAllConfig(emulatorConfig(emulator));
        });
    });
});
