import { expect } from "chai";
import { startEmulator } from "../../../emulator";
import { APP_ID, createInstance, instanceBody, LLM, registerAgent, rtc, SECRET, TTS, useEmulator, zego } from "./helpers";
import { must } from "../../must";

describe("emulator: instances", () => {
    const ctx = useEmulator({ concurrencyLimit: 3 });
    beforeEach(() => registerAgent(ctx.url));

    describe("create", () => {
        it("returns a 19-digit numeric AgentInstanceId and records the instance", async () => {
            const r = await zego(ctx.url, "CreateAgentInstance", instanceBody(1, { LLM }));
            expect(r.code).to.equal(0);
            expect(r.data.AgentInstanceId).to.match(/^\d{19}$/);
            const inst = must(ctx.em.instances()[0], "ctx.em.instances()[0]");
            expect(inst).to.include({
                agentInstanceId: r.data.AgentInstanceId,
                action: "CreateAgentInstance",
                state: "live",
                status: "IDLE",
                agentId: "agent-1",
            });
            expect((inst.body.LLM as Record<string, unknown>).ApiKey).to.equal("***");
            expect((inst.config.TTS as { Params: Record<string, unknown> }).Params.app).to.equal("***");
        });

        it("unregistered AgentId → 410001009", async () => {
            const r = await zego(ctx.url, "CreateAgentInstance", { ...instanceBody(1), AgentId: "nope" });
            expect(r.code).to.equal(410001009);
        });

        it("validates the body: RTC fields, UserId charset, VAD ranges → 410000003 naming the field", async () => {
            const noRtc = await zego(ctx.url, "CreateAgentInstance", { AgentId: "agent-1", UserId: "u" });
            expect(noRtc.code).to.equal(410000003);
            expect(noRtc.json!.Message).to.contain("RTC");
            const badUser = await zego(ctx.url, "CreateAgentInstance", instanceBody(1, { UserId: "bad user!" }));
            expect(badUser.json!.Message).to.contain("UserId");
            const badVad = await zego(
                ctx.url,
                "CreateAgentInstance",
                instanceBody(1, { VAD: { TurnDetectConfig: { SilenceSegmentation: 100 } } }),
            );
            expect(badVad.json!.Message).to.contain("VAD.TurnDetectConfig.SilenceSegmentation");
            const longUser = await zego(
                ctx.url,
                "CreateAgentInstance",
                instanceBody(1, { RTC: { ...rtc(1), AgentUserId: "u".repeat(33) } }),
            );
            expect(longUser.json!.Message).to.contain("RTC.AgentUserId");
            expect(ctx.em.instances()).to.have.length(0);
        });

        it("CreateDigitalHumanAgentInstance returns DigitalHumanConfig (base64) and refuses DisableTTS", async () => {
            const dh = { DigitalHumanId: "dh-1", ConfigId: "web" };
            const r = await zego(ctx.url, "CreateDigitalHumanAgentInstance", instanceBody(1, { DigitalHuman: dh }));
            expect(r.code).to.equal(0);
            expect(r.data.AgentInstanceId).to.match(/^\d{19}$/);
            // The documented shape: the docs' response example decodes to {DigitalHumanId, Streams: [...]}.
            const config = JSON.parse(Buffer.from(r.data.DigitalHumanConfig, "base64").toString("utf8"));
            expect(config).to.deep.equal({
                DigitalHumanId: "dh-1",
                Streams: [{ RoomId: "room1", StreamId: "agent_stream_1", EncodeCode: "H264", ConfigId: "web" }],
            });
            const noDh = await zego(ctx.url, "CreateDigitalHumanAgentInstance", instanceBody(2));
            expect(noDh.json!.Message).to.contain("DigitalHuman");
            const disabled = await zego(
                ctx.url,
                "CreateDigitalHumanAgentInstance",
                instanceBody(3, { DigitalHuman: dh, AdvancedConfig: { DisableTTS: true } }),
            );
            expect(disabled.code).to.equal(410000003);
            expect(disabled.json!.Message).to.contain("AdvancedConfig.DisableTTS");
            expect(ctx.em.instances().map((i) => i.action)).to.deep.equal(["CreateDigitalHumanAgentInstance"]);
        });

        it("CreateLiveDigitalHumanAgentInstance is answered too; other control of it → 410001049", async () => {
            const r = await zego(ctx.url, "CreateLiveDigitalHumanAgentInstance", {
                AgentId: "agent-1",
                DigitalHuman: { DigitalHumanId: "dh-1" },
                RTC: { RoomId: "r", AgentStreamId: "s", AgentUserId: "u" },
            });
            expect(r.code).to.equal(0);
            const id = r.data.AgentInstanceId;
            expect((await zego(ctx.url, "SendAgentInstanceTTS", { AgentInstanceId: id, Text: "hi" })).code).to.equal(0);
            expect((await zego(ctx.url, "InterruptAgentInstance", { AgentInstanceId: id })).code).to.equal(410001049);
            expect((await zego(ctx.url, "DeleteAgentInstance", { AgentInstanceId: id })).code).to.equal(0);
        });

        it("digital humans have their own limit (410001031), apart from the instances' (410000011)", async () => {
            const dh = (n: number) => instanceBody(n, { DigitalHuman: { DigitalHumanId: "dh-1" } });
            const live = (n: number) => ({
                AgentId: "agent-1",
                DigitalHuman: { DigitalHumanId: "dh-1" },
                RTC: { ...rtc(n), UserStreamId: undefined },
            });
            ctx.em.setOptions({ digitalHumanConcurrencyLimit: 2 });
            const plain = [await createInstance(ctx.url, 1), await createInstance(ctx.url, 2), await createInstance(ctx.url, 3)];
            expect((await zego(ctx.url, "CreateDigitalHumanAgentInstance", dh(4))).code).to.equal(
                0,
                "the instance pool is full, not theirs",
            );
            expect((await zego(ctx.url, "CreateLiveDigitalHumanAgentInstance", live(5))).code).to.equal(0);
            const over = await zego(ctx.url, "CreateDigitalHumanAgentInstance", dh(6));
            expect(over.code).to.equal(410001031);
            expect(over.json!.Message).to.contain("limit is 2");
            expect((await zego(ctx.url, "CreateLiveDigitalHumanAgentInstance", live(6))).code).to.equal(410001031);
            expect((await zego(ctx.url, "CreateAgentInstance", instanceBody(6))).code).to.equal(410000011);
            expect((await zego(ctx.url, "DeleteAgentInstance", { AgentInstanceId: plain[0] })).code).to.equal(0);
            expect((await zego(ctx.url, "CreateDigitalHumanAgentInstance", dh(6))).code).to.equal(
                410001031,
                "a freed instance slot is not theirs",
            );
            expect(ctx.em.options().digitalHumanConcurrencyLimit).to.equal(2);
        });

        it("a digital human's AgentStreamId in use → 410001030, nothing created, nobody kicked", async () => {
            const first = await createInstance(ctx.url, 1);
            const dh = { DigitalHumanId: "dh-1" };
            const sameStream = await zego(
                ctx.url,
                "CreateDigitalHumanAgentInstance",
                instanceBody(2, { RTC: { ...rtc(2), AgentStreamId: "agent_stream_1" }, DigitalHuman: dh }),
            );
            expect(sameStream.code).to.equal(410001030);
            expect(sameStream.json!.Message).to.contain("agent_stream_1");
            const live = await zego(ctx.url, "CreateLiveDigitalHumanAgentInstance", {
                AgentId: "agent-1",
                DigitalHuman: dh,
                RTC: { RoomId: "r", AgentStreamId: "agent_stream_1", AgentUserId: "agent_user_1" },
            });
            expect(live.code).to.equal(410001030);
            expect(ctx.em.instances().map((i) => [i.agentInstanceId, i.state])).to.deep.equal([[first, "live"]]);
        });

        it("a CDN-only live digital human: DigitalHumanConfig has no stream", async () => {
            const r = await zego(ctx.url, "CreateLiveDigitalHumanAgentInstance", {
                AgentId: "agent-1",
                DigitalHuman: { DigitalHumanId: "dh-2", ConfigId: "mobile" },
                CDN: { Url: "rtmp://push.example.com/live/key" },
            });
            expect(r.code).to.equal(0);
            expect(JSON.parse(Buffer.from(r.data.DigitalHumanConfig, "base64").toString("utf8"))).to.deep.equal({
                DigitalHumanId: "dh-2",
                Streams: [],
            });
        });

        it("concurrency limit across live + shutting-down instances → 410000011", async () => {
            const ids = [await createInstance(ctx.url, 1), await createInstance(ctx.url, 2), await createInstance(ctx.url, 3)];
            const over = await zego(ctx.url, "CreateAgentInstance", instanceBody(4));
            expect(over.code).to.equal(410000011);
            ctx.em.setBusy(must(ids[0], "ids[0]"), { seconds: 30 });
            expect((await zego(ctx.url, "DeleteAgentInstance", { AgentInstanceId: ids[0], GracefulShutdown: true })).code).to.equal(0);
            expect((await zego(ctx.url, "CreateAgentInstance", instanceBody(4))).code).to.equal(
                410000011,
                "a shutting-down instance still counts",
            );
            expect((await zego(ctx.url, "DeleteAgentInstance", { AgentInstanceId: ids[1] })).code).to.equal(0);
            expect((await zego(ctx.url, "CreateAgentInstance", instanceBody(4))).code).to.equal(0);
            expect(ctx.em.stats().maxLive).to.equal(3);
        });

        it("reusing a live instance's AgentUserId kicks the earlier instance", async () => {
            const first = await createInstance(ctx.url, 1);
            const second = await createInstance(ctx.url, 2, { RTC: { ...rtc(2), AgentUserId: rtc(1).AgentUserId } });
            const kicked = ctx.em.instances().find((i) => i.agentInstanceId === first)!;
            expect(kicked).to.include({ state: "deleted", deletedReason: "kicked", kickedBy: second });
            expect((await zego(ctx.url, "QueryAgentInstanceStatus", { AgentInstanceId: first })).code).to.equal(410001002);
            expect(ctx.em.liveInstances().map((i) => i.agentInstanceId)).to.deep.equal([second]);
        });

        it("reusing a live instance's AgentStreamId makes the later one's streaming fail", async () => {
            await createInstance(ctx.url, 1);
            const second = await createInstance(ctx.url, 2, { RTC: { ...rtc(2), AgentStreamId: rtc(1).AgentStreamId } });
            const inst = ctx.em.instances().find((i) => i.agentInstanceId === second)!;
            expect(inst.state).to.equal("live");
            expect(inst.streamFailed).to.equal(true);
        });

        it("strictUniqueness rejects reused AgentUserId / AgentStreamId with 410000003", async () => {
            ctx.em.setOptions({ strictUniqueness: true });
            await createInstance(ctx.url, 1);
            const user = await zego(
                ctx.url,
                "CreateAgentInstance",
                instanceBody(2, { RTC: { ...rtc(2), AgentUserId: rtc(1).AgentUserId } }),
            );
            expect(user.code).to.equal(410000003);
            expect(user.json!.Message).to.contain("RTC.AgentUserId");
            const stream = await zego(
                ctx.url,
                "CreateAgentInstance",
                instanceBody(3, { RTC: { ...rtc(3), AgentStreamId: rtc(1).AgentStreamId } }),
            );
            expect(stream.json!.Message).to.contain("RTC.AgentStreamId");
        });

        it("duplicateCreations ignores key order and secrets, and needs the whole body to match", async () => {
            const body = instanceBody(1, { LLM });
            expect((await zego(ctx.url, "CreateAgentInstance", body)).code).to.equal(0);
            const { RTC, ...rest } = body;
            const reordered = {
                RTC: { UserStreamId: RTC.UserStreamId, AgentUserId: RTC.AgentUserId, AgentStreamId: RTC.AgentStreamId, RoomId: RTC.RoomId },
                ...rest,
                LLM: { ...LLM, ApiKey: "sk-other" },
            };
            expect((await zego(ctx.url, "CreateAgentInstance", reordered)).code).to.equal(0);
            expect(ctx.em.stats().duplicateCreations).to.equal(1);
            expect((await zego(ctx.url, "CreateAgentInstance", instanceBody(2, { LLM }))).code).to.equal(0);
            expect(ctx.em.stats().duplicateCreations).to.equal(1);
        });

        it("duplicateCreations counts an orphan of a retried create", async () => {
            ctx.em.setOptions({ concurrencyLimit: 10 });
            const body = instanceBody(1, { LLM });
            const a = await zego(ctx.url, "CreateAgentInstance", body);
            const b = await zego(ctx.url, "CreateAgentInstance", { ...body, LLM: { ...LLM, ApiKey: "sk-rotated" } });
            expect(b.code).to.equal(0);
            expect(ctx.em.stats().duplicateCreations).to.equal(1);
            const second = ctx.em.instances().find((i) => i.agentInstanceId === b.data.AgentInstanceId)!;
            expect(second.duplicateOf).to.equal(a.data.AgentInstanceId);
            // Same AgentUserId: the earlier one was kicked, as the docs say.
            expect(ctx.em.instances().find((i) => i.agentInstanceId === a.data.AgentInstanceId)!.deletedReason).to.equal("kicked");
            // Not a duplicate once the first is gone.
            await zego(ctx.url, "DeleteAgentInstance", { AgentInstanceId: b.data.AgentInstanceId });
            await zego(ctx.url, "CreateAgentInstance", body);
            expect(ctx.em.stats().duplicateCreations).to.equal(1);
        });
    });

    describe("update", () => {
        it("updates LLM, TTS, ASR and RTC.UserStreamId", async () => {
            const id = await createInstance(ctx.url, 1, { TTS });
            const r = await zego(ctx.url, "UpdateAgentInstance", {
                AgentInstanceId: id,
                LLM: { ...LLM, Model: "m2" },
                TTS: { ...TTS, Params: { ...TTS.Params, speaker: "y" } },
                ASR: { Vendor: "Microsoft" },
                RTC: { UserStreamId: "new_stream" },
            });
            expect(r.code).to.equal(0);
            const inst = must(ctx.em.instances()[0], "ctx.em.instances()[0]");
            expect(inst.updates).to.equal(1);
            expect((inst.config.LLM as Record<string, unknown>).Model).to.equal("m2");
            expect((inst.config.RTC as Record<string, unknown>).UserStreamId).to.equal("new_stream");
            expect((inst.config.ASR as Record<string, unknown>).Vendor).to.equal("Microsoft");
        });

        it("anything else in the body → 410000003 naming the field", async () => {
            const id = await createInstance(ctx.url, 1);
            for (const [body, field] of [
                [{ VAD: {} }, "VAD"],
                [{ AdvancedConfig: { InterruptMode: 1 } }, "AdvancedConfig"],
                [{ MessageHistory: {} }, "MessageHistory"],
                [{ RTC: { RoomId: "other", UserStreamId: "x" } }, "RTC.RoomId"],
            ] as const) {
                const r = await zego(ctx.url, "UpdateAgentInstance", { AgentInstanceId: id, ...body });
                expect(r.code).to.equal(410000003);
                expect(r.json!.Message).to.contain(field);
            }
        });

        it("TTS Vendor, FilterText, TerminatorText and CharacterFilter cannot change → 410000003 naming the field", async () => {
            const tts = { ...TTS, FilterText: [{ BeginCharacters: "(", EndCharacters: ")" }], TerminatorText: "#", CharacterFilter: ["*"] };
            const id = await createInstance(ctx.url, 1, { TTS: tts });
            const changes: [Record<string, unknown>, string][] = [
                [{ Vendor: "MiniMax" }, "TTS.Vendor"],
                [{ FilterText: [] }, "TTS.FilterText"],
                [{ TerminatorText: "$" }, "TTS.TerminatorText"],
                [{ CharacterFilter: ["~"] }, "TTS.CharacterFilter"],
            ];
            for (const [change, field] of changes) {
                const r = await zego(ctx.url, "UpdateAgentInstance", { AgentInstanceId: id, TTS: { ...tts, ...change } });
                expect(r.code).to.equal(410000003);
                expect(r.json!.Message).to.contain(field);
            }
            expect(
                (await zego(ctx.url, "UpdateAgentInstance", { AgentInstanceId: id, TTS: { ...tts, Url: "https://tts.example.com" } })).code,
            ).to.equal(0);
        });

        it("an unknown instance → 410001002", async () => {
            expect((await zego(ctx.url, "UpdateAgentInstance", { AgentInstanceId: "1234567890123456789" })).code).to.equal(410001002);
        });
    });

    describe("delete and status", () => {
        it("QueryAgentInstanceStatus → Data.Status string; Delete → gone → 410001002 for every instance action", async () => {
            const id = await createInstance(ctx.url, 1);
            const status = await zego(ctx.url, "QueryAgentInstanceStatus", { AgentInstanceId: id });
            expect(status.data).to.deep.equal({ Status: "IDLE" });
            expect((await zego(ctx.url, "DeleteAgentInstance", { AgentInstanceId: id })).code).to.equal(0);
            const inst = must(ctx.em.instances()[0], "ctx.em.instances()[0]");
            expect(inst).to.include({ state: "deleted", deletedReason: "api" });
            expect(inst.deleteRequest).to.include({ GracefulShutdown: false, GracefulShutdownTimeout: 30 });
            const actions: [string, Record<string, unknown>][] = [
                ["DeleteAgentInstance", {}],
                ["QueryAgentInstanceStatus", {}],
                ["UpdateAgentInstance", {}],
                ["SendAgentInstanceLLM", { Text: "hi" }],
                ["SendAgentInstanceTTS", { Text: "hi" }],
                ["InterruptAgentInstance", {}],
                ["GetAgentInstanceMsgList", {}],
                ["ResetAgentInstanceMsgList", {}],
                ["AddAgentInstanceMsg", { Messages: [] }],
                ["StartListening", {}],
                ["StopListening", {}],
            ];
            for (const [action, extra] of actions) {
                const r = await zego(ctx.url, action, { AgentInstanceId: id, ...extra });
                expect(r.code, action).to.equal(410001002);
            }
        });

        it("validates GracefulShutdownTimeout 1..120", async () => {
            const id = await createInstance(ctx.url, 1);
            const r = await zego(ctx.url, "DeleteAgentInstance", {
                AgentInstanceId: id,
                GracefulShutdown: true,
                GracefulShutdownTimeout: 121,
            });
            expect(r.code).to.equal(410000003);
            expect(r.json!.Message).to.contain("GracefulShutdownTimeout");
        });
    });

    describe("instance control", () => {
        it("SendAgentInstanceLLM/TTS → Round and the agent talks; Interrupt → IDLE", async () => {
            const id = await createInstance(ctx.url, 1);
            const llm = await zego(ctx.url, "SendAgentInstanceLLM", { AgentInstanceId: id, Text: "hello", AddQuestionToHistory: true });
            expect(llm.data).to.deep.equal({ Round: 1 });
            expect((await zego(ctx.url, "QueryAgentInstanceStatus", { AgentInstanceId: id })).data.Status).to.equal("THINKING");
            const tts = await zego(ctx.url, "SendAgentInstanceTTS", { AgentInstanceId: id, Text: "spoken" });
            expect(tts.data).to.deep.equal({ Round: 2 });
            expect((await zego(ctx.url, "QueryAgentInstanceStatus", { AgentInstanceId: id })).data.Status).to.equal("SPEAKING");
            const interrupt = await zego(ctx.url, "InterruptAgentInstance", { AgentInstanceId: id });
            expect(interrupt.data).to.deep.equal({ Round: 2 });
            expect((await zego(ctx.url, "QueryAgentInstanceStatus", { AgentInstanceId: id })).data.Status).to.equal("IDLE");
            const tooLong = await zego(ctx.url, "SendAgentInstanceTTS", { AgentInstanceId: id, Text: "x".repeat(301) });
            expect(tooLong.code).to.equal(410000003);
            expect(tooLong.json!.Message).to.contain("Text");
        });

        it("message list: initial Messages, LLM/TTS history, add and reset", async () => {
            const id = await createInstance(ctx.url, 1, {
                MessageHistory: { SyncMode: 1, Messages: [{ Role: "user", Content: "m0" }], WindowSize: 10 },
            });
            await zego(ctx.url, "SendAgentInstanceTTS", { AgentInstanceId: id, Text: "t1" });
            await zego(ctx.url, "AddAgentInstanceMsg", { AgentInstanceId: id, Messages: [{ Role: "user", Content: "m1" }] });
            const list = await zego(ctx.url, "GetAgentInstanceMsgList", { AgentInstanceId: id });
            expect(list.data).to.deep.equal({
                Total: 3,
                MessageList: [
                    { Role: "user", Content: "m0" },
                    { Role: "assistant", Content: "t1" },
                    { Role: "user", Content: "m1" },
                ],
            });
            const badRole = await zego(ctx.url, "AddAgentInstanceMsg", {
                AgentInstanceId: id,
                Messages: [{ Role: "system", Content: "x" }],
            });
            expect(badRole.json!.Message).to.contain("Messages[0].Role");
            expect((await zego(ctx.url, "ResetAgentInstanceMsgList", { AgentInstanceId: id })).code).to.equal(0);
            expect((await zego(ctx.url, "GetAgentInstanceMsgList", { AgentInstanceId: id })).data.Total).to.equal(0);
        });

        it("the listening Sequence grows per UserId (each user/device independently), not per instance", async () => {
            const walkie = await createInstance(ctx.url, 1, { AdvancedConfig: { CommunicationMode: 2 } });
            const listen = (action: string, body: Record<string, unknown>) => zego(ctx.url, action, { AgentInstanceId: walkie, ...body });
            expect((await listen("StartListening", { UserId: "alice", Sequence: 7 })).code).to.equal(0);
            expect((await listen("StopListening", { UserId: "bob", Sequence: 1 })).code).to.equal(0, "bob's count is his own");
            expect((await listen("StartListening", { UserId: "bob", Sequence: 1 })).code).to.equal(410001043);
            const stale = await listen("StopListening", { UserId: "alice", Sequence: 7 });
            expect(stale.code).to.equal(410001043);
            expect(stale.json!.Message).to.contain('"alice"');
            expect((await listen("StopListening", { UserId: "alice", Sequence: 8 })).code).to.equal(0);
        });

        it("Start/StopListening without UserId use the creating UserId (start-listening.yaml)", async () => {
            // instanceBody(1) creates with UserId "user_1".
            const walkie = await createInstance(ctx.url, 1, { AdvancedConfig: { CommunicationMode: 2 } });
            const listen = (action: string, body: Record<string, unknown>) => zego(ctx.url, action, { AgentInstanceId: walkie, ...body });
            expect((await listen("StartListening", { UserId: "user_1", Sequence: 5 })).code).to.equal(0);
            const stale = await listen("StopListening", { Sequence: 5 });
            expect(stale.code).to.equal(410001043, "no UserId is user_1, whose last Sequence was 5");
            expect(stale.json!.Message).to.contain('"user_1"');
            expect((await listen("StopListening", { Sequence: 6 })).code).to.equal(0);
            expect((await listen("StartListening", { UserId: "user_1", Sequence: 6 })).code).to.equal(410001043);
        });

        it("Priority: High plays while LISTENING; Enqueue waits at most 5 turns; a higher priority interrupts", async () => {
            const walkie = await createInstance(ctx.url, 1, { AdvancedConfig: { CommunicationMode: 2 } });
            const status = async (id: string) => (await zego(ctx.url, "QueryAgentInstanceStatus", { AgentInstanceId: id })).data.Status;
            expect((await zego(ctx.url, "StartListening", { AgentInstanceId: walkie, Sequence: 1 })).code).to.equal(0);
            expect((await zego(ctx.url, "SendAgentInstanceTTS", { AgentInstanceId: walkie, Text: "x" })).code).to.equal(410001013);
            const high = await zego(ctx.url, "SendAgentInstanceTTS", { AgentInstanceId: walkie, Text: "Time's up", Priority: "High" });
            expect(high.code).to.equal(0, "High plays regardless of whether the user and AI are speaking");
            expect(await status(walkie)).to.equal("SPEAKING");

            const id = await createInstance(ctx.url, 2);
            const tts = (extra: Record<string, unknown>) =>
                zego(ctx.url, "SendAgentInstanceTTS", { AgentInstanceId: id, Text: "t", ...extra });
            expect((await tts({})).code).to.equal(0);
            for (let i = 0; i < 5; i++) expect((await tts({ SamePriorityOption: "Enqueue" })).code).to.equal(0, `queued turn ${i + 1}`);
            const full = await tts({ SamePriorityOption: "Enqueue" });
            expect(full.code).to.equal(410001007);
            expect(full.json!.Message).to.contain("5 turns queued");
            expect((await tts({ Priority: "Low" })).code).to.equal(410001007, "a lower priority waits too, and the queue is full");
            expect((await tts({ Priority: "High" })).code).to.equal(0, "a higher priority clears and interrupts");
            expect((await tts({ SamePriorityOption: "Enqueue", Priority: "High" })).code).to.equal(0);
            const llm = await zego(ctx.url, "SendAgentInstanceLLM", { AgentInstanceId: id, Text: "q", Priority: "Low" });
            expect(llm.code).to.equal(0, "the queue holds 1 turn after the High interrupt");
        });

        it("AddAgentInstanceMsg needs only AgentInstanceId (add-agent-instance-msg.yaml)", async () => {
            const id = await createInstance(ctx.url, 1);
            expect((await zego(ctx.url, "AddAgentInstanceMsg", { AgentInstanceId: id })).code).to.equal(0);
            expect((await zego(ctx.url, "GetAgentInstanceMsgList", { AgentInstanceId: id })).data).to.deep.equal({
                Total: 0,
                MessageList: [],
            });
        });

        it("Start/StopListening need CommunicationMode 2 (410001042) and a growing Sequence (410001043)", async () => {
            const duplex = await createInstance(ctx.url, 1);
            expect((await zego(ctx.url, "StartListening", { AgentInstanceId: duplex })).code).to.equal(410001042);
            const walkie = await createInstance(ctx.url, 2, { AdvancedConfig: { CommunicationMode: 2 } });
            expect((await zego(ctx.url, "StartListening", { AgentInstanceId: walkie, Sequence: 5 })).code).to.equal(0);
            expect((await zego(ctx.url, "QueryAgentInstanceStatus", { AgentInstanceId: walkie })).data.Status).to.equal("LISTENING");
            expect((await zego(ctx.url, "SendAgentInstanceTTS", { AgentInstanceId: walkie, Text: "x" })).code).to.equal(410001013);
            expect((await zego(ctx.url, "StopListening", { AgentInstanceId: walkie, Sequence: 5 })).code).to.equal(410001043);
            expect((await zego(ctx.url, "StopListening", { AgentInstanceId: walkie, Sequence: 6 })).code).to.equal(0);
            expect((await zego(ctx.url, "QueryAgentInstanceStatus", { AgentInstanceId: walkie })).data.Status).to.equal("THINKING");
        });

        it("SendAgentInstanceTTS on an instance with DisableTTS → 410001007", async () => {
            const id = await createInstance(ctx.url, 1, { AdvancedConfig: { DisableTTS: true } });
            expect((await zego(ctx.url, "SendAgentInstanceTTS", { AgentInstanceId: id, Text: "x" })).code).to.equal(410001007);
        });
    });

    it("ids stay unique and 19 digits under an injected clock at the epoch (fake timers)", async () => {
        const em = await startEmulator({ appId: APP_ID, serverSecret: SECRET, now: () => 0, timestampWindowSeconds: 0 });
        try {
            const r = await zego(em.url, "RegisterAgent", { AgentId: "x" }, { nowMs: 0 });
            expect(r.json!.RequestId).to.match(/^\d{19}$/);
            const a = await zego(em.url, "CreateAgentInstance", { ...instanceBody(1), AgentId: "x" }, { nowMs: 0 });
            const b = await zego(em.url, "CreateAgentInstance", { ...instanceBody(2), AgentId: "x" }, { nowMs: 0 });
            expect(a.data.AgentInstanceId).to.match(/^\d{19}$/);
            expect(b.data.AgentInstanceId).to.match(/^\d{19}$/);
            expect(a.data.AgentInstanceId).not.to.equal(b.data.AgentInstanceId);
        } finally {
            await em.close();
        }
    });
});
