/**
 * The `zego` provider plugin over gRPC, with this test as the engine: the plugin runs as its own
 * process (as the engine launches it) and talks real HTTP to the emulator.
 */
import { expect } from "chai";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { EmulatorHandle } from "../../../emulator";
import { secret, SECRET_SIG, SIG_KEY, Props, unwrapSecrets } from "../../../provider/plugin/values";
import { splitSecrets } from "../../../provider/schema/secrets";
import { UNKNOWN } from "../../../provider/schema/unknown";
import { LLM_API_KEY, TTS_TOKEN, ASR_SECRET, validInstanceArgs } from "../../harness/fixtures";
import { withEmulatorAndPlugin } from "./lab";
import { EngineClient, js, struct } from "./engine";
import { APP_ID, expectNoPlaintextSecret, SERVER_SECRET } from "./credentials";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { must } from "../../must";

const AGENT_ID = "demo_agent";

/** Program inputs as an SDK sends them: the schema's secret field (llm.apiKey) marked secret. */
function programArgs(overrides: Props = {}): Props {
    const base = validInstanceArgs();
    const llm = base.llm as Props;
    return { ...base, llm: { ...llm, apiKey: secret(llm.apiKey) }, ...overrides };
}

describe("plugin: the zego provider over gRPC (test as the engine)", function () {
    this.timeout(30000);
    let em: EmulatorHandle;
    let engine: EngineClient;
    withEmulatorAndPlugin((e, g) => ([em, engine] = [e, g]));

    const config = () => ({ appId: String(APP_ID), serverSecret: secret(SERVER_SECRET), endpoint: em.url });
    const countOf = (action: string) => em.requests().filter((r) => r.action === action).length;

    async function checked(kind: string, args: Props): Promise<Props> {
        const res = await engine.check(kind, args);
        expect(res.getFailuresList().map((f) => `${f.getProperty()}: ${f.getReason()}`)).to.deep.equal([]);
        return js(res.getInputs());
    }

    async function registerAgent(): Promise<void> {
        const inputs = await checked("Agent", { agentId: AGENT_ID, name: "Demo agent" });
        await engine.create("Agent", inputs);
    }

    it("serves its plugin info and a schema with the four resources and a secret serverSecret", async () => {
        const info = await engine.call<unknown, { getVersion(): string }>("getPluginInfo", new Empty());
        expect(info.getVersion()).to.match(/^\d+\.\d+\.\d+/);
        const res = await engine.call<provproto.GetSchemaRequest, provproto.GetSchemaResponse>(
            "getSchema",
            new provproto.GetSchemaRequest(),
        );
        const schema = JSON.parse(res.getSchema());
        expect(Object.keys(schema.resources).sort()).to.deep.equal([
            "zego:index:Agent",
            "zego:index:AgentInstance",
            "zego:index:DigitalHumanAgentInstance",
            "zego:index:LiveDigitalHumanAgentInstance",
        ]);
        expect(schema.config.variables.serverSecret.secret).to.equal(true);
        expect(schema.types["zego:index:Llm"].properties.apiKey.secret).to.equal(true);
    });

    it("CheckConfig keeps serverSecret secret (even when given in plaintext) and names bad settings", async () => {
        const ok = await engine.checkConfig({ appId: String(APP_ID), serverSecret: SERVER_SECRET, endpoint: "http://127.0.0.1:1" });
        expect(ok.getFailuresList()).to.have.length(0);
        const inputs = js(ok.getInputs());
        expect(inputs.serverSecret).to.deep.equal({ [SIG_KEY]: SECRET_SIG, value: SERVER_SECRET });
        expectNoPlaintextSecret(inputs);

        const bad = await engine.checkConfig({ appId: "12ab", gracefulShutdownTimeout: "500", regoin: "x", maxRequestsPerSecond: "-1" });
        const failures = bad.getFailuresList().map((f) => [f.getProperty(), f.getReason()]);
        expect(failures.map((f) => f[0]).sort()).to.deep.equal(["appId", "gracefulShutdownTimeout", "maxRequestsPerSecond", "regoin"]);
        expect(failures.find((f) => f[0] === "appId")![1]).to.contain('"12ab"');
        expect(failures.find((f) => f[0] === "gracefulShutdownTimeout")![1]).to.contain("1 to 120");
    });

    it("CheckConfig checks every setting by the settings module's rules (region, endpoint, timeouts, switches), then puts the configured settings back", async () => {
        await engine.configure(config());
        const bad = await engine.checkConfig({
            region: "mars",
            requestTimeoutMs: "0",
            gracefulShutdown: "perhaps",
            deleteWaitMargin: 601,
            throttleDeadlineSeconds: "",
        });
        const failures = new Map(bad.getFailuresList().map((f) => [f.getProperty(), f.getReason()]));
        expect([...failures.keys()].sort()).to.deep.equal(["deleteWaitMargin", "gracefulShutdown", "region", "requestTimeoutMs"]);
        expect(failures.get("region")).to.contain('"mars"');
        const endpoint = (await engine.checkConfig({ endpoint: "ftp://x" })).getFailuresList();
        expect(endpoint.map((f) => f.getProperty())).to.deep.equal(["endpoint"]);
        expect(must(endpoint[0], "endpoint[0]").getReason()).to.contain("https://").and.contain("ftp");
        expect(failures.get("requestTimeoutMs")).to.contain("1 to 600000").and.contain('"0"');
        expect(failures.get("gracefulShutdown")).to.contain("true or false").and.contain('"perhaps"');
        expect(failures.get("deleteWaitMargin")).to.contain("0 to 600").and.contain('"601"');
        // The refused config was only checked: the configured one still applies.
        const inputs = await checked("Agent", { agentId: AGENT_ID, name: "After CheckConfig" });
        await engine.create("Agent", inputs);
        expect(countOf("RegisterAgent")).to.equal(1);
    });

    it('CheckConfig and Configure take the schema\'s typed values (true, 30) and strings ("true", "30") alike; bad ones still fail naming the key', async () => {
        for (const [label, settings] of [
            [
                "typed",
                { gracefulShutdown: false, gracefulShutdownTimeout: 30, deleteWaitMargin: 0, maxRequestsPerSecond: 2.5, appId: APP_ID },
            ],
            [
                "strings",
                {
                    gracefulShutdown: "false",
                    gracefulShutdownTimeout: "30",
                    deleteWaitMargin: "0",
                    maxRequestsPerSecond: "2.5",
                    appId: String(APP_ID),
                },
            ],
        ] as const) {
            const res = await engine.checkConfig({ ...settings, serverSecret: SERVER_SECRET, endpoint: em.url, region: "sgp" });
            expect(
                res.getFailuresList().map((f) => f.getReason()),
                label,
            ).to.deep.equal([]);
            await engine.configure({ ...settings, serverSecret: secret(SERVER_SECRET), endpoint: em.url });
            const inputs = await checked("Agent", { agentId: `${AGENT_ID}_${label}`, name: "Typed config" });
            await engine.create("Agent", inputs);
        }
        expect(countOf("RegisterAgent")).to.equal(2);
        const bad = await engine.checkConfig({ gracefulShutdown: 2, gracefulShutdownTimeout: 121, requestTimeoutMs: 1.5, appId: -1 });
        const failures = new Map(bad.getFailuresList().map((f) => [f.getProperty(), f.getReason()]));
        expect([...failures.keys()].sort()).to.deep.equal(["appId", "gracefulShutdown", "gracefulShutdownTimeout", "requestTimeoutMs"]);
        expect(failures.get("gracefulShutdown")).to.contain("zego:gracefulShutdown").and.contain("true or false").and.contain('"2"');
        expect(failures.get("gracefulShutdownTimeout")).to.contain("1 to 120").and.contain('"121"');
        expect(failures.get("requestTimeoutMs")).to.contain("an integer from 1 to 600000").and.contain('"1.5"');
        expect(failures.get("appId")).to.contain("positive integer").and.contain('"-1"');
    });

    it("DiffConfig sees no change when a setting goes from its string form to its typed one (state from 0.2.0, a typed SDK now)", async () => {
        const req = new provproto.DiffRequest();
        req.setUrn("urn:pulumi:test::proj::pulumi:providers:zego::default");
        const olds = { appId: String(APP_ID), gracefulShutdown: "false", gracefulShutdownTimeout: "30" };
        req.setOldInputs(struct(olds));
        req.setOlds(struct(olds));
        req.setNews(struct({ appId: APP_ID, gracefulShutdown: false, gracefulShutdownTimeout: 45 }));
        const res = await engine.call<provproto.DiffRequest, provproto.DiffResponse>("diffConfig", req);
        expect(res.getDiffsList()).to.deep.equal(["gracefulShutdownTimeout"]);
    });

    it("DiffConfig reports changed settings without replacing the provider", async () => {
        const req = new provproto.DiffRequest();
        req.setUrn("urn:pulumi:test::proj::pulumi:providers:zego::default");
        req.setOldInputs(struct({ appId: "1", serverSecret: secret("a") }));
        req.setOlds(struct({ appId: "1", serverSecret: secret("a") }));
        req.setNews(struct({ appId: "2", serverSecret: secret("a") }));
        const res = await engine.call<provproto.DiffRequest, provproto.DiffResponse>("diffConfig", req);
        expect(res.getChanges()).to.equal(provproto.DiffResponse.DiffChanges.DIFF_SOME);
        expect(res.getDiffsList()).to.deep.equal(["appId"]);
        expect(res.getReplacesList()).to.deep.equal([]);
    });

    it("Configure accepts secrets and previews", async () => {
        const res = await engine.configure(config());
        expect(res.getAcceptsecrets()).to.equal(true);
        expect(res.getSupportspreview()).to.equal(true);
    });

    it("check keeps credentials in place, secret (marked by the program or not), nothing else secret in plaintext, and names bad fields", async () => {
        await engine.configure(config());
        const args = programArgs();
        // Only llm.apiKey comes marked (the schema's secret field); the vendor credentials in params come in plaintext.
        expect((args.asr as Props).params).to.deep.include({ secret_key: ASR_SECRET });
        const inputs = await checked("AgentInstance", args);
        expect(inputs).not.to.have.property("secrets");
        const llm = inputs.llm as Props;
        const tts = inputs.tts as { params: Props };
        const asr = inputs.asr as { params: Props };
        expect(llm.apiKey).to.deep.equal(secret(LLM_API_KEY));
        expect(asr.params.secret_key).to.deep.equal(secret(ASR_SECRET));
        expect(asr.params.hotwords).to.equal("zego");
        expect(tts.params.app).to.deep.equal(secret({ appid: "tts-app", token: TTS_TOKEN }));
        expect(tts.params.audio).to.deep.equal({ voice_type: "zh_female" });
        expect(llm.url).to.be.a("string");
        expectNoPlaintextSecret(inputs);

        // A credential URL anywhere is secret at its own path, like in the dynamic resources.
        const withUrl = await checked("AgentInstance", programArgs({ userId: "u1" }));
        expect(withUrl.userId).to.equal("u1");
        const tokenUrl = "https://llm.example.com/v1?token=URLTOKEN123";
        const urlInputs = await checked("AgentInstance", { ...args, llm: { ...(args.llm as Props), url: tokenUrl } });
        expect((urlInputs.llm as Props).url).to.deep.equal(secret(tokenUrl));

        // A top-level failure carries property "" (the engine prints inputs[property]); the reason names the field.
        const bad = await engine.check("AgentInstance", programArgs({ gracefulShutdownTimeout: 500 }));
        const f = bad.getFailuresList().map((x) => [x.getProperty(), x.getReason()]);
        expect(f).to.have.length(1);
        expect(must(f[0], "f[0]")[0]).to.equal("");
        expect(must(f[0], "f[0]")[1]).to.contain("gracefulShutdownTimeout").and.contain("500");
        expectNoPlaintextSecret(js(bad.getInputs()));
    });

    it("check refuses the TypeScript resources' connection argument, pointing at an explicit provider per app, with no property (the engine would print the secret)", async () => {
        const res = await engine.check("Agent", { agentId: AGENT_ID, connection: { appId: APP_ID, serverSecret: secret(SERVER_SECRET) } });
        const failures = res.getFailuresList().map((x) => [x.getProperty(), x.getReason()]);
        expect(failures).to.have.length(1);
        expect(must(failures[0], "failures[0]")[0]).to.equal("");
        expect(must(failures[0], "failures[0]")[1])
            .to.contain("connection is not an argument of zego:index:Agent")
            .and.contain("pulumi:providers:zego");
        expect(JSON.stringify(failures)).not.to.contain(SERVER_SECRET);
    });

    it("preview: unknown inputs pass check and diff; a preview create calls no API and leaves outputs unknown", async () => {
        await engine.configure(config());
        await registerAgent();
        const before = em.requests().length;
        const args = programArgs({ userId: UNKNOWN, llm: UNKNOWN });
        const inputs = await checked("AgentInstance", args);
        const created = await engine.create("AgentInstance", inputs, true);
        expect(created.getId()).to.equal("");
        const outs = js(created.getProperties());
        expect(outs.agentInstanceId).to.equal(UNKNOWN);
        expect(outs.status).to.equal(UNKNOWN);
        expect(em.requests().length).to.equal(before);
    });

    it("create / read / diff / update / delete an AgentInstance against the emulator, secrets marked on every output", async () => {
        await engine.configure(config());
        await registerAgent();
        // A value the program marked secret at depth stays secret in outputs.
        const args = programArgs({ userId: "user_1" });
        (args.rtc as Props).roomId = secret("room_1");
        const inputs = await checked("AgentInstance", args);
        const created = await engine.create("AgentInstance", inputs);
        const id = created.getId();
        expect(id).to.match(/.+/);
        const state = js(created.getProperties());
        expect(state.agentInstanceId).to.equal(id);
        expect((state.rtc as Props).roomId).to.deep.equal(secret("room_1"));
        expect(state).not.to.have.property("secrets");
        expect((state.llm as Props).apiKey).to.deep.equal(secret(LLM_API_KEY));
        expect(((state.asr as Props).params as Props).secret_key).to.deep.equal(secret(ASR_SECRET));
        expectNoPlaintextSecret(state);
        expect(countOf("CreateAgentInstance")).to.equal(1);
        const sentRoom = must(em.instances()[0], "em.instances()[0]").body.RTC as Props;
        expect(sentRoom.RoomId).to.equal("room_1");

        const read = await engine.read("AgentInstance", id, state);
        expect(read.getId()).to.equal(id);
        expectNoPlaintextSecret(js(read.getProperties()));
        expectNoPlaintextSecret(js(read.getInputs()));

        const calls = em.requests().length;
        const same = await engine.diff("AgentInstance", id, state, inputs);
        expect(same.getChanges()).to.equal(provproto.DiffResponse.DiffChanges.DIFF_NONE);
        const promptChanged = await checked("AgentInstance", {
            ...args,
            llm: { ...(args.llm as Props), systemPrompt: "Be brief." },
        });
        const upd = await engine.diff("AgentInstance", id, state, promptChanged);
        expect(upd.getChanges()).to.equal(provproto.DiffResponse.DiffChanges.DIFF_SOME);
        expect(upd.getReplacesList()).to.deep.equal([]);
        const moved = await checked("AgentInstance", { ...args, userId: "user_2" });
        const rep = await engine.diff("AgentInstance", id, state, moved);
        expect(rep.getReplacesList()).to.include("userId");
        expect(em.requests().length, "diff is offline").to.equal(calls);

        const updated = await engine.update("AgentInstance", id, state, promptChanged);
        const newState = js(updated.getProperties());
        expectNoPlaintextSecret(newState);
        expect((newState.llm as Props).systemPrompt).to.equal("Be brief.");
        expect(countOf("UpdateAgentInstance")).to.equal(1);

        await engine.delete("AgentInstance", id, newState);
        expect(countOf("DeleteAgentInstance")).to.equal(1);
        expect(em.instances().find((i) => i.agentInstanceId === id)!.state).to.equal("deleted");
    });

    it("state in the older shape (credentials in a top-level `secrets` property) still reads, stays secret, and deletes", async () => {
        await engine.configure(config());
        await registerAgent();
        const created = await engine.create("AgentInstance", await checked("AgentInstance", programArgs()));
        const id = created.getId();
        const { value } = unwrapSecrets(js(created.getProperties()));
        const { publicArgs, secrets } = splitSecrets(value as Props);
        expect(secrets).to.include({ "llm.apiKey": LLM_API_KEY });
        const legacy = { ...publicArgs, secrets: secret(secrets) };
        const read = await engine.read("AgentInstance", id, legacy);
        expect(read.getId()).to.equal(id);
        expectNoPlaintextSecret(js(read.getProperties()));
        expectNoPlaintextSecret(js(read.getInputs()));
        await engine.delete("AgentInstance", id, legacy);
        expect(em.instances().find((i) => i.agentInstanceId === id)!.state).to.equal("deleted");
    });

    it("delete waits for a busy agent (graceful shutdown)", async () => {
        await engine.configure(config());
        await registerAgent();
        const inputs = await checked("AgentInstance", programArgs());
        const created = await engine.create("AgentInstance", inputs);
        em.setBusy(created.getId(), { status: "SPEAKING", seconds: 1 });
        await engine.delete("AgentInstance", created.getId(), js(created.getProperties()));
        // Delete returned only once the instance was gone, after the agent finished speaking.
        const deleted = em.instances().find((i) => i.agentInstanceId === created.getId())!;
        expect(deleted.state).to.equal("deleted");
        expect(deleted.deleteRequest!.GracefulShutdown).to.equal(true);
        expect(deleted.deleteRequest!.GracefulShutdownTimeout).to.equal(30);
        expect(deleted.deletedAt! - deleted.deleteRequest!.receivedAt).to.be.at.least(500);
    });

    it("without credentials, create fails naming the settings, and no secret is printed", async () => {
        await engine.configure({ endpoint: em.url });
        const inputs = await checked("Agent", { agentId: AGENT_ID, name: "A" });
        const err = await engine.create("Agent", inputs).then(
            () => undefined,
            (e: Error) => e,
        );
        expect(err?.message).to.contain("zego:appId").and.contain("zego:serverSecret");
    });

    it("import: Read with only an id returns an Agent's complete inputs (secrets marked) that check and diff accept unchanged", async () => {
        await engine.configure(config());
        const llm = { ...(validInstanceArgs().llm as Props), apiKey: secret(LLM_API_KEY) };
        const inputs = await checked("Agent", { agentId: AGENT_ID, name: "Imported", llm });
        await engine.create("Agent", inputs);
        const read = await engine.read("Agent", AGENT_ID);
        expect(read.getId()).to.equal(AGENT_ID);
        const imported = js(read.getInputs());
        const state = js(read.getProperties());
        expectNoPlaintextSecret(imported);
        expectNoPlaintextSecret(state);
        expect(imported).to.include({ agentId: AGENT_ID, name: "Imported" });
        expect(imported).not.to.have.property("secrets");
        expect((imported.llm as Props).apiKey).to.deep.equal(secret(LLM_API_KEY));
        expect((state.llm as Props).apiKey).to.deep.equal(secret(LLM_API_KEY));
        expect(state).to.include({ appId: APP_ID, endpoint: em.url });
        const rechecked = await checked("Agent", imported);
        const diff = await engine.diff("Agent", AGENT_ID, state, rechecked);
        expect(diff.getChanges()).to.equal(provproto.DiffResponse.DiffChanges.DIFF_NONE);
    });

    it("import of an instance is refused, saying why; of a missing agent, too", async () => {
        await engine.configure(config());
        const err = await engine.read("AgentInstance", "inst-1").then(
            () => undefined,
            (e: Error) => e,
        );
        expect(err?.message).to.contain("cannot be imported").and.contain("status");
        const missing = await engine.read("Agent", "no_such_agent").then(
            () => undefined,
            (e: Error) => e,
        );
        expect(missing?.message).to.contain("no_such_agent").and.contain("not registered");
    });

    it("refuses an unknown resource type, naming the ones it has", async () => {
        await engine.configure(config());
        const err = await engine.check("Nope", {}).then(
            () => undefined,
            (e: Error) => e,
        );
        expect(err?.message).to.contain("zego:index:Nope").and.contain("zego:index:AgentInstance");
    });
});
