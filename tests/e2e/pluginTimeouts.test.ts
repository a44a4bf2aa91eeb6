/**
 * A resource's customTimeouts through the real engine, on the zego plugin from Pulumi YAML: the
 * engine sends them as each request's `timeout`, and the plugin bounds the operation by them.
 * - customTimeouts.delete of 3 s on an instance whose agent keeps speaking (graceful timeout 20 s):
 *   destroy ends about 3 s after DeleteAgentInstance, saying which bound cut it off; once the agent
 *   is idle a second destroy succeeds and nothing is left.
 * - customTimeouts.create of 3 s while every status query hangs (an emulator fault): up fails near
 *   3 s saying so; the instance, which ZEGO did create, stays in state, and destroy deletes it.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { EmulatorHandle } from "../../emulator";
import { ZegoClient } from "../../provider/client/client";
import { PulumiEnv } from "../../scripts/pulumi-env";
import { APP_ID, assertNoSecrets, CheckedStack, emulatorConfig, InvariantError, SERVER_SECRET, startTestEmulator } from "../harness/engine";
import { yamlPluginStack } from "../harness/plugin";
import { must } from "../must";

const BOUND_S = 3;
/** The engine and the CLI around the bounded operation (2 shared cores). */
const SLACK_S = 4;

function program(customTimeouts: string): string {
    return `name: zego-timeouts
runtime: yaml
resources:
  instance:
    type: zego:index:AgentInstance
    properties:
      agentId: timeouts_agent
      userId: user_1
      rtc: { roomId: room_1, agentStreamId: agent_stream_1, agentUserId: agent_user_1, userStreamId: user_stream_1 }
      llm: { url: "https://llm.example.com/v1/chat/completions", apiKey: sk-timeouts, model: model-a }
      tts: { vendor: ByteDanceV3, params: { app: { appid: tts-app, token: tts-token } } }
      gracefulShutdownTimeout: 20
    options:
      customTimeouts: { ${customTimeouts} }
outputs:
  agentInstanceId: \${instance.agentInstanceId}
`;
}

describe("e2e: customTimeouts on the zego plugin (YAML, real engine)", function () {
    this.timeout(120_000);
    let em: EmulatorHandle;
    let env: PulumiEnv;
    /** The stack's operations, each followed by the harness's invariants (a failed one too: nothing live is left out of state). */
    let stack: CheckedStack;
    const output: string[] = [];
    const onOutput = (line: string) => output.push(line);

    before(async () => {
        em = await startTestEmulator();
        const client = new ZegoClient({ appId: APP_ID, serverSecret: SERVER_SECRET, endpoint: em.url });
        await client.registerAgent({ agentId: "timeouts_agent", name: "Timeouts agent" });
        client.close();
        ({ env, stack } = await yamlPluginStack({
            program: program(""),
            stackName: "timeouts",
            emulators: () => [em],
            onOutput,
            config: {
                ...emulatorConfig(em),
            },
        }));
    });

    after(async () => {
        try {
            em?.setFaults({});
            await stack?.destroy({ onOutput });
            await stack?.stack.workspace.removeStack("timeouts");
        } finally {
            await env?.cleanup();
            await em?.close();
        }
    });

    const live = () => em.instances().filter((i) => i.state !== "deleted");
    const setProgram = (customTimeouts: string) => fs.writeFileSync(path.join(env.workDir, "Pulumi.yaml"), program(customTimeouts));

    it("customTimeouts.delete: 3 s: destroy of a speaking agent ends near 3 s, naming the bound; after it is idle a second destroy succeeds", async () => {
        setProgram(`delete: ${BOUND_S}s`);
        await stack.up({ onOutput });
        const id = must(live()[0], "the instance").agentInstanceId;
        em.setBusy(id, { status: "SPEAKING", seconds: 600 });
        const checks = stack.checked.liveInState;
        const err = await stack.destroy({ onOutput }).then(
            () => undefined,
            (e: Error) => e,
        );
        const returned = Date.now();
        expect(err, "destroy fails at the bound").to.be.instanceOf(Error);
        expect(err, "the instance still live is still in state").to.not.be.instanceOf(InvariantError);
        expect(stack.checked.liveInState, "checked after the failed destroy").to.equal(checks + 1);
        const deleteAt = must(
            em.requests().find((r) => r.action === "DeleteAgentInstance"),
            "DeleteAgentInstance",
        ).at;
        expect((returned - deleteAt) / 1000, "seconds from DeleteAgentInstance to the end of destroy").to.be.within(
            BOUND_S - 0.5,
            BOUND_S + SLACK_S,
        );
        const text = output.join("\n");
        expect(text)
            .to.contain(`delete is bounded by 3 s (the resource's customTimeouts.delete; without it, 35 s)`)
            .and.contain(`the customTimeouts.delete of 3 s of agent instance ${id} is shorter than its graceful shutdown timeout of 20 s`);
        expect(live().map((i) => i.agentInstanceId)).to.deep.equal([id]);

        em.setBusy(id, { status: "SPEAKING", seconds: 0 });
        const second = await stack.destroy({ onOutput });
        expect(second.summary.result).to.equal("succeeded");
        expect(live()).to.have.length(0);
        assertNoSecrets(output, [SERVER_SECRET]);
    });

    it("customTimeouts.create: 3 s while status queries hang: up fails near 3 s, and destroy leaves nothing", async () => {
        setProgram(`create: ${BOUND_S}s`);
        em.setFaults({ hangNext: 1000, actions: ["QueryAgentInstanceStatus"] });
        const before = em.requests().at(-1)?.seq ?? -1;
        const checks = stack.checked.liveInState;
        const err = await stack.up({ onOutput }).then(
            () => undefined,
            (e: Error) => e,
        );
        const returned = Date.now();
        expect(err, "up fails at the bound").to.be.instanceOf(Error);
        expect(err, "the instance ZEGO created is in state").to.not.be.instanceOf(InvariantError);
        expect(stack.checked.liveInState, "checked after the failed up").to.equal(checks + 1);
        const createAt = must(
            em.requests().find((r) => r.seq > before && r.action === "CreateAgentInstance"),
            "CreateAgentInstance",
        ).at;
        expect((returned - createAt) / 1000).to.be.within(BOUND_S - 0.5, BOUND_S + SLACK_S);
        const id = must(live()[0], "the instance ZEGO created").agentInstanceId;
        expect(output.join("\n")).to.contain(
            `the status query after the create of agent instance ${id} was cut off by the resource's customTimeouts.create of 3 s`,
        );
        const state = (await stack.stack.exportStack()).deployment as { resources: { type: string; id?: string }[] };
        expect(
            state.resources.filter((r) => r.type === "zego:index:AgentInstance").map((r) => r.id),
            "kept in state",
        ).to.deep.equal([id]);

        em.setFaults({});
        const destroyed = await stack.destroy({ onOutput });
        expect(destroyed.summary.result).to.equal("succeeded");
        expect(live()).to.have.length(0);
    });
});
