/**
 * The plugin's functions from Pulumi YAML (fn::invoke) through the real engine: getAgent,
 * listAgents and getAgentInstanceStatus in a small program, the plugin installed from the tarball
 * `npm run plugin` builds, against the emulator.
 */
import { expect } from "chai";
import * as fs from "fs";
import { EmulatorHandle } from "../../emulator";
import { ZegoClient } from "../../provider/client/client";
import { AGENT_STATUSES } from "../../provider/schema/api";
import { PulumiEnv } from "../../scripts/pulumi-env";
import { APP_ID, assertNoSecrets, CheckedStack, emulatorConfig, SERVER_SECRET, startTestEmulator, stateFileOf } from "../harness/engine";
import { yamlPluginStack } from "../harness/plugin";

const LLM_KEY = "sk-yaml-fn-LLMKEY-93b1";

const PROGRAM = `name: yaml-functions
runtime: yaml
config:
  llmApiKey:
    type: string
    secret: true
resources:
  agent:
    type: zego:index:Agent
    properties:
      agentId: yaml_fn_agent
      name: Read from YAML
      llm:
        url: https://llm.example.com/v1
        apiKey: \${llmApiKey}
        model: model-a
  instance:
    type: zego:index:AgentInstance
    properties:
      agentId: \${agent.id}
      userId: user_fn
      rtc:
        roomId: room_fn
        agentStreamId: agent_stream_fn
        agentUserId: agent_user_fn
        userStreamId: user_stream_fn
      llm:
        url: https://llm.example.com/v1
        apiKey: \${llmApiKey}
        model: model-a
      tts:
        vendor: ByteDanceV3
        params:
          app:
            appid: tts-app
            token: tts-token
      gracefulShutdown: false
variables:
  read:
    fn::invoke:
      function: zego:index:getAgent
      arguments:
        agentId: \${agent.id}
  agents:
    fn::invoke:
      function: zego:index:listAgents
      arguments: {}
      return: agents
  status:
    fn::invoke:
      function: zego:index:getAgentInstanceStatus
      arguments:
        agentInstanceId: \${instance.agentInstanceId}
      return: status
outputs:
  agentName: \${read.name}
  agentLlm: \${read.llm}
  agents: \${agents}
  status: \${status}
`;

describe("e2e: the plugin's functions from Pulumi YAML (fn::invoke) through the engine", function () {
    this.timeout(240000);
    let em: EmulatorHandle;
    let env: PulumiEnv;
    /** The stack's operations, each followed by the harness's invariants; `stack.stack` is the plain stack. */
    let stack: CheckedStack;
    const output: string[] = [];
    const onOutput = (line: string) => output.push(line);

    before(async () => {
        em = await startTestEmulator();
        ({ env, stack } = await yamlPluginStack({
            program: PROGRAM,
            stackName: "fn",
            emulators: () => [em],
            onOutput,
            config: {
                ...emulatorConfig(em),
                llmApiKey: { value: LLM_KEY, secret: true },
            },
        }));
    });

    after(async () => {
        try {
            await stack?.destroy({ onOutput });
            await stack?.stack.workspace.removeStack("fn");
        } finally {
            await env?.cleanup();
            await em?.close();
        }
    });

    it("up reads the agent (its LLM key secret), every agent and the instance's status; nothing in plaintext", async () => {
        const client = new ZegoClient({ appId: APP_ID, serverSecret: SERVER_SECRET, endpoint: em.url });
        try {
            for (const agentId of ["elsewhere_1", "elsewhere_2"]) await client.registerAgent({ agentId, name: "Made elsewhere" } as never);
        } finally {
            client.close();
        }
        const up = await stack.up({ onOutput });
        expect(up.summary.result).to.equal("succeeded");
        expect(stack.checked, "the up's plan was compared and it converged").to.include({ previewEqualsUp: 1, converged: 1 });
        expect(up.outputs.agentName?.value).to.equal("Read from YAML");
        expect(up.outputs.agentLlm?.secret, "the LLM config holds the key").to.equal(true);
        expect(up.outputs.agentLlm?.value).to.deep.include({ apiKey: LLM_KEY, model: "model-a" });
        // Read when the program starts (its arguments are known), so it lists the agents registered before the up.
        expect((up.outputs.agents?.value as { agentId: string }[]).map((a) => a.agentId).sort()).to.deep.equal([
            "elsewhere_1",
            "elsewhere_2",
        ]);
        expect(AGENT_STATUSES).to.include(up.outputs.status?.value);
        const state = fs.readFileSync(stateFileOf(env, "yaml-functions", "fn"), "utf8");
        assertNoSecrets([state, ...output], [LLM_KEY, SERVER_SECRET]);
    });
});
