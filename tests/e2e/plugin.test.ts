/**
 * The zego provider plugin through the real engine: the Pulumi YAML example (examples/yaml-voice-agent)
 * run by the CLI with pulumi-language-yaml (scripts/ensure-language-yaml.sh), the plugin installed
 * from the tarball `npm run plugin` builds (npm test builds it), against the emulator.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { EmulatorHandle } from "../../emulator";
import { ZegoClient } from "../../provider/client/client";
import { PulumiEnv, repoRoot, stackOutput } from "../../scripts/pulumi-env";
import {
    APP_ID,
    assertNoSecrets,
    CheckedStack,
    emulatorConfig,
    expectNothingLeaked,
    SERVER_SECRET,
    startTestEmulator,
    stateFileOf,
} from "../harness/engine";
import { yamlPluginStack } from "../harness/plugin";
import { must } from "../must";

const LLM_KEY = "sk-yaml-LLMKEY-5d1c0a";
const TTS_TOKEN = "tts-yaml-TTSCRED-77e1";
const SECRETS = [LLM_KEY, TTS_TOKEN, SERVER_SECRET];

describe("e2e: the zego plugin from Pulumi YAML through the engine", function () {
    this.timeout(240000);
    let em: EmulatorHandle;
    let env: PulumiEnv;
    /** The stack's operations, each followed by the harness's invariants; `stack.stack` is the plain stack. */
    let stack: CheckedStack;
    const output: string[] = [];
    const onOutput = (line: string) => output.push(line);
    const stackName = "yaml";

    before(async () => {
        em = await startTestEmulator();
        ({ env, stack } = await yamlPluginStack({
            program: fs.readFileSync(path.join(repoRoot(), "examples", "yaml-voice-agent", "Pulumi.yaml"), "utf8"),
            stackName,
            emulators: () => [em],
            onOutput,
            config: {
                ...emulatorConfig(em),
                llmApiKey: { value: LLM_KEY, secret: true },
                ttsToken: { value: TTS_TOKEN, secret: true },
            },
        }));
    });

    after(async () => {
        try {
            await stack?.destroy({ onOutput });
            await stack?.stack.workspace.removeStack(stackName);
        } finally {
            await env?.cleanup();
            await em?.close();
        }
    });

    const stateFile = () => stateFileOf(env, "yaml-voice-agent", stackName);
    const rawState = () => fs.readFileSync(stateFile(), "utf8");
    const live = () => em.instances().filter((i) => i.state !== "deleted");

    it("up creates the agent and its instance; the backend's raw state holds no secret in plaintext", async () => {
        const up = await stack.up({ onOutput });
        expect(up.summary.result).to.equal("succeeded");
        expect(up.summary.resourceChanges).to.include({ create: 3 }); // stack, agent, instance (+ the provider, not counted)
        expect(live()).to.have.length(1);
        expect(stackOutput(up.outputs, "agentInstanceId")).to.equal(must(live()[0], "live()[0]").agentInstanceId);
        const state = rawState();
        assertNoSecrets([state, ...output], SECRETS);
        // The secrets are there, encrypted at their own paths (llm.apiKey, tts.params.app), as is the provider's serverSecret.
        // The stored properties the assertions read (JSON.parse gives them unchecked).
        type StoredProps = Record<string, unknown> & { llm: Record<string, unknown>; tts: { params: Record<string, unknown> } };
        const resources = JSON.parse(state).checkpoint.latest.resources as {
            type: string;
            inputs: StoredProps;
            outputs: StoredProps;
        }[];
        const instance = resources.find((r) => r.type === "zego:index:AgentInstance")!;
        for (const props of [instance.inputs, instance.outputs]) {
            expect(props).not.to.have.property("secrets");
            expect(JSON.stringify(props.llm["apiKey"])).to.contain("ciphertext");
            expect(JSON.stringify(props.tts["params"]["app"])).to.contain("ciphertext");
            expect(props.llm["model"]).to.equal("model-a");
        }
        const provider = resources.find((r) => r.type === "pulumi:providers:zego")!;
        expect(JSON.stringify(provider.inputs["serverSecret"])).to.contain("ciphertext");
        const sent = em.requests().find((r) => r.action === "CreateAgentInstance");
        expect(sent, "the instance was created through the API").to.not.equal(undefined);
    });

    it("preview --diff: a prompt change is an update, a room change a replace, with 0 API calls", async () => {
        const before = em.requests().length;
        await stack.stack.setConfig("systemPrompt", { value: "Be brief." });
        const upd = await stack.preview({ diff: true, onOutput });
        expect(upd.changeSummary).to.include({ update: 1 });
        expect(upd.changeSummary.replace ?? 0).to.equal(0);
        await stack.stack.setConfig("roomId", { value: "room_2" });
        const rep = await stack.preview({ diff: true, onOutput });
        expect(rep.changeSummary).to.include({ replace: 1 });
        expect(em.requests().length, "preview calls no API").to.equal(before);
        assertNoSecrets(output, SECRETS);
        await stack.stack.removeConfig("roomId");
        await stack.stack.removeConfig("systemPrompt");
    });

    it("replaceOnChanges works with the plugin: a prompt change replaces, deleting the old instance gracefully first", async () => {
        const file = path.join(env.workDir, "Pulumi.yaml");
        const original = fs.readFileSync(file, "utf8");
        const withOption = original.replace(
            "      gracefulShutdownTimeout: 20\n",
            "      gracefulShutdownTimeout: 20\n    options:\n      replaceOnChanges:\n        - llm\n",
        );
        expect(withOption, "the option was added").to.not.equal(original);
        fs.writeFileSync(file, withOption);
        try {
            const old = must(live()[0], "live()[0]").agentInstanceId;
            await stack.stack.setConfig("systemPrompt", { value: "Be brief." });
            const preview = await stack.preview({ onOutput });
            expect(preview.changeSummary).to.include({ replace: 1 });
            const up = await stack.up({ onOutput });
            expect(up.summary.resourceChanges).to.include({ replace: 1 });
            const gone = em.instances().find((i) => i.agentInstanceId === old)!;
            expect(gone.deletedReason, "deleted by its graceful delete, not kicked by the new one").to.equal("api");
            expect(gone.deleteRequest).to.include({ GracefulShutdown: true });
            expect(live()).to.have.length(1);
        } finally {
            fs.writeFileSync(file, original);
            await stack.stack.removeConfig("systemPrompt");
        }
        await stack.up({ onOutput });
        assertNoSecrets(output, SECRETS);
    });

    it("`pulumi up --replace` with the plugin: with options.deleteBeforeReplace the old instance is deleted gracefully; without, ZEGO kicks it and the log names the cause and the fix", async () => {
        // The engine asks no provider about --replace and a schema cannot default resource options: README says to set it.
        const urn = `urn:pulumi:${stackName}::yaml-voice-agent::zego:index:AgentInstance::instance`;
        const file = path.join(env.workDir, "Pulumi.yaml");
        const original = fs.readFileSync(file, "utf8");
        const withOption = original.replace(
            "      gracefulShutdownTimeout: 20\n",
            "      gracefulShutdownTimeout: 20\n    options:\n      deleteBeforeReplace: true\n",
        );
        expect(withOption, "the option was added").to.not.equal(original);
        try {
            fs.writeFileSync(file, withOption);
            const first = must(live()[0], "live()[0]").agentInstanceId;
            await stack.up({ onOutput, replace: [urn] });
            expect(em.instances().find((i) => i.agentInstanceId === first)!.deletedReason, "with the option").to.equal("api");
        } finally {
            fs.writeFileSync(file, original);
        }
        const second = must(live()[0], "live()[0]").agentInstanceId;
        const replaced = await stack.up({ onOutput, replace: [urn] });
        expect(em.instances().find((i) => i.agentInstanceId === second)!.deletedReason, "without the option").to.equal("kicked");
        // The plugin logs through the engine (provider/plugin/engineLog.ts): the warning is in the CLI's output.
        expect(replaced.stdout).to.contain("deleteBeforeReplace: true").and.contain("aliases");
        expect(live()).to.have.length(1);
    });

    it("pulumi import zego:index:Agent: an agent registered outside Pulumi comes into state whole, its LLM key encrypted", async () => {
        const client = new ZegoClient({ appId: APP_ID, serverSecret: SERVER_SECRET, endpoint: em.url });
        try {
            await client.registerAgent({
                agentId: "imported_agent",
                name: "Made elsewhere",
                llm: { url: "https://llm.example.com/v1", apiKey: LLM_KEY, model: "model-b" },
            } as never);
        } finally {
            client.close();
        }
        // Not one of the checked operations: the invariant is checked explicitly after it.
        const res = await stack.stack.import({
            resources: [{ type: "zego:index:Agent", name: "imported", id: "imported_agent" }],
            protect: false,
            generateCode: false,
            onOutput,
        });
        expect(res.summary.result).to.equal("succeeded");
        expectNothingLeaked(stateFile(), [em], "import");
        const state = JSON.parse(rawState());
        const imported = state.checkpoint.latest.resources.find((r: { id?: string }) => r.id === "imported_agent");
        expect(imported, "the imported agent is in state").to.not.equal(undefined);
        expect(imported.inputs, JSON.stringify(imported)).to.include({ agentId: "imported_agent", name: "Made elsewhere" });
        expect(imported.inputs.llm).to.include({ model: "model-b" });
        expect(imported.inputs).not.to.have.property("secrets");
        // Imported whole: everything ZEGO holds is declared, nothing kept unmanaged.
        expect(imported.outputs.keptFields).to.deep.equal([]);
        expect(imported.inputs).not.to.have.property("keptFields");
        expect(JSON.stringify(imported.inputs.llm.apiKey)).to.contain("ciphertext");
        expect(JSON.stringify(imported.outputs.llm.apiKey)).to.contain("ciphertext");
        assertNoSecrets([rawState(), ...output], SECRETS);
    });

    it("destroy shuts a busy agent down gracefully (the YAML's gracefulShutdownTimeout) and waits until it is gone", async () => {
        const instance = must(live()[0], "live()[0]");
        // Long enough to outlast the CLI start-up before the delete request arrives, within the 20 s timeout.
        em.setBusy(instance.agentInstanceId, { status: "SPEAKING", seconds: 12 });
        const res = await stack.destroy({ onOutput });
        expect(res.summary.result).to.equal("succeeded");
        const gone = em.instances().find((i) => i.agentInstanceId === instance.agentInstanceId)!;
        expect(gone.state).to.equal("deleted");
        expect(gone.deleteRequest).to.include({ GracefulShutdown: true, GracefulShutdownTimeout: 20 });
        expect(gone.deletedAt! - gone.deleteRequest!.receivedAt).to.be.at.least(1000);
        // The example's agent and the imported one.
        expect(em.requests().filter((r) => r.action === "UnregisterAgent")).to.have.length(2);
        assertNoSecrets([rawState(), ...output], SECRETS);
    });
});
