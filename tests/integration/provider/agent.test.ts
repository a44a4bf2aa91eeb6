/** Agent provider methods (provider/runtime.ts) against the bundled emulator over real HTTP. */
import { expect } from "chai";
import { ASR_SECRET, LLM_API_KEY, TTS_TOKEN } from "../../harness/fixtures";
import { APP_ID, directClient, Props, rejectionOf, requestsOf, resourceInputs, useProviderEnvironment } from "./helpers";
import { publicPart, unwrapSecrets } from "../../fixtures/secretWire";
import { must } from "../../must";

const AGENT_ID = "support_agent";

function agentArgs(overrides: Props = {}): Props {
    const out: Props = {
        agentId: AGENT_ID,
        name: "Support agent",
        llm: {
            url: "https://llm.example.com/v1/chat/completions",
            apiKey: LLM_API_KEY,
            model: "model-a",
            systemPrompt: "You answer support questions.",
            params: { max_tokens: 512, extra_body: { enable_thinking: false } },
        },
        tts: { vendor: "ByteDanceV3", params: { app: { appid: "tts-app", token: TTS_TOKEN }, audio: { voice_type: "zh_female" } } },
        asr: { vendor: "Tencent", params: { secret_key: ASR_SECRET, hotwords: "zego" } },
        ...overrides,
    };
    for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
    return out;
}

/** The wire form of agentArgs() as the emulator logs it (secrets redacted). */
const LOGGED_CONFIG = {
    AgentId: AGENT_ID,
    Name: "Support agent",
    LLM: {
        Url: "https://llm.example.com/v1/chat/completions",
        ApiKey: "***",
        Model: "model-a",
        SystemPrompt: "You answer support questions.",
        Params: { max_tokens: 512, extra_body: { enable_thinking: false } },
    },
    TTS: { Vendor: "ByteDanceV3", Params: { app: "***", audio: { voice_type: "zh_female" } } },
    ASR: { Vendor: "Tencent", Params: { secret_key: "***", hotwords: "zego" } },
};

describe("provider integration: Agent against the emulator", function () {
    this.timeout(20000);
    const ctx = useProviderEnvironment();
    const agent = ctx.providers.Agent;

    beforeEach(() => ctx.configureStack());

    async function create(a: Props = agentArgs()) {
        const inputs = resourceInputs(a);
        const checked = await agent.check({}, inputs);
        expect(checked.failures ?? [], "check failures").to.deep.equal([]);
        const result = await agent.create(checked.inputs!);
        return { id: result.id, outs: result.outs as Props, inputs };
    }

    async function registerBehindPulumisBack(config: Props): Promise<void> {
        const client = directClient(ctx.em);
        try {
            await client.registerAgent(config as never);
        } finally {
            client.close();
        }
    }

    it("create registers the agent (complete config on the wire) and echoes the inputs", async () => {
        const { id, outs, inputs } = await create();
        expect(id).to.equal(AGENT_ID);
        const { __provider: _p, ...echoed } = inputs;
        expect(outs).to.deep.equal({ ...echoed, appId: APP_ID, endpoint: ctx.endpoint, adopted: false, keptFields: [], stateVersion: 2 });
        expect(outs.llm).to.not.have.property("apiKey");

        expect(ctx.em.requests().map((r) => r.action)).to.deep.equal(["RegisterAgent"]);
        expect(must(requestsOf(ctx.em, "RegisterAgent")[0], 'requestsOf(ctx.em, "RegisterAgent")[0]').body).to.deep.equal(LOGGED_CONFIG);
        const wire = ctx.sent.find((s) => s.action === "RegisterAgent")!.body as Record<string, Props>;
        expect(must(wire.LLM, "wire.LLM").ApiKey).to.equal(LLM_API_KEY);
        expect((must(wire.TTS, "wire.TTS").Params as Props).app).to.deep.equal({ appid: "tts-app", token: TTS_TOKEN });
        expect((must(wire.ASR, "wire.ASR").Params as Props).secret_key).to.equal(ASR_SECRET);
        expect(wire).to.not.have.any.keys("AdoptExisting", "Secrets");
        expect(ctx.em.agents().map((a) => a.AgentId)).to.deep.equal([AGENT_ID]);
    });

    it("an AgentId already registered, without adoptExisting: a clear error naming adoptExisting, nothing changed", async () => {
        await registerBehindPulumisBack({ agentId: AGENT_ID, name: "Someone else's" });
        const err = await rejectionOf(create());
        expect(err.message).to.contain(AGENT_ID).and.contain("410001008").and.contain("adoptExisting: true");
        expect(requestsOf(ctx.em, "UpdateAgent")).to.have.length(0);
        expect(must(ctx.em.agents()[0], "ctx.em.agents()[0]").Name).to.equal("Someone else's");
    });

    it("with adoptExisting: UpdateAgent with the declared config, adopted = true", async () => {
        await registerBehindPulumisBack({ agentId: AGENT_ID, name: "Someone else's" });
        const { outs } = await create(agentArgs({ adoptExisting: true }));
        expect(outs).to.include({ adopted: true, adoptExisting: true, appId: APP_ID });
        expect(ctx.em.requests().map((r) => [r.action, r.code])).to.deep.equal([
            ["RegisterAgent", 0],
            ["RegisterAgent", 410001008],
            ["QueryAgents", 0],
            ["UpdateAgent", 0],
        ]);
        expect(must(requestsOf(ctx.em, "UpdateAgent")[0], 'requestsOf(ctx.em, "UpdateAgent")[0]').body).to.deep.equal(LOGGED_CONFIG);
        expect(ctx.em.agents()[0]).to.include({ Name: "Support agent" });
        expect(ctx.logs.join("\n")).to.contain(`adopted existing agent ${AGENT_ID}`);
        expect(outs.keptFields, "everything ZEGO held is declared").to.deep.equal([]);
    });

    describe("a field ZEGO holds that the program does not declare (issue: out-of-band additions wedge the stack)", () => {
        const OTHER_ASR = { vendor: "Tencent", params: { secret_key: ASR_SECRET, hotwords: "elsewhere" } };

        async function updateBehindPulumisBack(config: Props): Promise<void> {
            const client = directClient(ctx.em);
            try {
                await client.updateAgent(config as never);
            } finally {
                client.close();
            }
        }

        /** Refresh as the engine does it: read, then the plain values (the engine hands the provider no secrets). */
        async function refresh(id: string, outs: Props) {
            const result = await agent.read(id, outs);
            return { props: unwrapSecrets(result.props) as Props, inputs: unwrapSecrets(result.inputs) as Props };
        }

        it("adoption keeps it, says so, and records it by name only; refresh does not report it as an input; diff shows no changes", async () => {
            await registerBehindPulumisBack({ ...agentArgs(), name: "Someone else's", asr: OTHER_ASR });
            const args = agentArgs({ adoptExisting: true, asr: undefined });
            const { id, outs } = await create(args);

            expect(outs.keptFields).to.deep.equal(["asr"]);
            expect(outs).to.not.have.property("asr");
            expect(ctx.logs.join("\n"))
                .to.contain(`agent ${AGENT_ID}: kept asr, which the program does not declare: ZEGO's UpdateAgent keeps what is not sent`)
                .and.contain("Declare asr to manage it.");
            expect(must(requestsOf(ctx.em, "UpdateAgent")[0], "UpdateAgent").body).to.not.have.property("ASR");
            expect(must(ctx.em.agents()[0], "the agent").ASR, "ZEGO still holds its asr").to.deep.include({ Vendor: "Tencent" });

            const { props, inputs } = await refresh(id, outs);
            expect(props.keptFields).to.deep.equal(["asr"]);
            expect(props).to.not.have.property("asr");
            expect(inputs).to.not.have.any.keys("asr", "keptFields");
            expect(JSON.stringify(props), "the kept asr's credential is not copied into state").to.not.contain(ASR_SECRET);
            expect(await agent.diff(id, props, resourceInputs(args))).to.deep.equal({ changes: false });
        });

        it("a field declared as null is not sent either: adoption keeps it and says so", async () => {
            await registerBehindPulumisBack({ ...agentArgs(), asr: OTHER_ASR });
            const { outs } = await create(agentArgs({ adoptExisting: true, asr: null }));
            expect(outs.keptFields).to.deep.equal(["asr"]);
            expect(ctx.logs.join("\n")).to.contain(`agent ${AGENT_ID}: kept asr`);
        });

        it("declared later, the kept field is updated and no longer kept", async () => {
            await registerBehindPulumisBack({ ...agentArgs(), asr: OTHER_ASR });
            const { id, outs } = await create(agentArgs({ adoptExisting: true, asr: undefined }));
            const { props } = await refresh(id, outs);

            const news = resourceInputs(agentArgs({ adoptExisting: true }));
            expect(await agent.diff(id, props, news)).to.deep.equal({
                changes: true,
                replaces: [],
                deleteBeforeReplace: true,
                diffs: ["asr"],
            });
            const updated = must((await agent.update(id, props, news)).outs, "update outs");
            expect(updated.keptFields).to.deep.equal([]);
            expect((must(requestsOf(ctx.em, "UpdateAgent")[1], "the second UpdateAgent").body as Props).ASR).to.deep.equal(
                LOGGED_CONFIG.ASR,
            );

            const again = await refresh(id, updated);
            expect(again.props.keptFields).to.deep.equal([]);
            expect(again.inputs.asr).to.deep.equal(agentArgs().asr);
            expect(await agent.diff(id, again.props, news)).to.deep.equal({ changes: false });
        });

        it("added in the console to a managed agent: refresh records it as kept, not as an input; diff shows no changes", async () => {
            const args = agentArgs({ asr: undefined, name: undefined });
            const { id, outs } = await create(args);
            expect(outs.keptFields).to.deep.equal([]);
            await updateBehindPulumisBack({ agentId: AGENT_ID, name: "Named in the console", asr: OTHER_ASR });

            const { props, inputs } = await refresh(id, outs);
            expect(props.keptFields).to.deep.equal(["name", "asr"]);
            expect(props).to.not.have.any.keys("asr", "name");
            expect(inputs).to.not.have.any.keys("asr", "name", "keptFields");
            expect(await agent.diff(id, props, resourceInputs(args))).to.deep.equal({ changes: false });
            // A second refresh reads the same.
            expect((await refresh(id, props)).props).to.deep.equal(props);
        });

        it("state written before keptFields (version 1): refresh records the undeclared asr as kept; diff shows no changes", async () => {
            // A stack wedged by an older package: its refresh failed, so state is still the adoption's.
            await registerBehindPulumisBack({ ...agentArgs(), asr: OTHER_ASR });
            const args = agentArgs({ adoptExisting: true, asr: undefined });
            const { id, outs } = await create(args);
            const v1: Props = { ...outs, stateVersion: 1 };
            delete v1.keptFields;

            const { props, inputs } = await refresh(id, v1);
            expect(props).to.include({ stateVersion: 2 });
            expect(props.keptFields).to.deep.equal(["asr"]);
            expect(inputs).to.not.have.property("asr");
            expect(await agent.diff(id, props, resourceInputs(args))).to.deep.equal({ changes: false });
        });

        it("removing a declared field stays refused, with advice that converges", async () => {
            const { id, outs } = await create();
            const err = await rejectionOf(agent.diff(id, outs, resourceInputs(agentArgs({ asr: undefined }))));
            expect(err.message).to.contain("asr cannot be removed from a registered Agent").and.contain("Keep asr declared");
        });
    });

    it("update sends the complete config (UpdateAgent replaces LLM, TTS and ASR whole)", async () => {
        const { id, outs } = await create();
        const news = resourceInputs(agentArgs({ llm: { ...(agentArgs().llm as Props), model: "model-b" } }));
        const diff = await agent.diff(id, outs, news);
        expect(diff).to.deep.equal({ changes: true, replaces: [], deleteBeforeReplace: true, diffs: ["llm"] });

        const { outs: updated } = await agent.update(id, outs, news);

        const update = must(requestsOf(ctx.em, "UpdateAgent")[0], 'requestsOf(ctx.em, "UpdateAgent")[0]');
        expect(update.body).to.deep.equal({ ...LOGGED_CONFIG, LLM: { ...LOGGED_CONFIG.LLM, Model: "model-b" } });
        const wire = ctx.sent.find((s) => s.action === "UpdateAgent")!.body as Record<string, Props>;
        expect(must(wire.LLM, "wire.LLM").ApiKey).to.equal(LLM_API_KEY);
        expect((must(wire.TTS, "wire.TTS").Params as Props).app).to.deep.equal({ appid: "tts-app", token: TTS_TOKEN });
        const { __provider: _p, ...echoed } = news;
        expect(updated).to.deep.equal({
            ...echoed,
            appId: APP_ID,
            endpoint: ctx.endpoint,
            adopted: false,
            keptFields: [],
            stateVersion: 2,
        });
        expect((must(ctx.em.agents()[0], "ctx.em.agents()[0]").LLM as Props).Model).to.equal("model-b");
    });

    it("a change of adoptExisting only makes no API call; a new agentId replaces", async () => {
        const { id, outs } = await create();
        const before = ctx.em.requests().length;
        const news = resourceInputs(agentArgs({ adoptExisting: true }));
        expect(await agent.diff(id, outs, news)).to.deep.equal({
            changes: true,
            replaces: [],
            deleteBeforeReplace: true,
            diffs: ["adoptExisting"],
        });
        const { outs: updated } = await agent.update(id, outs, news);
        expect(ctx.em.requests().length).to.equal(before);
        expect(updated).to.include({ adoptExisting: true, adopted: false });

        const renamed = await agent.diff(id, outs, resourceInputs(agentArgs({ agentId: "other_agent" })));
        expect(renamed.replaces).to.deep.equal(["agentId"]);
    });

    it("read reflects changes made on the server, marks credentials secret, and hands back inputs", async () => {
        const { id, outs } = await create();
        const client = directClient(ctx.em);
        try {
            await client.updateAgent({
                agentId: AGENT_ID,
                name: "Renamed",
                llm: { url: "https://llm.example.com/v2", apiKey: "sk-changed-elsewhere", model: "model-z" },
            });
        } finally {
            client.close();
        }

        const result = await agent.read(id, outs);

        expect(result.id).to.equal(id);
        const props = result.props as Props;
        expect(props).to.include({ name: "Renamed", adopted: false, appId: APP_ID, endpoint: ctx.endpoint, stateVersion: 2 });
        // Credentials come back marked for the engine to encrypt, where they are; no `secrets` property.
        expect(publicPart(props.llm)).to.deep.equal({ url: "https://llm.example.com/v2", apiKey: "[secret]", model: "model-z" });
        expect(unwrapSecrets(props.llm)).to.deep.include({ apiKey: "sk-changed-elsewhere" });
        expect(props).to.not.have.property("secrets");
        expect(unwrapSecrets(props.tts), "TTS unchanged on the server").to.deep.equal(agentArgs().tts);
        expect(result.inputs).to.not.have.any.keys("appId", "endpoint", "adopted", "keptFields", "stateVersion", "__provider");
        expect(result.inputs).to.include({ agentId: AGENT_ID, name: "Renamed" });

        // A refresh followed by `up` with the declared config puts it back.
        const news = resourceInputs(agentArgs());
        // The engine hands the provider plain values (it does not accept secrets).
        expect((await agent.diff(id, unwrapSecrets(props) as Props, news)).changes).to.equal(true);
    });

    it("read drops an agent unregistered behind Pulumi's back", async () => {
        const { id, outs } = await create();
        const client = directClient(ctx.em);
        try {
            await client.unregisterAgent(AGENT_ID);
        } finally {
            client.close();
        }
        expect(await agent.read(id, outs)).to.deep.equal({});
    });

    it("delete unregisters; an agent already gone (410001009) is a success", async () => {
        const { id, outs } = await create();
        await agent.delete(id, outs);
        expect(ctx.em.agents()).to.deep.equal([]);
        expect(must(requestsOf(ctx.em, "UnregisterAgent")[0], 'requestsOf(ctx.em, "UnregisterAgent")[0]').body).to.deep.equal({
            AgentId: AGENT_ID,
        });

        await agent.delete(id, outs);
        expect(requestsOf(ctx.em, "UnregisterAgent").map((r) => r.code)).to.deep.equal([0, 410001009]);
        expect(ctx.logs.join("\n")).to.contain("already unregistered");
    });

    it("without credentials: create fails naming the config keys and variables; check and diff still work", async () => {
        const { id, outs } = await create();
        ctx.settings.reset();
        expect((await agent.check({}, resourceInputs(agentArgs()))).failures).to.deep.equal([]);
        expect(await agent.diff(id, outs, resourceInputs(agentArgs()))).to.deep.equal({ changes: false });
        for (const call of [() => agent.create(resourceInputs(agentArgs({ agentId: "x2" }))), () => agent.delete(id, outs)]) {
            const err = await rejectionOf(call());
            expect(err.message)
                .to.contain("zego:appId")
                .and.contain("zego:serverSecret")
                .and.contain("ZEGO_APP_ID")
                .and.contain("ZEGO_SERVER_SECRET");
        }
    });
});
