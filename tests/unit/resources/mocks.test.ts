/**
 * The resource classes under `pulumi.runtime.setMocks` (the Pulumi unit-testing pattern): what
 * they register with the engine — type tokens, inputs, the hoisted secret `secrets` input, the
 * serialized provider and the resource options.
 *
 * Global state: setMocks installs a process-wide mock monitor. It is installed in `before` and the
 * runtime settings are reset in `after` (resetOptions, what setMocks itself builds on), so other
 * test files in the same mocha process see a runtime without a monitor again.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import * as sinon from "sinon";
import { Agent, AgentArgs, AgentInstance, DigitalHumanAgentInstance, LiveDigitalHumanAgentInstance } from "../../../provider";
import { withSecretOutputs } from "../../../provider/resources/inputs";
import { ASR_SECRET, LLM_API_KEY, TTS_TOKEN, validInstanceArgs } from "../../fixtures/args";

type Props = Record<string, any>;

interface Registration {
    type: string;
    name: string;
    inputs: Props;
    additionalSecretOutputs: string[];
}

/** The value of an Output (mocks resolve them once the registration is answered). */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => resolve(v)));
}

describe("resource classes under pulumi.runtime.setMocks", function () {
    this.timeout(20000);
    const mocked: pulumi.runtime.MockResourceArgs[] = [];
    let spy: sinon.SinonSpy | undefined;

    before(async () => {
        await pulumi.runtime.setMocks(
            {
                newResource(args) {
                    mocked.push(args);
                    const state: Props = { ...args.inputs };
                    if (args.type.endsWith("AgentInstance"))
                        Object.assign(state, { agentInstanceId: `${args.name}-instance`, status: "IDLE" });
                    if (args.type.endsWith("DigitalHumanAgentInstance")) state.digitalHumanConfig = "ZW11bGF0ZWQ=";
                    return { id: `${args.name}-id`, state };
                },
                call(args) {
                    return args.inputs;
                },
            },
            "project",
            "stack",
            false,
        );
        // MockResourceArgs carries no resource options: read them from the registration request itself.
        const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: any, cb: unknown): unknown };
        spy = sinon.spy(monitor, "registerResource");
    });

    after(() => {
        spy?.restore();
        pulumi.runtime.resetOptions("", "", -1, "", "", false, "");
    });

    /** What the engine was asked to register for the resource named `name`. */
    async function registrationOf(resource: pulumi.CustomResource, name: string): Promise<Registration> {
        await valueOf(resource.urn);
        const call = spy!.getCalls().find((c) => c.args[0].getName() === name);
        expect(call, `registerResource for ${name}`).to.exist;
        const args = mocked.find((m) => m.name === name)!;
        return {
            type: args.type,
            name,
            inputs: args.inputs as Props,
            additionalSecretOutputs: call!.args[0].getAdditionalsecretoutputsList() as string[],
        };
    }

    function expectProviderInput(inputs: Props): void {
        expect(inputs.__provider).to.be.a("string");
        expect(pulumi.runtime.isRpcSecret(inputs.__provider), "__provider is not a secret").to.equal(false);
        expect(inputs.__provider).to.contain('require("pulumi-zego-aiagent/runtime")');
        for (const secret of [LLM_API_KEY, TTS_TOKEN, ASR_SECRET]) expect(inputs.__provider).to.not.contain(secret);
    }

    function expectNoSecretOutside(inputs: Props): void {
        const { secrets: _s, ...rest } = inputs;
        const text = JSON.stringify(rest);
        for (const secret of [LLM_API_KEY, TTS_TOKEN, ASR_SECRET]) expect(text).to.not.contain(secret);
    }

    it("AgentInstance: type token, camelCase inputs, secrets hoisted into a secret `secrets` input, options and __provider", async () => {
        const args = validInstanceArgs("m1") as Props;
        const res = new AgentInstance("inst-m1", args as never);
        const reg = await registrationOf(res, "inst-m1");

        expect(reg.type).to.equal("pulumi-nodejs:dynamic/zego:AgentInstance");
        expect(reg.additionalSecretOutputs).to.deep.equal(["secrets"]);

        const inputs = reg.inputs;
        expect(inputs).to.include({ agentId: "demo_agent", userId: "user_m1", gracefulShutdownTimeout: 30 });
        expect(inputs.rtc).to.deep.equal(args.rtc);
        // Output placeholders are not inputs.
        expect(inputs).to.not.have.any.keys("agentInstanceId", "status", "appId", "endpoint", "deletion", "stateVersion");

        const { apiKey: _k, ...llmWithoutKey } = args.llm;
        expect(inputs.llm).to.deep.equal(llmWithoutKey);
        expect(inputs.llm).to.not.have.property("apiKey");
        expect(inputs.tts).to.deep.equal({ vendor: "ByteDanceV3", params: { audio: { voice_type: "zh_female" } } });
        expect(inputs.asr).to.deep.equal({ vendor: "Tencent", params: { hotwords: "zego" } });
        for (const key of ["llm", "tts", "asr"]) expect(pulumi.runtime.isRpcSecret(inputs[key]), `${key} stays visible`).to.equal(false);

        expect(pulumi.runtime.isRpcSecret(inputs.secrets), "secrets reaches the engine as a secret").to.equal(true);
        expect(pulumi.runtime.unwrapRpcSecret(inputs.secrets)).to.deep.equal({
            "llm.apiKey": LLM_API_KEY,
            "tts.params.app": { appid: "tts-app", token: TTS_TOKEN },
            "asr.params.secret_key": ASR_SECRET,
        });
        expectNoSecretOutside(inputs);
        expectProviderInput(inputs);

        // On the resource object (the mock echoes the inputs as state): `secrets` is a secret output, `llm` is not.
        expect(await pulumi.isSecret((res as unknown as { secrets: pulumi.Output<unknown> }).secrets)).to.equal(true);
        expect(await pulumi.isSecret(res.llm)).to.equal(false);
        expect(await valueOf(res.agentInstanceId)).to.equal("inst-m1-instance");
        expect(await valueOf(res.status)).to.equal("IDLE");
    });

    it("a secret the user wraps with pulumi.secret inside llm still ends up only in `secrets` (llm is not made secret)", async () => {
        const args = validInstanceArgs("m2") as Props;
        args.llm = { ...args.llm, apiKey: pulumi.secret(LLM_API_KEY) };
        args.tts = pulumi.output(args.tts);
        const res = new AgentInstance("inst-m2", args as never);
        const reg = await registrationOf(res, "inst-m2");

        expect(pulumi.runtime.isRpcSecret(reg.inputs.llm)).to.equal(false);
        expect(reg.inputs.llm).to.not.have.property("apiKey");
        expect(reg.inputs.llm.model).to.equal("model-a");
        expect(pulumi.runtime.unwrapRpcSecret(reg.inputs.secrets)).to.include({ "llm.apiKey": LLM_API_KEY });
        expect(pulumi.runtime.unwrapRpcSecret(reg.inputs.secrets)["tts.params.app"]).to.deep.equal({ appid: "tts-app", token: TTS_TOKEN });
        expectNoSecretOutside(reg.inputs);
        expect(await pulumi.isSecret(res.llm)).to.equal(false);
    });

    it("keeps the caller's resource options and adds secrets to their additionalSecretOutputs", async () => {
        const res = new AgentInstance("inst-m3", validInstanceArgs("m3") as never, { additionalSecretOutputs: ["rtc"] });
        const reg = await registrationOf(res, "inst-m3");
        expect(reg.additionalSecretOutputs).to.deep.equal(["rtc", "secrets"]);
    });

    it("DigitalHumanAgentInstance: its type token, digitalHuman input, and digitalHumanConfig as an additional secret output", async () => {
        const args = { ...validInstanceArgs("m4"), digitalHuman: { digitalHumanId: "dh_001", configId: "web" } } as Props;
        const res = new DigitalHumanAgentInstance("dh-m4", args as never);
        const reg = await registrationOf(res, "dh-m4");

        expect(reg.type).to.equal("pulumi-nodejs:dynamic/zego:DigitalHumanAgentInstance");
        expect(reg.additionalSecretOutputs).to.deep.equal(["secrets", "digitalHumanConfig"]);
        expect(reg.inputs.digitalHuman).to.deep.equal({ digitalHumanId: "dh_001", configId: "web" });
        expect(reg.inputs).to.not.have.property("digitalHumanConfig");
        expect(reg.inputs.llm).to.not.have.property("apiKey");
        expect(pulumi.runtime.isRpcSecret(reg.inputs.secrets)).to.equal(true);
        expect(pulumi.runtime.unwrapRpcSecret(reg.inputs.secrets)).to.have.all.keys(
            "llm.apiKey",
            "tts.params.app",
            "asr.params.secret_key",
        );
        expectNoSecretOutside(reg.inputs);
        expectProviderInput(reg.inputs);
        // The engine applies additionalSecretOutputs to what it returns; the mock monitor does not, so
        // the secrecy of res.digitalHumanConfig itself cannot be observed here (the e2e tests check state).
        expect(await valueOf(res.digitalHumanConfig)).to.equal("ZW11bGF0ZWQ=");
    });

    it("LiveDigitalHumanAgentInstance: its type token, rtc/cdn inputs, TTS credentials hoisted, digitalHumanConfig secret", async () => {
        const tts = { vendor: "Minimax", params: { app: { api_key: "live-tts-KEY-5c1d" }, model: "speech-02" } };
        const res = new LiveDigitalHumanAgentInstance("live-m5", {
            agentId: "demo_agent",
            digitalHuman: { digitalHumanId: "xiaozhi" },
            cdn: { url: "rtmp://push.example.com/live/k" },
            tts,
            advancedConfig: { maxIdleTime: 900 },
        });
        const reg = await registrationOf(res, "live-m5");

        expect(reg.type).to.equal("pulumi-nodejs:dynamic/zego:LiveDigitalHumanAgentInstance");
        expect(reg.additionalSecretOutputs).to.deep.equal(["secrets", "digitalHumanConfig"]);
        expect(reg.inputs.cdn).to.deep.equal({ url: "rtmp://push.example.com/live/k" });
        expect(reg.inputs.tts).to.deep.equal({ vendor: "Minimax", params: { model: "speech-02" } });
        expect(pulumi.runtime.unwrapRpcSecret(reg.inputs.secrets)).to.deep.equal({ "tts.params.app": tts.params.app });
        expect(JSON.stringify({ ...reg.inputs, secrets: undefined })).to.not.contain("live-tts-KEY-5c1d");
        expectProviderInput(reg.inputs);
        expect(await valueOf(res.digitalHumanConfig)).to.equal("ZW11bGF0ZWQ=");
    });

    it("Agent: its type token, camelCase inputs incl. adoptExisting, hoisted secrets", async () => {
        const args: AgentArgs = {
            agentId: "support_agent",
            name: "Support agent",
            llm: { url: "https://llm.example.com/v1", apiKey: LLM_API_KEY, model: "model-a", params: { max_tokens: 256 } },
            tts: { vendor: "ByteDanceV3", params: { app: { appid: "a", token: TTS_TOKEN } } },
            asr: { vendor: "AliyunParaformer", params: { apiKey: ASR_SECRET, vocabulary_id: "v1" } },
            adoptExisting: true,
        };
        const res = new Agent("agent-m5", args);
        const reg = await registrationOf(res, "agent-m5");

        expect(reg.type).to.equal("pulumi-nodejs:dynamic/zego:Agent");
        expect(reg.additionalSecretOutputs).to.deep.equal(["secrets"]);
        expect(reg.inputs).to.include({ agentId: "support_agent", name: "Support agent", adoptExisting: true });
        expect(reg.inputs).to.not.have.any.keys("adopted", "appId", "endpoint", "stateVersion");
        // max_tokens is a count, not a credential: it stays visible.
        expect(reg.inputs.llm).to.deep.equal({ url: "https://llm.example.com/v1", model: "model-a", params: { max_tokens: 256 } });
        expect(reg.inputs.tts).to.deep.equal({ vendor: "ByteDanceV3", params: {} });
        expect(reg.inputs.asr).to.deep.equal({ vendor: "AliyunParaformer", params: { vocabulary_id: "v1" } });
        expect(pulumi.runtime.unwrapRpcSecret(reg.inputs.secrets)).to.deep.equal({
            "llm.apiKey": LLM_API_KEY,
            "tts.params.app": { appid: "a", token: TTS_TOKEN },
            "asr.params.apiKey": ASR_SECRET,
        });
        expectNoSecretOutside(reg.inputs);
        expectProviderInput(reg.inputs);
        expect(await valueOf(res.id)).to.equal("agent-m5-id");
    });

    it("an Agent without llm/tts/asr still registers a (secret, empty) secrets input", async () => {
        const res = new Agent("agent-m6", { agentId: "bare_agent" });
        const reg = await registrationOf(res, "agent-m6");
        expect(reg.inputs).to.not.have.any.keys("llm", "tts", "asr");
        expect(pulumi.runtime.isRpcSecret(reg.inputs.secrets)).to.equal(true);
        expect(pulumi.runtime.unwrapRpcSecret(reg.inputs.secrets)).to.deep.equal({});
    });
});

describe("withSecretOutputs", () => {
    it("adds the names to no options", () => {
        expect(withSecretOutputs(undefined, ["secrets"])).to.deep.equal({ additionalSecretOutputs: ["secrets"] });
    });

    it("keeps the caller's options and names, and does not modify them", () => {
        const opts: pulumi.CustomResourceOptions = { protect: true, additionalSecretOutputs: ["rtc"] };
        const out = withSecretOutputs(opts, ["secrets", "digitalHumanConfig"]);
        expect(out).to.deep.equal({ protect: true, additionalSecretOutputs: ["rtc", "secrets", "digitalHumanConfig"] });
        expect(opts.additionalSecretOutputs).to.deep.equal(["rtc"]);
    });
});
