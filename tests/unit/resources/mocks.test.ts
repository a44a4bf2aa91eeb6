/**
 * The resource classes under `pulumi.runtime.setMocks` (the Pulumi unit-testing pattern): what
 * they register with the engine — type tokens, inputs, each secret at its own path, the
 * serialized provider and the resource options.
 *
 * Global state: setMocks installs a process-wide mock monitor (tests/fixtures/mockMonitor.ts
 * installs and removes it around this suite).
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { Agent, AgentArgs, AgentInstance, DigitalHumanAgentInstance, LiveDigitalHumanAgentInstance } from "../../../provider";
import { withSecretOutputs } from "../../../provider/resources/inputs";
import { OUTPUT_KEYS, ResourceKind } from "../../../provider/schema/resources";
import { ASR_SECRET, LLM_API_KEY, TTS_TOKEN, validInstanceArgs } from "../../harness/fixtures";
import { useMockMonitor } from "../../fixtures/mockMonitor";
import { publicPart, secretPaths, unwrapSecrets } from "../../fixtures/secretWire";

type Props = Record<string, any>;

interface Registration {
    type: string;
    name: string;
    inputs: Props;
    /** The inputs as the SDK serialized them for the engine (nested secret wrappers where they are). */
    wire: Props;
    additionalSecretOutputs: string[];
}

/** The value of an Output (mocks resolve them once the registration is answered). */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** What the mock answers for output `key` of resource `name`: distinct per key, so a mix-up shows. */
const outputValue = (key: string, name: string) => `${key}-of-${name}`;

describe("resource classes under pulumi.runtime.setMocks", function () {
    this.timeout(20000);
    const mocked: pulumi.runtime.MockResourceArgs[] = [];
    const monitor = useMockMonitor((args) => {
        mocked.push(args);
        // The provider's state: the echoed inputs plus every output key the schema says it writes.
        const state: Props = { ...args.inputs };
        for (const key of OUTPUT_KEYS[args.type.split(":").pop() as ResourceKind]) state[key] = outputValue(key, args.name);
        return { id: `${args.name}-id`, state };
    });

    /**
     * The resource class declares every output the provider writes (OUTPUT_KEYS), as an Output that
     * carries that key's value from state: an output missing from the class's props would leave
     * the property undefined, one under another name would carry another value.
     */
    async function expectOutputs(resource: pulumi.CustomResource, kind: ResourceKind, name: string): Promise<void> {
        const declared = resource as unknown as Record<string, pulumi.Output<unknown> | undefined>;
        for (const key of OUTPUT_KEYS[kind]) {
            const output = declared[key];
            expect(pulumi.Output.isInstance(output), `${name}.${key} is an Output`).to.equal(true);
            expect(await valueOf(output!), `${name}.${key}`).to.equal(outputValue(key, name));
        }
    }

    /** What the engine was asked to register for the resource named `name`. */
    async function registrationOf(resource: pulumi.CustomResource, name: string): Promise<Registration> {
        const request = await monitor.requestOf(resource, name);
        expect(request, `registerResource for ${name}`).to.exist;
        const args = mocked.find((m) => m.name === name)!;
        return {
            type: args.type,
            name,
            inputs: args.inputs as Props,
            wire: request.getObject().toJavaScript() as Props,
            additionalSecretOutputs: request.getAdditionalsecretoutputsList() as string[],
        };
    }

    function expectProviderInput(inputs: Props): void {
        expect(inputs.__provider).to.be.a("string");
        expect(pulumi.runtime.isRpcSecret(inputs.__provider), "__provider is not a secret").to.equal(false);
        expect(inputs.__provider).to.contain('require("pulumi-zego-aiagent/runtime")');
        for (const secret of [LLM_API_KEY, TTS_TOKEN, ASR_SECRET]) expect(inputs.__provider).to.not.contain(secret);
    }

    function expectNoSecretOutside(wire: Props): void {
        const text = JSON.stringify(publicPart(wire));
        for (const secret of [LLM_API_KEY, TTS_TOKEN, ASR_SECRET]) expect(text).to.not.contain(secret);
    }

    it("AgentInstance: type token, camelCase inputs, each credential secret in place, options, outputs and __provider", async () => {
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

        // Each credential is a secret where it is; nothing else is, and nothing is moved.
        expect(secretPaths(reg.wire)).to.have.deep.members([
            ["llm", "apiKey"],
            ["tts", "params", "app"],
            ["asr", "params", "secret_key"],
        ]);
        expect(publicPart(reg.wire.llm)).to.deep.equal({ ...args.llm, apiKey: "[secret]" });
        for (const key of ["llm", "tts", "asr", "rtc"]) expect(unwrapSecrets(reg.wire[key]), key).to.deep.equal(args[key]);
        expect(reg.wire).to.not.have.property("secrets");
        expectNoSecretOutside(reg.wire);
        expectProviderInput(reg.inputs);

        // On the resource object (the SDK pushes a nested secret up to the property's Output): llm is secret, rtc is not.
        expect(await pulumi.isSecret(res.llm)).to.equal(true);
        expect(await pulumi.isSecret(res.rtc)).to.equal(false);
        await expectOutputs(res, "AgentInstance", "inst-m1");
    });

    it("a value the user marks secret stays secret where it is, at any depth; unmarked values stay readable", async () => {
        const args = validInstanceArgs("m2") as Props;
        args.llm = {
            ...args.llm,
            systemPrompt: pulumi.secret("PROMPT-SECRET-1"),
            params: { max_tokens: 5, deep: { a: [1, pulumi.secret("ARRAY-SECRET-2")] } },
        };
        args.tts = pulumi.output(args.tts);
        args.rtc = { ...args.rtc, roomId: pulumi.secret("room_m2") };
        const res = new AgentInstance("inst-m2", args as never);
        const reg = await registrationOf(res, "inst-m2");

        expect(secretPaths(reg.wire)).to.have.deep.members([
            ["llm", "apiKey"],
            ["llm", "systemPrompt"],
            ["llm", "params", "deep", "a", 1],
            ["rtc", "roomId"],
            ["tts", "params", "app"],
            ["asr", "params", "secret_key"],
        ]);
        expect(publicPart(reg.wire.llm)).to.deep.include({
            model: "model-a",
            systemPrompt: "[secret]",
            params: { max_tokens: 5, deep: { a: [1, "[secret]"] } },
        });
        expect(unwrapSecrets(reg.wire.llm)).to.deep.include({
            systemPrompt: "PROMPT-SECRET-1",
            params: { max_tokens: 5, deep: { a: [1, "ARRAY-SECRET-2"] } },
        });
        for (const secret of ["PROMPT-SECRET-1", "ARRAY-SECRET-2", "room_m2"])
            expect(JSON.stringify(publicPart(reg.wire))).to.not.contain(secret);
        expectNoSecretOutside(reg.wire);
    });

    it("a whole pulumi.secret({...}) object stays one secret (the enclosing property)", async () => {
        const args = validInstanceArgs("m7") as Props;
        const llm = { ...args.llm, systemPrompt: "PROMPT-WHOLE-3" };
        args.llm = pulumi.secret(llm);
        const reg = await registrationOf(new AgentInstance("inst-m7", args as never), "inst-m7");
        expect(secretPaths(reg.wire)).to.deep.include(["llm"]);
        expect(unwrapSecrets(reg.wire.llm)).to.deep.equal(llm);
        expect(JSON.stringify(publicPart(reg.wire))).to.not.contain("PROMPT-WHOLE-3");
    });

    it("credentials nested at any depth are secret: headers.Authorization, extra_headers, agentExtraInfo tokens, URLs with ?token=/?key=/user-info, keys with dots", async () => {
        const args = validInstanceArgs("m8") as Props;
        args.llm = {
            ...args.llm,
            url: "https://llm.example.com/v1?key=URLKEY-4",
            params: {
                headers: { Authorization: "Bearer AUTH-5", "X-Trace": "trace-visible" },
                extra_headers: { "x-api-key": "XKEY-6" },
                "x.api_key": "DOTKEY-7",
                callback: "https://user:PW-8@hooks.example.com/cb",
                plain_url: "https://example.com/path?q=1",
                max_tokens: 10,
            },
            agentExtraInfo: { session_token: pulumi.output("SESSION-9"), locale: "en" },
        };
        const reg = await registrationOf(new AgentInstance("inst-m8", args as never), "inst-m8");
        expect(secretPaths(reg.wire.llm)).to.have.deep.members([
            ["url"],
            ["apiKey"],
            ["params", "headers", "Authorization"],
            ["params", "extra_headers", "x-api-key"],
            ["params", "x.api_key"],
            ["params", "callback"],
            ["agentExtraInfo", "session_token"],
        ]);
        // The key with a dot stays one key: no `x: { api_key }` appears.
        expect(unwrapSecrets(reg.wire.llm)).to.deep.equal({
            ...(args.llm as Props),
            agentExtraInfo: { session_token: "SESSION-9", locale: "en" },
        });
        const visible = JSON.stringify(publicPart(reg.wire));
        for (const secret of ["URLKEY-4", "AUTH-5", "XKEY-6", "DOTKEY-7", "PW-8", "SESSION-9"]) expect(visible).to.not.contain(secret);
        for (const shown of ["trace-visible", "https://example.com/path?q=1", '"max_tokens":10', '"locale":"en"'])
            expect(visible).to.contain(shown);
    });

    it("the import resource option fails at once with a clear message naming the alternatives", () => {
        expect(() => new Agent("agent-imp", { agentId: "a" }, { import: "a" })).to.throw(
            /import resource option is not supported \(Pulumi dynamic providers cannot import resources\); got import: "a"\. .*adoptExisting: true/,
        );
        expect(() => new AgentInstance("inst-imp", validInstanceArgs("imp") as never, { import: "123" })).to.throw(
            /zego:AgentInstance: the import resource option is not supported.*got import: "123"/,
        );
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
        expect(secretPaths(reg.wire)).to.have.deep.members([
            ["llm", "apiKey"],
            ["tts", "params", "app"],
            ["asr", "params", "secret_key"],
        ]);
        expectNoSecretOutside(reg.wire);
        expectProviderInput(reg.inputs);
        // The engine applies additionalSecretOutputs to what it returns; the mock monitor does not, so
        // the secrecy of res.digitalHumanConfig itself cannot be observed here (the e2e tests check state).
        await expectOutputs(res, "DigitalHumanAgentInstance", "dh-m4");
    });

    it("LiveDigitalHumanAgentInstance: its type token, rtc/cdn inputs, TTS credentials secret in place, digitalHumanConfig secret", async () => {
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
        expect(publicPart(reg.wire.tts)).to.deep.equal({ vendor: "Minimax", params: { app: "[secret]", model: "speech-02" } });
        expect(unwrapSecrets(reg.wire.tts)).to.deep.equal(tts);
        expect(secretPaths(reg.wire)).to.deep.equal([["tts", "params", "app"]]);
        expectNoSecretOutside(reg.wire);
        expect(JSON.stringify(publicPart(reg.wire))).to.not.contain("live-tts-KEY-5c1d");
        expectProviderInput(reg.inputs);
        await expectOutputs(res, "LiveDigitalHumanAgentInstance", "live-m5");
    });

    it("Agent: its type token, camelCase inputs incl. adoptExisting, credentials secret in place", async () => {
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
        expect(publicPart(reg.wire.llm)).to.deep.equal({
            url: "https://llm.example.com/v1",
            apiKey: "[secret]",
            model: "model-a",
            params: { max_tokens: 256 },
        });
        expect(publicPart(reg.wire.tts)).to.deep.equal({ vendor: "ByteDanceV3", params: { app: "[secret]" } });
        expect(publicPart(reg.wire.asr)).to.deep.equal({ vendor: "AliyunParaformer", params: { apiKey: "[secret]", vocabulary_id: "v1" } });
        for (const key of ["llm", "tts", "asr"] as const) expect(unwrapSecrets(reg.wire[key])).to.deep.equal(args[key]);
        expectNoSecretOutside(reg.wire);
        expectProviderInput(reg.inputs);
        await expectOutputs(res, "Agent", "agent-m5");
    });

    it("customTimeouts, which the dynamic provider host drops, is not ignored silently: a warning says what bounds the operations instead", async () => {
        const warned: string[] = [];
        const original = console.warn;
        // Under mocks there is no engine: pulumi.log.warn writes to console.warn.
        console.warn = (line: string) => void warned.push(line);
        try {
            const res = new AgentInstance("inst-t1", validInstanceArgs("t1") as never, { customTimeouts: { delete: "3s" } });
            await registrationOf(res, "inst-t1");
            new AgentInstance("inst-t2", validInstanceArgs("t2") as never);
        } finally {
            console.warn = original;
        }
        expect(warned).to.have.length(1);
        expect(warned[0])
            .to.contain('AgentInstance "inst-t1": customTimeouts (delete: 3s) is not honoured')
            .and.contain("gracefulShutdownTimeout plus zego:deleteWaitMargin")
            .and.contain("use the zego provider plugin");
    });

    it("an Agent without llm/tts/asr registers no secret at all", async () => {
        const res = new Agent("agent-m6", { agentId: "bare_agent" });
        const reg = await registrationOf(res, "agent-m6");
        expect(reg.inputs).to.not.have.any.keys("llm", "tts", "asr", "secrets");
        expect(secretPaths(reg.wire)).to.deep.equal([]);
    });

    it("a connection's serverSecret is registered secret even when given plain; appId and endpoint stay readable", async () => {
        const connection = { appId: 1000000002, serverSecret: "PLAIN-SERVER-SECRET-7", endpoint: "http://127.0.0.1:9" };
        const res = new Agent("agent-m7", { agentId: "other_app_agent", connection });
        const reg = await registrationOf(res, "agent-m7");
        expect(secretPaths(reg.wire)).to.deep.equal([["connection", "serverSecret"]]);
        expect(publicPart(reg.wire.connection)).to.deep.equal({ ...connection, serverSecret: "[secret]" });
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
