/**
 * LiveDigitalHumanAgentInstance provider methods against the emulator over real HTTP: typed args
 * (check), an exact offline diff (every API change replaces: ZEGO refuses to update a live digital
 * human, 410001049), secrets hoisted out of state, and a graceful delete that waits for the speech.
 */
import { expect } from "chai";
import { UNKNOWN } from "../../../provider/schema/unknown";
import { TTS_TOKEN } from "../../harness/fixtures";
import { APP_ID, directClient, Props, requestsOf, resourceInputs, timed, useProviderEnvironment } from "./helpers";
import { must } from "../../must";

const AGENT_ID = "live_agent";

function args(overrides: Props = {}): Props {
    const out: Props = {
        agentId: AGENT_ID,
        digitalHuman: { digitalHumanId: "xiaozhi", configId: "mobile", encodeCode: "H264" },
        rtc: { roomId: "room_1", agentStreamId: "agent_stream_1", agentUserId: "agent_user_1" },
        tts: { vendor: "ByteDance", params: { app: { appid: "tts-app", token: TTS_TOKEN }, speaker: "x" } },
        advancedConfig: { maxIdleTime: 600 },
        gracefulShutdownTimeout: 10,
        ...overrides,
    };
    for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
    return out;
}

describe("provider integration: LiveDigitalHumanAgentInstance against the emulator", function () {
    this.timeout(20000);
    const ctx = useProviderEnvironment({ speakingSeconds: 1.5 });
    const live = ctx.providers.LiveDigitalHumanAgentInstance;

    async function checkFailures(a: Props): Promise<string[]> {
        const checked = await live.check({}, resourceInputs(a));
        return (checked.failures ?? []).map((f) => `${f.property}: ${f.reason}`);
    }

    beforeEach(async () => {
        const client = directClient(ctx.em);
        try {
            await client.registerAgent({ agentId: AGENT_ID });
        } finally {
            client.close();
        }
        ctx.configureStack();
    });

    async function create(a: Props = args()) {
        const inputs = resourceInputs(a);
        const checked = await live.check({}, inputs);
        expect(checked.failures ?? [], "check failures").to.deep.equal([]);
        const result = await live.create(checked.inputs!);
        return { id: result.id, outs: result.outs as Props, inputs };
    }

    describe("check (offline)", () => {
        it("accepts the docs' own example (a TTS vendor outside the guide's list included)", async () => {
            expect(await checkFailures(args())).to.deep.equal([]);
        });

        it("refuses what the live digital human does not take, naming the field", async () => {
            const cases: [Props, string][] = [
                [{ rtc: undefined }, "rtc or cdn is required"],
                [
                    { rtc: { roomId: "r", agentStreamId: "s", agentUserId: "u", userStreamId: "us" } },
                    "rtc.userStreamId is not a known field",
                ],
                [{ userId: "user_1" }, "userId is not a known field"],
                [{ llm: { url: "u", apiKey: "k", model: "m" } }, "llm is not a known field"],
                [{ advancedConfig: { maxIdleTime: 29 } }, "advancedConfig.maxIdleTime must be an integer from 30 to 86400"],
                [{ advancedConfig: { maxIdleTime: 86401 } }, "from 30 to 86400"],
                [{ advancedConfig: { disableTts: true } }, "advancedConfig.disableTts must not be true"],
                [{ digitalHuman: undefined }, "digitalHuman"],
                [{ cdn: { url: "" } }, "cdn.url"],
                [{ gracefulShutdownTimeout: 121 }, "gracefulShutdownTimeout"],
            ];
            for (const [patch, expected] of cases) {
                const failures = await checkFailures(args(patch));
                expect(failures.join("\n"), JSON.stringify(patch)).to.contain(expected);
                expect(failures.join("\n")).to.not.contain(TTS_TOKEN);
            }
            expect(await checkFailures(args({ rtc: undefined, cdn: { url: "rtmp://push.example.com/live/k" } }))).to.deep.equal([]);
        });
    });

    describe("preview (values not known yet)", () => {
        it("check accepts unknown rtc, cdn, ids and maxIdleTime; diff of an unknown rtc is a delete-first replace", async () => {
            expect(await checkFailures(args({ rtc: UNKNOWN }))).to.deep.equal([]);
            expect(await checkFailures(args({ rtc: undefined, cdn: UNKNOWN }))).to.deep.equal([]);
            expect(await checkFailures(args({ rtc: { roomId: UNKNOWN, agentStreamId: UNKNOWN, agentUserId: UNKNOWN } }))).to.deep.equal([]);
            expect(await checkFailures(args({ agentId: UNKNOWN, advancedConfig: { maxIdleTime: UNKNOWN } }))).to.deep.equal([]);
            const { id, outs } = await create();
            const diff = await live.diff(id, outs, resourceInputs(args({ rtc: UNKNOWN })));
            expect(diff).to.deep.include({ changes: true, replaces: ["rtc"], deleteBeforeReplace: true });
        });
    });

    describe("diff (offline)", () => {
        it("every API argument replaces; deletion settings change state only; the same agentUserId deletes first", async () => {
            const { id, outs } = await create();
            const diff = (patch: Props) => live.diff(id, outs, resourceInputs(args(patch)));
            expect(await diff({})).to.deep.equal({ changes: false });
            for (const [patch, key] of [
                [{ tts: { vendor: "ByteDance", params: { app: { appid: "tts-app", token: TTS_TOKEN }, speaker: "y" } } }, "tts"],
                [{ digitalHuman: { digitalHumanId: "other" } }, "digitalHuman"],
                [{ advancedConfig: { maxIdleTime: 900 } }, "advancedConfig"],
                [{ callbackConfig: { interrupted: 1 } }, "callbackConfig"],
            ] as [Props, string][]) {
                expect(await diff(patch), key).to.deep.include({ changes: true, replaces: [key], deleteBeforeReplace: true });
            }
            const rotated = await diff({
                tts: { vendor: "ByteDance", params: { app: { appid: "tts-app", token: "rotated" }, speaker: "x" } },
            });
            expect(rotated).to.deep.include({ changes: true, replaces: ["tts"] });
            const moved = await diff({ rtc: { roomId: "room_2", agentStreamId: "s2", agentUserId: "u2" } });
            expect(moved).to.deep.include({ changes: true, replaces: ["rtc"], deleteBeforeReplace: false });
            expect(await diff({ gracefulShutdownTimeout: 20 })).to.deep.include({ changes: true, replaces: [] });
        });
    });

    describe("create / read / update / delete", () => {
        it("creates with CreateLiveDigitalHumanAgentInstance: exact wire body, secrets out of state, digitalHumanConfig kept", async () => {
            const { id, outs, inputs } = await create();
            expect(ctx.em.instance(id)).to.include({ action: "CreateLiveDigitalHumanAgentInstance", state: "live" });
            const wire = ctx.sent.find((s) => s.action === "CreateLiveDigitalHumanAgentInstance")!.body;
            expect(wire).to.deep.equal({
                AgentId: AGENT_ID,
                DigitalHuman: { DigitalHumanId: "xiaozhi", ConfigId: "mobile", EncodeCode: "H264" },
                RTC: { RoomId: "room_1", AgentStreamId: "agent_stream_1", AgentUserId: "agent_user_1" },
                TTS: { Vendor: "ByteDance", Params: { app: { appid: "tts-app", token: TTS_TOKEN }, speaker: "x" } },
                AdvancedConfig: { MaxIdleTime: 600 },
            });
            const { __provider: _p, ...echoed } = inputs;
            expect(outs).to.deep.include({ ...echoed, agentInstanceId: id, status: "IDLE", appId: APP_ID, endpoint: ctx.endpoint });
            expect(outs.secrets).to.deep.equal({ "tts.params.app": { appid: "tts-app", token: TTS_TOKEN } });
            expect(JSON.stringify({ ...outs, secrets: undefined })).to.not.contain(TTS_TOKEN);
            const config = JSON.parse(Buffer.from(outs.digitalHumanConfig as string, "base64").toString("utf8"));
            expect(config).to.deep.equal({
                DigitalHumanId: "xiaozhi",
                Streams: [{ RoomId: "room_1", StreamId: "agent_stream_1", EncodeCode: "H264", ConfigId: "mobile" }],
            });

            const read = await live.read(id, outs);
            expect(read.inputs).to.not.have.any.keys("digitalHumanConfig", "agentInstanceId", "status");
            expect(read.props).to.include({ digitalHumanConfig: outs.digitalHumanConfig });

            // Deletion settings only: no API call (UpdateAgentInstance would be refused with 410001049).
            const { outs: updated } = await live.update(id, outs, resourceInputs(args({ gracefulShutdownTimeout: 20 })));
            expect(updated).to.include({ digitalHumanConfig: outs.digitalHumanConfig, agentInstanceId: id });
            expect(requestsOf(ctx.em, "UpdateAgentInstance")).to.have.length(0);
        });

        it("a CDN-only instance sends CDN and no RTC", async () => {
            const { id } = await create(args({ rtc: undefined, cdn: { url: "rtmp://push.example.com/live/k" } }));
            const wire = ctx.sent.find((s) => s.action === "CreateLiveDigitalHumanAgentInstance")!.body;
            expect(wire.CDN).to.deep.equal({ Url: "rtmp://push.example.com/live/k" });
            expect(wire).to.not.have.property("RTC");
            expect(ctx.em.instance(id)!.state).to.equal("live");
        });

        it("delete is graceful: waits while SendAgentInstanceTTS keeps it speaking, then it is gone", async () => {
            const { id, outs } = await create();
            const client = directClient(ctx.em);
            try {
                await client.sendAgentInstanceTts({ agentInstanceId: id, text: "Welcome to the stream" });
            } finally {
                client.close();
            }
            const { ms } = await timed(ctx.clock, () => live.delete(id, outs));
            const del = must(requestsOf(ctx.em, "DeleteAgentInstance")[0], 'requestsOf(ctx.em, "DeleteAgentInstance")[0]');
            expect(del.body).to.deep.equal({ AgentInstanceId: id, GracefulShutdown: true, GracefulShutdownTimeout: 10 });
            expect(ctx.em.instance(id)).to.include({ state: "deleted", deletedReason: "api" });
            expect(ms, "while it speaks (speakingSeconds 1.5), to within a poll").to.be.within(1500, 2000);
        });

        it("read drops it from state once ZEGO ended it for idling (no SendAgentInstanceTTS for MaxIdleTime)", async () => {
            const { id, outs } = await create(args({ advancedConfig: { maxIdleTime: 30 } }));
            ctx.clock.advance(31_000);
            expect(await live.read(id, outs)).to.deep.equal({});
        });
    });
    describe("when ZEGO refuses status queries on a live digital human (410001049; emulator option liveStatusQueries)", () => {
        // return-codes.mdx: live digital humans "do not support interface-based control"; nothing says
        // QueryAgentInstanceStatus is exempt. The provider must work whichever ZEGO does.
        beforeEach(() => ctx.em.setOptions({ liveStatusQueries: "refuse" }));

        it("create succeeds with status UNKNOWN (no partial create); read keeps it; update does not fail", async () => {
            const { id, outs } = await create();
            expect(outs).to.include({ agentInstanceId: id, status: "UNKNOWN" });
            expect(requestsOf(ctx.em, "QueryAgentInstanceStatus").map((r) => r.code)).to.deep.equal([410001049]);
            const read = await live.read(id, outs);
            expect(read.props).to.include({ agentInstanceId: id, status: "UNKNOWN" });
            const { outs: updated } = await live.update(id, outs, resourceInputs(args({ gracefulShutdownTimeout: 20 })));
            expect(updated).to.include({ status: "UNKNOWN" });
        });

        it("a graceful delete waits for the speech through DeleteAgentInstance (410001041, then 410001002), not to its bound", async () => {
            // Created while status queries were answered, so that this shows delete on its own.
            ctx.em.setOptions({ liveStatusQueries: "answer" });
            const { id, outs } = await create();
            ctx.em.setOptions({ liveStatusQueries: "refuse" });
            const client = directClient(ctx.em);
            try {
                await client.sendAgentInstanceTts({ agentInstanceId: id, text: "Welcome to the stream" });
            } finally {
                client.close();
            }
            const { ms } = await timed(ctx.clock, () => live.delete(id, outs));
            expect(ctx.em.instance(id)).to.include({ state: "deleted", deletedReason: "api" });
            expect(ms, "while it speaks (speakingSeconds 1.5), to within a poll; the bound is 10 s + margin").to.be.within(1500, 2000);
            const codes = requestsOf(ctx.em, "DeleteAgentInstance").map((r) => r.code);
            expect(codes[0]).to.equal(0);
            expect(codes.length).to.be.above(2);
            expect(new Set(codes.slice(1, -1))).to.deep.equal(new Set([410001041]));
            expect(codes.at(-1)).to.equal(410001002);
            const queries = requestsOf(ctx.em, "QueryAgentInstanceStatus").map((r) => r.code);
            expect(new Set(queries.slice(1))).to.deep.equal(new Set([410001049]), "refused while it shuts down and once gone");
            expect(ctx.logs.join("\n")).to.contain("refuses status queries");
        });

        it("an immediate delete (gracefulShutdown false) ends at once", async () => {
            const { id, outs } = await create(args({ gracefulShutdown: false, gracefulShutdownTimeout: undefined }));
            const { ms } = await timed(ctx.clock, () => live.delete(id, outs));
            expect(ctx.em.instance(id)).to.include({ state: "deleted" });
            expect(ms).to.be.below(1000);
        });
    });
});
