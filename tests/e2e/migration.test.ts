/**
 * Moving a TypeScript stack from the dynamic resources (`pulumi-nodejs:dynamic/zego:<Kind>`) to the
 * zego plugin (`zego:index:<Kind>`) through the real engine: the program declares the same resources
 * as plugin resources, each with an alias from its dynamic type (README "Moving from the dynamic
 * resources to the plugin"). The engine then asks the plugin's DiffConfig whether the move replaces
 * (it does not) and its Diff with the dynamic state: an update that makes no API call and writes the
 * state in the plugin's shape. Destroy then deletes gracefully through the plugin.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, PulumiFn } from "@pulumi/pulumi/automation";
import { Agent, AgentInstance, DigitalHumanAgentInstance, ZegoClient } from "../../provider";
import { EmulatorHandle } from "../../emulator";
import { repoRoot, stackOutput } from "../../scripts/pulumi-env";
import { ASR_SECRET, LLM_API_KEY, TTS_TOKEN } from "../harness/fixtures";
import { assertNoSecrets, EngineRun, emulatorConfig, SERVER_SECRET, startTestEmulator, StateResource, withStack } from "../harness/engine";
import { installPlugin } from "../harness/plugin";
import { UPGRADE_INSTANCE, UPGRADE_STACK, UPGRADE_TIMEOUT } from "../harness/upgradeProgram";

/** A resource served by the zego plugin that takes over the dynamic resource of the same kind and name (the README's code). */
class PluginResource extends pulumi.CustomResource {
    constructor(kind: string, name: string, args: pulumi.Inputs, opts: pulumi.CustomResourceOptions = {}) {
        const alias = { type: `pulumi-nodejs:dynamic/zego:${kind}` };
        super(`zego:index:${kind}`, name, args, { ...opts, aliases: [...(opts.aliases ?? []), alias] });
    }
}

const LLM = { url: "https://llm.example.com/v1/chat/completions", apiKey: LLM_API_KEY, model: "model-a" };
const AGENT = { agentId: "move_agent", name: "Moving", llm: LLM };
const TIMEOUT = 10;
const INSTANCE = {
    userId: "move_user",
    rtc: { roomId: "move_room", agentStreamId: "move_agent_stream", agentUserId: "move_agent_user", userStreamId: "move_user_stream" },
    llm: LLM,
    tts: { vendor: "ByteDanceV3", params: { app: { appid: "a", token: TTS_TOKEN } } },
    asr: { vendor: "Tencent", params: { secret_key: ASR_SECRET } },
    gracefulShutdownTimeout: TIMEOUT,
};
const PRESENTER = {
    userId: "presenter_user",
    rtc: { roomId: "move_room", agentStreamId: "presenter_stream", agentUserId: "presenter", userStreamId: "presenter_user_stream" },
    digitalHuman: { digitalHumanId: "xiaozhi", configId: "web" },
    gracefulShutdownTimeout: TIMEOUT,
};

/** Program 1: the dynamic resources. */
async function dynamicProgram() {
    const agent = new Agent("agent", AGENT);
    const instance = new AgentInstance("instance", { ...INSTANCE, agentId: agent.agentId } as never);
    const presenter = new DigitalHumanAgentInstance("presenter", { ...PRESENTER, agentId: agent.agentId } as never);
    return { instance: instance.agentInstanceId, presenter: presenter.agentInstanceId, config: presenter.digitalHumanConfig };
}

/** Program 2: the same resources, same names and arguments, served by the plugin. */
async function pluginProgram() {
    const agent = new PluginResource("Agent", "agent", AGENT);
    const instance = new PluginResource("AgentInstance", "instance", { ...INSTANCE, agentId: agent.id });
    const presenter = new PluginResource("DigitalHumanAgentInstance", "presenter", { ...PRESENTER, agentId: agent.id });
    return { instance: instance.id, presenter: presenter.id };
}

async function resources(run: EngineRun): Promise<(StateResource & { provider?: string; inputs?: Record<string, unknown> })[]> {
    return JSON.parse(await run.exportState()).checkpoint.latest.resources;
}

const isSecretValue = (v: unknown) => JSON.stringify(v).includes("ciphertext");

describe("e2e: moving a stack from the dynamic resources to the zego plugin (aliases)", function () {
    this.timeout(300_000);
    let emulator: EmulatorHandle;
    before(async () => (emulator = await startTestEmulator()));
    after(async () => emulator.close());
    beforeEach(() => emulator.reset());

    const calls = () => emulator.requests().length;
    const actions = (from: number) =>
        emulator
            .requests()
            .slice(from)
            .map((r) => r.action);

    /**
     * Program 2 over the stack's current (dynamic) state: preview and up show `moved` updates and
     * nothing else, make no API call, and leave state in the plugin's shape under the same ids.
     */
    async function move(run: EngineRun, program: PulumiFn, moved: number): Promise<void> {
        await installPlugin(run.env);
        const ids = (await resources(run)).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/")).map((r) => r.id);
        expect(ids).to.have.length(moved);
        (run.stack.workspace as LocalWorkspace).program = program;

        run.convergeAfterUp = false; // its refresh would count as calls of this up; checked below
        const seq = calls();
        const preview = await run.preview({ diff: true, onOutput: run.onOutput });
        expect(preview.changeSummary).to.deep.equal({ same: 1, update: moved });
        expect(calls() - seq, "API calls of the preview").to.equal(0);
        const up = await run.up({ diff: true, onOutput: run.onOutput });
        expect(up.summary.resourceChanges).to.deep.equal({ same: 1, update: moved });
        expect(actions(seq), "API calls of the preview and up").to.deep.equal([]);
        await run.checkConverged();
        run.convergeAfterUp = true;

        const after = await resources(run);
        const zego = after.filter((r) => r.type.startsWith("zego:index:"));
        expect(zego.map((r) => r.id).sort(), "the same objects, under the plugin's types").to.deep.equal([...ids].sort());
        expect(after.map((r) => r.type)).to.not.include("pulumi:providers:pulumi-nodejs");
        for (const r of zego) {
            expect(r.provider).to.match(/::pulumi:providers:zego::default/);
            for (const props of [r.inputs!, r.outputs!]) {
                expect(props, r.type).to.not.have.any.keys("__provider", "secrets");
                if ("llm" in props)
                    expect(isSecretValue((props.llm as Record<string, unknown>).apiKey), `${r.type} llm.apiKey`).to.equal(true);
            }
        }
    }

    /**
     * Destroy with an agent busy for longer than the graceful timeout (so however long the CLI takes to
     * start, it is still speaking when the delete comes): the plugin's delete asks for a graceful shutdown
     * and waits until ZEGO ends the instance at the timeout; nothing is left.
     */
    async function destroyGracefully(run: EngineRun, agentInstanceId: string, timeout: number): Promise<void> {
        emulator.setBusy(agentInstanceId, { status: "SPEAKING", seconds: 120 });
        const seq = calls();
        const destroy = await run.destroy({ onOutput: run.onOutput });
        expect(destroy.summary.result).to.equal("succeeded");
        const gone = emulator.instance(agentInstanceId)!;
        expect(gone.state).to.equal("deleted");
        expect(gone.deleteRequest).to.deep.include({ GracefulShutdown: true, GracefulShutdownTimeout: timeout });
        expect(gone.deletedAt! - gone.deleteRequest!.receivedAt, "deleted after the graceful wait").to.be.at.least(1000);
        expect(actions(seq)).to.include("UnregisterAgent");
        expect(emulator.liveInstances()).to.deep.equal([]);
        expect(emulator.agents()).to.deep.equal([]);
    }

    it("Agent, AgentInstance and DigitalHumanAgentInstance: no replacement, the same instances, state in the plugin's shape, graceful destroy; no secret in state or output", async () => {
        await withStack(dynamicProgram, emulatorConfig(emulator), async (run) => {
            const up = await run.up({ onOutput: run.onOutput });
            const instanceId = stackOutput(up.outputs, "instance") as string;
            const presenterId = stackOutput(up.outputs, "presenter") as string;
            const config = stackOutput(up.outputs, "config") as string;
            expect(config, "the digital human's config").to.match(/.+/);
            const creates = () =>
                actions(0)
                    .filter((a) => a.startsWith("Create") || a === "RegisterAgent")
                    .sort();
            expect(creates()).to.deep.equal(["CreateAgentInstance", "CreateDigitalHumanAgentInstance", "RegisterAgent"]);

            await move(run, pluginProgram, 3);
            const outputs = await run.outputs();
            expect(
                [stackOutput(outputs, "instance"), stackOutput(outputs, "presenter")],
                "a plugin resource's id is the instance id",
            ).to.deep.equal([instanceId, presenterId]);
            expect(
                emulator
                    .liveInstances()
                    .map((i) => i.agentInstanceId)
                    .sort(),
            ).to.deep.equal([instanceId, presenterId].sort());
            expect(creates(), "nothing created again").to.deep.equal([
                "CreateAgentInstance",
                "CreateDigitalHumanAgentInstance",
                "RegisterAgent",
            ]);
            const presenter = (await resources(run)).find((r) => r.type === "zego:index:DigitalHumanAgentInstance")!;
            expect(isSecretValue(presenter.outputs!.digitalHumanConfig), "digitalHumanConfig stays secret").to.equal(true);

            await destroyGracefully(run, instanceId, TIMEOUT);
            expect(emulator.instance(presenterId)!.deleteRequest).to.deep.include({
                GracefulShutdown: true,
                GracefulShutdownTimeout: TIMEOUT,
            });
            assertNoSecrets([await run.exportState(), run.output.join("\n")], [SERVER_SECRET, LLM_API_KEY, TTS_TOKEN, ASR_SECRET, config]);
        });
    });

    it("state written by 0.1.0 (upgrade-v1.json: credentials in a top-level `secrets`) moves the same way and is put back in place, encrypted", async () => {
        const client = new ZegoClient({ appId: emulator.appId, serverSecret: SERVER_SECRET, endpoint: emulator.url });
        // As recorded (tests/e2e/upgrade.test.ts): the agent and the instance the fixture points at.
        const llm = { url: "https://llm.example.com/v1", apiKey: LLM_API_KEY, model: "m" };
        await client.registerAgent({ agentId: UPGRADE_INSTANCE.agentId, llm });
        const { agentInstanceId } = await client.createAgentInstance(UPGRADE_INSTANCE);
        client.close();
        const text = fs
            .readFileSync(path.join(repoRoot(), "tests", "fixtures", "state", "upgrade-v1.json"), "utf8")
            .split("{{ENDPOINT}}")
            .join(emulator.url)
            .split("{{INSTANCE_ID}}")
            .join(agentInstanceId);
        // The 0.1.0 program (tests/harness/upgradeProgram.ts), served by the plugin.
        const program = async () => {
            const agent = new PluginResource("Agent", "agent", { agentId: UPGRADE_INSTANCE.agentId, llm });
            const instance = new PluginResource("AgentInstance", "instance", {
                ...UPGRADE_INSTANCE,
                agentId: agent.id,
                llm,
                gracefulShutdownTimeout: UPGRADE_TIMEOUT,
            });
            return { instanceId: instance.id };
        };
        await withStack(
            async () => ({}),
            emulatorConfig(emulator),
            async (run) => {
                const state = JSON.parse(text);
                const legacy = state.deployment.resources.filter((r: { inputs?: object }) => r.inputs && "secrets" in r.inputs);
                expect(legacy, "the fixture holds the 0.1.0 shape").to.have.length(2);
                await run.stack.importStack(state);
                await move(run, program, 2);
                expect(emulator.liveInstances().map((i) => i.agentInstanceId)).to.deep.equal([agentInstanceId]);
                await destroyGracefully(run, agentInstanceId, UPGRADE_TIMEOUT);
                assertNoSecrets([await run.exportState(), run.output.join("\n")], [SERVER_SECRET, LLM_API_KEY]);
            },
            { stackName: UPGRADE_STACK },
        );
    });
});
