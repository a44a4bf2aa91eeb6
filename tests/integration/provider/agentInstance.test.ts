/**
 * AgentInstance and DigitalHumanAgentInstance provider methods (provider/runtime.ts) against the
 * bundled emulator over real HTTP: every lifecycle path, what goes on the wire, and the deletion
 * settings precedence.
 */
import { expect } from "chai";
import { DEFAULT_RETRY_POLICY } from "../../../provider/client/retry";
import { DeletionTimeoutError } from "../../../provider/lifecycle/deletion";
import { PartialCreateError } from "../../../provider/lifecycle/provider";
import { joinSecrets } from "../../../provider/schema/secrets";
import { startEmulator } from "../../../emulator";
import { ASR_SECRET, LLM_API_KEY, TTS_TOKEN, validInstanceArgs } from "../../harness/fixtures";
import { isAbout } from "../../fixtures/badInputs";
import {
    APP_ID,
    directClient,
    engineView,
    PROVIDER_TEXT,
    Props,
    rejectionOf,
    requestsOf,
    resourceInputs,
    SERVER_SECRET,
    timed,
    useProviderEnvironment,
} from "./helpers";
import { must } from "../../must";

const AGENT_ID = "demo_agent";

/** Vendor parameters ZEGO passes on to the vendor: must reach the wire exactly as given (no case conversion). */
const LLM_PARAMS = { max_tokens: 1024, stopSequences: ["\n\n"], extra_body: { enable_thinking: false, Mixed_Case: "x" } };

function args(overrides: Props = {}, suffix = "1"): Props {
    const base = validInstanceArgs(suffix);
    const llm = { ...(base.llm as Props), params: LLM_PARAMS };
    const out: Props = { ...base, llm, ...overrides };
    for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
    return out;
}

describe("provider integration: AgentInstance against the emulator", function () {
    this.timeout(20000);
    const ctx = useProviderEnvironment();
    const instance = ctx.providers.AgentInstance;

    beforeEach(async () => {
        const client = directClient(ctx.em);
        try {
            await client.registerAgent({ agentId: AGENT_ID, name: "Demo agent" });
        } finally {
            client.close();
        }
        ctx.configureStack();
    });

    /** check, then create with what check returned (as the engine does). */
    async function create(a: Props = args(), kind: "AgentInstance" | "DigitalHumanAgentInstance" = "AgentInstance") {
        const provider = ctx.providers[kind];
        const inputs = resourceInputs(a);
        const checked = await provider.check({}, inputs);
        expect(checked.failures ?? [], "check failures").to.deep.equal([]);
        const result = await provider.create(checked.inputs!);
        return { id: result.id, outs: result.outs as Props, inputs };
    }

    async function withDirectClient<T>(fn: (client: ReturnType<typeof directClient>) => Promise<T>): Promise<T> {
        const client = directClient(ctx.em);
        try {
            return await fn(client);
        } finally {
            client.close();
        }
    }

    describe("create", () => {
        it("creates the instance, echoes the inputs and adds the computed outputs", async () => {
            const a = args();
            const { id, outs, inputs } = await create(a);

            const live = ctx.em.liveInstances();
            expect(live.map((i) => i.agentInstanceId)).to.deep.equal([id]);
            expect(outs).to.deep.equal({
                ...withoutKey(inputs, "__provider"),
                agentInstanceId: id,
                status: "IDLE",
                appId: APP_ID,
                endpoint: ctx.endpoint,
                deletion: { gracefulShutdown: true, gracefulShutdownTimeout: 30, waitForDeletion: true },
                stateVersion: 2,
            });
            expect(outs.agentId).to.equal(a.agentId);
            // Secrets stay hoisted: llm/tts/asr in the outputs hold none.
            expect(outs.llm).to.not.have.property("apiKey");
            expect(outs.secrets).to.deep.equal({
                "llm.apiKey": LLM_API_KEY,
                "tts.params.app": { appid: "tts-app", token: TTS_TOKEN },
                "asr.params.secret_key": ASR_SECRET,
            });
            expect(JSON.stringify({ ...outs, secrets: undefined }))
                .to.not.contain(LLM_API_KEY)
                .and.not.contain(TTS_TOKEN)
                .and.not.contain(ASR_SECRET);
        });

        it("sends the API body on the wire (secrets joined back, vendor Params untouched, provider-only settings left out)", async () => {
            const { id } = await create(args({ gracefulShutdownTimeout: 12, waitForDeletion: true }));

            expect(ctx.em.requests().map((r) => r.action)).to.deep.equal([
                "RegisterAgent",
                "CreateAgentInstance",
                "QueryAgentInstanceStatus",
            ]);
            const logged = must(requestsOf(ctx.em, "CreateAgentInstance")[0], 'requestsOf(ctx.em, "CreateAgentInstance")[0]');
            // The emulator's log redacts secrets; everything else is as received.
            expect(logged.body).to.deep.equal({
                AgentId: AGENT_ID,
                UserId: "user_1",
                RTC: { RoomId: "room_1", AgentStreamId: "agent_stream_1", AgentUserId: "agent_user_1", UserStreamId: "user_stream_1" },
                LLM: {
                    Url: "https://llm.example.com/v1/chat/completions",
                    ApiKey: "***",
                    Model: "model-a",
                    SystemPrompt: "You are a helpful assistant.",
                    Temperature: 0.7,
                    Params: LLM_PARAMS,
                },
                TTS: { Vendor: "ByteDanceV3", Params: { app: "***", audio: { voice_type: "zh_female" } } },
                ASR: { Vendor: "Tencent", Params: { secret_key: "***", hotwords: "zego" } },
            });
            // What actually left the process: the real secret values, where ZEGO expects them.
            const wire = ctx.sent.find((s) => s.action === "CreateAgentInstance")!.body as Record<string, Props>;
            expect(must(wire.LLM, "wire.LLM").ApiKey).to.equal(LLM_API_KEY);
            expect(must(wire.LLM, "wire.LLM").Params).to.deep.equal(LLM_PARAMS);
            expect((must(wire.TTS, "wire.TTS").Params as Props).app).to.deep.equal({ appid: "tts-app", token: TTS_TOKEN });
            expect((must(wire.ASR, "wire.ASR").Params as Props).secret_key).to.equal(ASR_SECRET);
            expect(wire).to.not.have.any.keys("GracefulShutdownTimeout", "WaitForDeletion", "Secrets", "secrets");
            expect(
                must(requestsOf(ctx.em, "QueryAgentInstanceStatus")[0], 'requestsOf(ctx.em, "QueryAgentInstanceStatus")[0]').body,
            ).to.deep.equal({ AgentInstanceId: id });
        });

        it("a throttled create is retried at the lowered pacing, logged with its rate, and creates one instance", async () => {
            ctx.em.setFaults({ throttleBurst: 2, actions: ["CreateAgentInstance"] });
            const { id } = await create();
            expect(ctx.em.liveInstances().map((i) => i.agentInstanceId)).to.deep.equal([id]);
            expect(requestsOf(ctx.em, "CreateAgentInstance").map((r) => r.httpStatus)).to.deep.equal([429, 429, 200]);
            // The emulator's Retry-After (1 s) is honoured; then 10/s cut by 0.7 per throttle: the
            // retries wait for the slots of 7 and 4.9 requests/s.
            const retries = ctx.logs.filter((l) => l.includes("CreateAgentInstance: retry"));
            expect(retries).to.deep.equal([
                "[pulumi-zego-aiagent] CreateAgentInstance: retry (attempt 2, throttled (HTTP 429), next try in 1000 ms at the pacing of 7.00 requests/s)",
                "[pulumi-zego-aiagent] CreateAgentInstance: retry (attempt 3, throttled (HTTP 429), next try in 1000 ms at the pacing of 4.90 requests/s)",
            ]);
        });

        it("when the follow-up status query fails: throws with id and properties (incl. __provider) so the instance stays in state", async () => {
            ctx.em.setFaults({ http5xxRate: 1, http5xxStatuses: [500], actions: ["QueryAgentInstanceStatus"] });
            const inputs = resourceInputs(args());
            const err = await rejectionOf(instance.create(inputs), PartialCreateError);

            const created = must(ctx.em.liveInstances()[0], "ctx.em.liveInstances()[0]");
            expect(created, "the instance was created").to.exist;
            expect(err).to.be.instanceOf(PartialCreateError);
            expect(err.id).to.equal(created.agentInstanceId);
            const properties = err.properties as Props;
            expect(properties.__provider).to.equal(PROVIDER_TEXT);
            expect(properties).to.include({
                agentInstanceId: created.agentInstanceId,
                status: "UNKNOWN",
                appId: APP_ID,
                endpoint: ctx.endpoint,
                stateVersion: 2,
            });
            expect(properties.secrets).to.deep.equal(inputs.secrets);
            expect(err.message).to.contain("QueryAgentInstanceStatus").and.contain(created.agentInstanceId).and.contain("kept in state");
            expect(err.reasons.length).to.equal(1);
            // A status query is safe to repeat: retried until the client's attempts run out.
            expect(requestsOf(ctx.em, "QueryAgentInstanceStatus")).to.have.length(DEFAULT_RETRY_POLICY.maxAttempts);

            // What destroy then does with the stored properties.
            ctx.em.setFaults({});
            await instance.delete(err.id as string, properties);
            expect(ctx.em.instance(created.agentInstanceId)!.state).to.equal("deleted");
        });
    });

    describe("read", () => {
        it("refreshes the status and hands back the inputs without output-only properties", async () => {
            const { id, outs, inputs } = await create();
            ctx.em.setBusy(id, { status: "SPEAKING", seconds: 10 });
            const result = await instance.read(id, outs);
            expect(result.id).to.equal(id);
            // State of the 0.1.0 shape comes back with its credentials in place (marked secret).
            const inPlace = (props: Props) => joinSecrets(props, props.secrets);
            expect(engineView(result.props)).to.deep.equal({ ...inPlace(outs as Props), status: "SPEAKING" });
            expect(engineView(result.inputs)).to.deep.equal(inPlace(withoutKey(inputs, "__provider") as Props));
        });

        it("drops an instance that is gone (410001002) from state", async () => {
            const { id, outs } = await create();
            await withDirectClient((c) => c.deleteAgentInstance({ agentInstanceId: id, gracefulShutdown: false }));
            expect(await instance.read(id, outs)).to.deep.equal({});
            expect(requestsOf(ctx.em, "QueryAgentInstanceStatus").pop()!.code).to.equal(410001002);
        });

        it("reports SHUTTING_DOWN for an instance in a graceful shutdown (410001041)", async () => {
            const { id, outs } = await create();
            ctx.em.setBusy(id, { seconds: 30 });
            await withDirectClient((c) =>
                c.deleteAgentInstance({ agentInstanceId: id, gracefulShutdown: true, gracefulShutdownTimeout: 60 }),
            );
            const result = await instance.read(id, outs);
            expect(result.props).to.include({ status: "SHUTTING_DOWN", agentInstanceId: id });
        });
    });

    describe("update", () => {
        it("an llm change sends UpdateAgentInstance with the whole LLM object", async () => {
            const { id, outs } = await create();
            const before = ctx.em.requests().length;
            const newArgs = args({ llm: { ...(args().llm as Props), model: "model-b" } });
            const news = resourceInputs(newArgs);
            expect((await instance.diff(id, outs, news)).changes).to.equal(true);

            const { outs: updated } = await instance.update(id, outs, news);

            const after = ctx.em.requests().slice(before);
            expect(after.map((r) => r.action)).to.deep.equal(["UpdateAgentInstance", "QueryAgentInstanceStatus"]);
            expect(must(after[0], "after[0]").body).to.deep.equal({
                AgentInstanceId: id,
                LLM: {
                    Url: "https://llm.example.com/v1/chat/completions",
                    ApiKey: "***",
                    Model: "model-b",
                    SystemPrompt: "You are a helpful assistant.",
                    Temperature: 0.7,
                    Params: LLM_PARAMS,
                },
            });
            const wire = ctx.sent.filter((s) => s.action === "UpdateAgentInstance").pop()!.body as Record<string, Props>;
            expect(must(wire.LLM, "wire.LLM").ApiKey, "the secret is joined back for ZEGO").to.equal(LLM_API_KEY);
            expect(ctx.em.instance(id)!.config.LLM).to.deep.include({ Model: "model-b", Params: LLM_PARAMS });
            expect(ctx.em.instance(id)!.updates).to.equal(1);

            expect(updated).to.deep.equal({
                ...withoutKey(news, "__provider"),
                agentInstanceId: id,
                status: "IDLE",
                appId: APP_ID,
                endpoint: ctx.endpoint,
                deletion: { gracefulShutdown: true, gracefulShutdownTimeout: 30, waitForDeletion: true },
                stateVersion: 2,
            });
        });

        it("a rotated llm.apiKey (a hoisted secret) is sent as the whole LLM with the new key", async () => {
            const { id, outs } = await create();
            const news = resourceInputs(args({ llm: { ...(args().llm as Props), apiKey: "sk-rotated-KEY2" } }));
            await instance.update(id, outs, news);
            const wire = ctx.sent.filter((s) => s.action === "UpdateAgentInstance").pop()!.body as Record<string, Props>;
            expect(Object.keys(wire).sort()).to.deep.equal(["AgentInstanceId", "LLM"]);
            expect(wire.LLM).to.deep.include({ ApiKey: "sk-rotated-KEY2", Model: "model-a", Params: LLM_PARAMS });
        });

        it("an rtc.userStreamId change sends RTC {UserStreamId} only", async () => {
            const { id, outs } = await create();
            const base = args();
            const news = resourceInputs({ ...base, rtc: { ...(base.rtc as Props), userStreamId: "user_stream_new" } });
            const diff = await instance.diff(id, outs, news);
            expect(diff.changes).to.equal(true);
            expect(diff.replaces).to.deep.equal([]);

            const { outs: updated } = await instance.update(id, outs, news);
            const update = must(requestsOf(ctx.em, "UpdateAgentInstance")[0], 'requestsOf(ctx.em, "UpdateAgentInstance")[0]');
            expect(update.body).to.deep.equal({ AgentInstanceId: id, RTC: { UserStreamId: "user_stream_new" } });
            expect(ctx.em.instance(id)!.config.RTC).to.include({ UserStreamId: "user_stream_new", RoomId: "room_1" });
            expect((updated as Props).rtc).to.include({ userStreamId: "user_stream_new" });
        });

        it("a change of deletion settings only makes no API call and updates the outputs", async () => {
            const { id, outs } = await create();
            ctx.em.setBusy(id, { seconds: 10 });
            const before = ctx.em.requests();
            const news = resourceInputs(args({ gracefulShutdownTimeout: 60, waitForDeletion: false }));
            const diff = await instance.diff(id, outs, news);
            expect(diff.changes).to.equal(true);
            expect(diff.replaces).to.deep.equal([]);

            const { outs: updated } = await instance.update(id, outs, news);
            expect(ctx.em.requests(), "request log unchanged").to.deep.equal(before);
            expect(ctx.sent.filter((s) => s.action !== "RegisterAgent").map((s) => s.action)).to.deep.equal([
                "CreateAgentInstance",
                "QueryAgentInstanceStatus",
            ]);
            expect(updated).to.deep.equal({
                ...withoutKey(news, "__provider"),
                agentInstanceId: id,
                status: "IDLE", // from state: nothing was asked
                appId: APP_ID,
                endpoint: ctx.endpoint,
                deletion: { gracefulShutdown: true, gracefulShutdownTimeout: 60, waitForDeletion: false },
                stateVersion: 2,
            });
        });
    });

    describe("delete", () => {
        it("busy agent: GracefulShutdown true / timeout 5 sent, returns only once the agent finished and the instance is gone", async () => {
            const { id, outs } = await create(args({ gracefulShutdownTimeout: 5 }));
            ctx.em.setBusy(id, { status: "SPEAKING", seconds: 2 });

            const { ms } = await timed(ctx.clock, () => instance.delete(id, outs));

            const del = must(requestsOf(ctx.em, "DeleteAgentInstance")[0], 'requestsOf(ctx.em, "DeleteAgentInstance")[0]');
            expect(del.body).to.deep.equal({ AgentInstanceId: id, GracefulShutdown: true, GracefulShutdownTimeout: 5 });
            const gone = ctx.em.instance(id)!;
            expect(gone).to.include({ state: "deleted", deletedReason: "api" });
            expect(gone.deletedAt! - gone.deleteRequest!.receivedAt).to.equal(2000);
            expect(ms, "returns within a poll of the instance going").to.be.within(2000, 2500);
            // It polled while the instance was shutting down, and saw it gone.
            const polls = requestsOf(ctx.em, "QueryAgentInstanceStatus").filter((r) => r.at >= del.at);
            expect(polls.map((r) => r.code)).to.include(410001041);
            expect(must(polls[polls.length - 1], "polls[polls.length - 1]").code).to.equal(410001002);
            expect(ctx.logs.join("\n")).to.contain("GracefulShutdown=true").and.contain(`${id} is gone`);
        });

        it("busy past the timeout: returns when the service force-deletes at the timeout (margin from ZEGO_DELETE_WAIT_MARGIN)", async () => {
            ctx.env.ZEGO_DELETE_WAIT_MARGIN = "2";
            const { id, outs } = await create(args({ gracefulShutdownTimeout: 1 }));
            ctx.em.setBusy(id, { seconds: 30 });

            const { ms } = await timed(ctx.clock, () => instance.delete(id, outs));

            expect(ctx.em.instance(id)).to.include({ state: "deleted", deletedReason: "graceful-timeout" });
            expect(must(requestsOf(ctx.em, "DeleteAgentInstance")[0], 'requestsOf(ctx.em, "DeleteAgentInstance")[0]').body).to.include({
                GracefulShutdown: true,
                GracefulShutdownTimeout: 1,
            });
            expect(ms, "the graceful timeout, to within a poll").to.be.within(1000, 1500);
        });

        it("already shutting down (410001041 on the delete): waits for it to go", async () => {
            const { id, outs } = await create();
            ctx.em.setBusy(id, { seconds: 1.5 });
            await withDirectClient((c) =>
                c.deleteAgentInstance({ agentInstanceId: id, gracefulShutdown: true, gracefulShutdownTimeout: 60 }),
            );

            const { ms } = await timed(ctx.clock, () => instance.delete(id, outs));

            const deletes = requestsOf(ctx.em, "DeleteAgentInstance");
            expect(deletes.map((d) => d.code)).to.deep.equal([0, 410001041]);
            expect(ctx.em.instance(id)).to.include({ state: "deleted", deletedReason: "api" });
            expect(ms, "the rest of the shutdown, to within a poll").to.be.within(1500, 2000);
            expect(ctx.logs.join("\n")).to.contain("already shutting down");
        });

        it("already gone (410001002): succeeds without waiting", async () => {
            const { id, outs } = await create();
            await withDirectClient((c) => c.deleteAgentInstance({ agentInstanceId: id }));
            const before = ctx.em.requests().length;

            await instance.delete(id, outs);

            const after = ctx.em.requests().slice(before);
            expect(after.map((r) => [r.action, r.code])).to.deep.equal([["DeleteAgentInstance", 410001002]]);
            expect(ctx.logs.join("\n")).to.contain("already gone");
        });

        it("ZEGO_GRACEFUL_SHUTDOWN=false overrides the resource: GracefulShutdown false, immediate", async () => {
            const { id, outs } = await create(args({ gracefulShutdown: true, gracefulShutdownTimeout: 30 }));
            ctx.em.setBusy(id, { seconds: 30 });
            ctx.env.ZEGO_GRACEFUL_SHUTDOWN = "false";

            const { ms } = await timed(ctx.clock, () => instance.delete(id, outs));

            expect(must(requestsOf(ctx.em, "DeleteAgentInstance")[0], 'requestsOf(ctx.em, "DeleteAgentInstance")[0]').body).to.deep.equal({
                AgentInstanceId: id,
                GracefulShutdown: false,
            });
            expect(ctx.em.instance(id)).to.include({ state: "deleted", deletedReason: "api", status: "SPEAKING" });
            expect(ms, "no wait").to.equal(0);
        });

        it("ZEGO_GRACEFUL_SHUTDOWN_TIMEOUT=7 overrides the resource's timeout", async () => {
            const { id, outs } = await create(args({ gracefulShutdownTimeout: 30 }));
            ctx.env.ZEGO_GRACEFUL_SHUTDOWN_TIMEOUT = "7";
            await instance.delete(id, outs);
            expect(must(requestsOf(ctx.em, "DeleteAgentInstance")[0], 'requestsOf(ctx.em, "DeleteAgentInstance")[0]').body).to.deep.equal({
                AgentInstanceId: id,
                GracefulShutdown: true,
                GracefulShutdownTimeout: 7,
            });
            expect(ctx.em.instance(id)!.state).to.equal("deleted");
        });

        it("stack config zego:gracefulShutdownTimeout applies when the resource sets none (and the resource's own value wins over it)", async () => {
            ctx.configureStack({ "zego:gracefulShutdownTimeout": "9" });
            const own = await create(args({ gracefulShutdownTimeout: 4 }, "1"));
            const none = await create(args({ gracefulShutdownTimeout: undefined }, "2"));
            expect(none.outs.deletion).to.deep.equal({ gracefulShutdown: true, gracefulShutdownTimeout: 9, waitForDeletion: true });

            await instance.delete(none.id, none.outs);
            await instance.delete(own.id, own.outs);

            const bodies = requestsOf(ctx.em, "DeleteAgentInstance").map((r) => r.body);
            expect(bodies).to.deep.equal([
                { AgentInstanceId: none.id, GracefulShutdown: true, GracefulShutdownTimeout: 9 },
                { AgentInstanceId: own.id, GracefulShutdown: true, GracefulShutdownTimeout: 4 },
            ]);
        });

        it("by default deletes gracefully with a 30 s timeout", async () => {
            const { id, outs } = await create(args({ gracefulShutdownTimeout: undefined }));
            expect(outs.deletion).to.deep.equal({ gracefulShutdown: true, gracefulShutdownTimeout: 30, waitForDeletion: true });
            await instance.delete(id, outs);
            expect(must(requestsOf(ctx.em, "DeleteAgentInstance")[0], 'requestsOf(ctx.em, "DeleteAgentInstance")[0]').body).to.deep.equal({
                AgentInstanceId: id,
                GracefulShutdown: true,
                GracefulShutdownTimeout: 30,
            });
            expect(ctx.em.instance(id)!.state).to.equal("deleted");
        });

        it("waitForDeletion false: returns right after DeleteAgentInstance, the instance still shutting down", async () => {
            const { id, outs } = await create(args({ waitForDeletion: false }));
            ctx.em.setBusy(id, { seconds: 30 });
            const before = ctx.em.requests().length;

            const { ms } = await timed(ctx.clock, () => instance.delete(id, outs));

            expect(
                ctx.em
                    .requests()
                    .slice(before)
                    .map((r) => r.action),
            ).to.deep.equal(["DeleteAgentInstance"]);
            expect(ctx.em.instance(id)!.state).to.equal("shutting-down");
            expect(ms, "no wait").to.equal(0);
            expect(ctx.logs.join("\n")).to.contain("not waiting");
        });

        it("fails with DeletionTimeoutError when the instance outlives the graceful timeout plus the margin", async () => {
            // An emulator whose clock stands still while the provider's runs on: the graceful timeout
            // never elapses there, so the instance stays shutting down however long the provider waits.
            const frozen = { t: ctx.clock.now() };
            const stuck = await startEmulator({ appId: APP_ID, serverSecret: SERVER_SECRET, rateLimitPerSecond: 0, now: () => frozen.t });
            try {
                ctx.configureStack({}, stuck.url);
                const client = directClient(stuck);
                await client.registerAgent({ agentId: AGENT_ID });
                client.close();
                const { id, outs } = await create(args({ gracefulShutdownTimeout: 1 }));
                stuck.setBusy(id, { seconds: 60 });
                ctx.env.ZEGO_DELETE_WAIT_MARGIN = "0";

                const { ms, value: err } = await timed(ctx.clock, () => rejectionOf(instance.delete(id, outs)));

                expect(err).to.be.instanceOf(DeletionTimeoutError);
                expect(err.message)
                    .to.contain(id)
                    .and.contain("still exists")
                    .and.contain("last status SHUTTING_DOWN")
                    .and.contain("graceful timeout of 1 s plus a margin of 0 s")
                    .and.contain("stays in the Pulumi state")
                    .and.contain("pulumi destroy")
                    .and.not.contain("ZEGO_GRACEFUL_SHUTDOWN=false"); // ZEGO refuses any delete while a shutdown runs
                expect(ms, "the graceful timeout plus the margin, to within a poll").to.be.within(1000, 1500);
                expect(stuck.instance(id)!.state).to.equal("shutting-down");

                // The retry the message suggests, once the service's own timeout has passed: the
                // instance is gone by then, which delete treats as success.
                frozen.t += 2000;
                await instance.delete(id, outs);
                expect(stuck.instance(id)).to.include({ state: "deleted", deletedReason: "graceful-timeout" });
                expect(requestsOf(stuck, "DeleteAgentInstance").map((r) => r.code)).to.deep.equal([0, 410001002]);
            } finally {
                await stuck.close();
            }
        });
    });

    describe("credentials", () => {
        it("without credentials: every API method fails naming the config keys and variables; check and diff still work", async () => {
            const { id, outs } = await create();
            const before = ctx.em.requests().length;
            ctx.settings.reset();

            const news = resourceInputs(args({ llm: { ...(args().llm as Props), model: "model-b" } }));
            const checked = await instance.check(outs, news);
            expect(checked.failures).to.deep.equal([]);
            const bad = await instance.check(outs, resourceInputs(args({ userId: "" })));
            expect(bad.failures!.some((f) => isAbout(f, "userId"))).to.equal(true);
            expect(await instance.diff(id, outs, resourceInputs(args()))).to.deep.equal({ changes: false });
            expect((await instance.diff(id, outs, news)).changes).to.equal(true);

            for (const [what, call] of [
                ["create", () => instance.create(resourceInputs(args({}, "2")))],
                ["read", () => instance.read(id, outs)],
                ["update", () => instance.update(id, outs, news)],
                ["delete", () => instance.delete(id, outs)],
            ] as const) {
                const err = await rejectionOf(call());
                expect(err.message, what)
                    .to.contain("zego:appId")
                    .and.contain("zego:serverSecret")
                    .and.contain("ZEGO_APP_ID")
                    .and.contain("ZEGO_SERVER_SECRET");
            }
            expect(ctx.em.requests().length, "nothing sent").to.equal(before);
        });

        it("credentials from the environment work without stack config", async () => {
            ctx.settings.reset();
            ctx.env.ZEGO_APP_ID = String(APP_ID);
            ctx.env.ZEGO_SERVER_SECRET = SERVER_SECRET;
            ctx.env.ZEGO_ENDPOINT = ctx.endpoint;
            const { id, outs } = await create();
            expect(outs).to.include({ appId: APP_ID, endpoint: ctx.endpoint });
            await instance.delete(id, outs);
            expect(ctx.em.instance(id)!.state).to.equal("deleted");
        });

        it("an existing instance is read and deleted only where it lives; that endpoint unreachable names it, the configured one, and what to do", async () => {
            const { id, outs } = await create();
            const gone = "http://127.0.0.1:9";
            for (const call of [
                () => instance.read(id, { ...outs, endpoint: gone }),
                () => instance.delete(id, { ...outs, endpoint: gone }),
            ]) {
                const err = await rejectionOf(call());
                expect(err.message)
                    .to.contain(`lives at ${gone}, where it was created`)
                    .and.contain(`The endpoint configured now is ${ctx.endpoint}`)
                    .and.contain("pulumi state delete");
            }
            expect(ctx.em.instance(id)!.state, "never acted on at the configured endpoint").to.equal("live");
        });

        it("credentials of another app than the state's: a clear error, nothing sent", async () => {
            const { id, outs } = await create();
            const before = ctx.em.requests().length;
            ctx.configureStack({ "zego:appId": "987654321" });

            for (const call of [() => instance.read(id, outs), () => instance.delete(id, outs)]) {
                const err = await rejectionOf(call());
                expect(err.message)
                    .to.contain(`belongs to ZEGO app ${APP_ID}`)
                    .and.contain("credentials are for app 987654321")
                    .and.contain("zego:appId");
            }
            expect(ctx.em.requests().length).to.equal(before);
            // diff refuses the move to another app (it could never delete the old instance), saying what to do.
            const refused = await rejectionOf(instance.diff(id, outs, resourceInputs(args())));
            expect(refused.message)
                .to.contain(`lives in ZEGO app ${APP_ID}`)
                .and.contain("configured for app 987654321")
                .and.contain("not supported")
                .and.contain("back to app")
                .and.contain("pulumi destroy");
        });
    });

    describe("DigitalHumanAgentInstance", () => {
        it("an AgentStreamId in use (410001030) names the likely cause, a rename without aliases, and the fix", async () => {
            const dh = { digitalHuman: { digitalHumanId: "dh_001" } };
            await create(args(dh), "DigitalHumanAgentInstance");
            // Another resource (a new URN: the engine checks it without old inputs) with the same stream, another AgentUserId.
            const other = args({ ...dh, rtc: { ...(args().rtc as Props), agentUserId: "agent_user_other" } });
            const err = await rejectionOf(ctx.providers.DigitalHumanAgentInstance.create(resourceInputs(other)));
            expect(err.message).to.contain("410001030").and.contain("aliases").and.contain("renamed or moved");
        });

        it("create returns digitalHumanConfig; update keeps it; delete deletes", async () => {
            const dh = ctx.providers.DigitalHumanAgentInstance;
            const a = args({ digitalHuman: { digitalHumanId: "dh_001", configId: "web" } });
            const { id, outs } = await create(a, "DigitalHumanAgentInstance");

            expect(typeof outs.digitalHumanConfig).to.equal("string");
            const decoded = JSON.parse(Buffer.from(outs.digitalHumanConfig as string, "base64").toString("utf8")) as Props;
            expect(decoded).to.deep.equal({
                DigitalHumanId: "dh_001",
                Streams: [{ RoomId: "room_1", StreamId: "agent_stream_1", EncodeCode: "H264", ConfigId: "web" }],
            });
            expect(outs).to.include({ agentInstanceId: id, status: "IDLE", appId: APP_ID });
            const created = must(
                requestsOf(ctx.em, "CreateDigitalHumanAgentInstance")[0],
                'requestsOf(ctx.em, "CreateDigitalHumanAgentInstance")[0]',
            );
            expect((created.body as Props).DigitalHuman).to.deep.equal({ DigitalHumanId: "dh_001", ConfigId: "web" });
            expect(ctx.em.instance(id)!.action).to.equal("CreateDigitalHumanAgentInstance");

            const news = resourceInputs({ ...a, asr: { vendor: "Tencent", params: { secret_key: ASR_SECRET, hotwords: "pulumi" } } });
            const { outs: updated } = await dh.update(id, outs, news);
            expect(updated).to.include({ digitalHumanConfig: outs.digitalHumanConfig, agentInstanceId: id });
            expect(must(requestsOf(ctx.em, "UpdateAgentInstance")[0], 'requestsOf(ctx.em, "UpdateAgentInstance")[0]').body).to.deep.equal({
                AgentInstanceId: id,
                ASR: { Vendor: "Tencent", Params: { secret_key: "***", hotwords: "pulumi" } },
            });

            const read = await dh.read(id, updated as Props);
            expect(read.inputs).to.not.have.property("digitalHumanConfig");
            expect(read.props).to.include({ digitalHumanConfig: outs.digitalHumanConfig });

            await dh.delete(id, updated as Props);
            expect(ctx.em.instance(id)!.state).to.equal("deleted");
        });
    });
});

function withoutKey(props: Props, key: string): Props {
    const { [key]: _dropped, ...rest } = props;
    return rest;
}
