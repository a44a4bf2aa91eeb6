import { expect } from "chai";
import { CreateAgentInstanceRequest, ZegoApiError } from "../../../provider/client";
import { instantClock, makeClient, rejection, SECRET, TestClient } from "./helpers";
import { ok, ScriptedPeer, SEEN_SIGNATURES } from "./peer";
import { must } from "../../must";

/** Vendor objects with keys in every style: they must cross the wire exactly as given. */
const LLM_PARAMS = { max_tokens: 16384, topK: 3, Nested: { some_key: [1, { deepKey: "v" }] } };
const TTS_PARAMS = {
    app: { appid: "tts-app", token: "tts-token", cluster: "volcano_tts" },
    audio: { voice_type: "zh_female", speed_ratio: 1.1 },
    extraCamel: true,
};
const ASR_PARAMS = { hotword_list: "ZEGO|10", vadSilenceTime: 500 };
const AGENT_EXTRA_INFO = { userTier: "gold", nested: { a_b: 1 } };
const TTS_PARAM_PATHS = { "audio.emotion": "llm.emotion", "Voice.Speed": "x" };

const FULL_REQUEST: CreateAgentInstanceRequest = {
    agentId: "agent-1",
    userId: "user_1",
    rtc: {
        roomId: "room-1",
        agentStreamId: "agent-stream-1",
        agentUserId: "agent-user-1",
        userStreamId: "user-stream-1",
        streamExtraInfo: "x",
    },
    llm: {
        vendor: "OpenAIChat",
        url: "https://llm.example.com/v1/chat/completions",
        apiKey: "sk-llm",
        model: "m",
        temperature: 0.5,
        params: LLM_PARAMS,
        addAgentInfo: true,
        agentExtraInfo: AGENT_EXTRA_INFO,
    },
    tts: { vendor: "ByteDanceV3", params: TTS_PARAMS, filterText: [{ beginCharacters: "(", endCharacters: ")" }], terminatorText: "#" },
    asr: { vendor: "Tencent", params: ASR_PARAMS },
    vad: {
        turnDetectConfig: { silenceSegmentation: 600 },
        voiceDetectConfig: { sensitiveConfig: { level: 3, minSpeechDur: 100, energyThreshold: 0.2 } },
    },
    messageHistory: { syncMode: 1, messages: [{ role: "user", content: "hi" }], windowSize: 10 },
    callbackConfig: { asrResult: 1, agentInstanceStatus: 1 },
    advancedConfig: { maxIdleTime: 300, disableTts: false, communicationMode: 2, ttsParamPaths: TTS_PARAM_PATHS, addAsrInfo: true },
};

const FULL_WIRE = {
    AgentId: "agent-1",
    UserId: "user_1",
    RTC: {
        RoomId: "room-1",
        AgentStreamId: "agent-stream-1",
        AgentUserId: "agent-user-1",
        UserStreamId: "user-stream-1",
        StreamExtraInfo: "x",
    },
    LLM: {
        Vendor: "OpenAIChat",
        Url: "https://llm.example.com/v1/chat/completions",
        ApiKey: "sk-llm",
        Model: "m",
        Temperature: 0.5,
        Params: LLM_PARAMS,
        AddAgentInfo: true,
        AgentExtraInfo: AGENT_EXTRA_INFO,
    },
    TTS: { Vendor: "ByteDanceV3", Params: TTS_PARAMS, FilterText: [{ BeginCharacters: "(", EndCharacters: ")" }], TerminatorText: "#" },
    ASR: { Vendor: "Tencent", Params: ASR_PARAMS },
    VAD: {
        TurnDetectConfig: { SilenceSegmentation: 600 },
        VoiceDetectConfig: { SensitiveConfig: { Level: 3, MinSpeechDur: 100, EnergyThreshold: 0.2 } },
    },
    MessageHistory: { SyncMode: 1, Messages: [{ Role: "user", Content: "hi" }], WindowSize: 10 },
    CallbackConfig: { ASRResult: 1, AgentInstanceStatus: 1 },
    AdvancedConfig: { MaxIdleTime: 300, DisableTTS: false, CommunicationMode: 2, TTSParamPaths: TTS_PARAM_PATHS, AddASRInfo: true },
};

describe("client: calls", () => {
    let peer: ScriptedPeer;
    let tc: TestClient;
    beforeEach(async () => {
        peer = await ScriptedPeer.start();
        tc = makeClient(peer);
    });
    afterEach(async () => {
        tc.client.close();
        await peer.stop();
    });

    it("maps camelCase to ZEGO's PascalCase and passes vendor objects through untouched", async () => {
        peer.script(ok({ AgentInstanceId: "1912122918452641792" }));
        expect(await tc.client.createAgentInstance(FULL_REQUEST)).to.deep.equal({ agentInstanceId: "1912122918452641792" });
        expect(must(peer.received[0], "peer.received[0]").action).to.equal("CreateAgentInstance");
        expect(must(peer.received[0], "peer.received[0]").body).to.deep.equal(FULL_WIRE);
    });

    it("maps responses back to camelCase, vendor objects untouched", async () => {
        const wireAgent = {
            AgentId: "a1",
            Name: "A",
            LLM: { Url: "u", ApiKey: "k", Model: "m", Params: LLM_PARAMS },
            TTS: { Vendor: "MiniMax", Params: TTS_PARAMS },
            ASR: { Params: ASR_PARAMS },
            Unknown: 1,
        };
        peer.script(ok({ Agents: [wireAgent] }));
        const agents = await tc.client.queryAgents(["a1"]);
        expect(agents).to.deep.equal([
            {
                agentId: "a1",
                name: "A",
                llm: { url: "u", apiKey: "k", model: "m", params: LLM_PARAMS },
                tts: { vendor: "MiniMax", params: TTS_PARAMS },
                asr: { params: ASR_PARAMS },
            },
        ]);
        expect(must(peer.received[0], "peer.received[0]").body).to.deep.equal({ AgentIds: ["a1"] });
    });

    it("sends each typed method as its action, with the documented body, and maps Data", async () => {
        const cases: Array<[() => Promise<unknown>, string, unknown, unknown, unknown]> = [
            [() => tc.client.registerAgent({ agentId: "a", name: "n" }), "RegisterAgent", { AgentId: "a", Name: "n" }, null, undefined],
            [
                () => tc.client.updateAgent({ agentId: "a", asr: { vendor: "Microsoft" } }),
                "UpdateAgent",
                { AgentId: "a", ASR: { Vendor: "Microsoft" } },
                null,
                undefined,
            ],
            [() => tc.client.unregisterAgent("a"), "UnregisterAgent", { AgentId: "a" }, null, undefined],
            [
                () => tc.client.listAgents({ limit: 2, cursor: "" }),
                "ListAgents",
                { Limit: 2, Cursor: "" },
                { Total: 3, Agents: [{ AgentId: "a" }], Cursor: "c1" },
                { total: 3, agents: [{ agentId: "a" }], cursor: "c1" },
            ],
            [() => tc.client.listAgents(), "ListAgents", {}, { Total: 0, Agents: [], Cursor: "" }, { total: 0, agents: [], cursor: "" }],
            [
                () =>
                    tc.client.createDigitalHumanAgentInstance({ ...FULL_REQUEST, digitalHuman: { digitalHumanId: "dh", configId: "web" } }),
                "CreateDigitalHumanAgentInstance",
                { ...FULL_WIRE, DigitalHuman: { DigitalHumanId: "dh", ConfigId: "web" } },
                { AgentInstanceId: "9", DigitalHumanConfig: "YmFzZTY0" },
                { agentInstanceId: "9", digitalHumanConfig: "YmFzZTY0" },
            ],
            [
                () => tc.client.updateAgentInstance({ agentInstanceId: "9", rtc: { userStreamId: "s2" } }),
                "UpdateAgentInstance",
                { AgentInstanceId: "9", RTC: { UserStreamId: "s2" } },
                null,
                undefined,
            ],
            [
                () => tc.client.deleteAgentInstance({ agentInstanceId: "9", gracefulShutdown: true, gracefulShutdownTimeout: 30 }),
                "DeleteAgentInstance",
                { AgentInstanceId: "9", GracefulShutdown: true, GracefulShutdownTimeout: 30 },
                null,
                undefined,
            ],
            [
                () => tc.client.queryAgentInstanceStatus("9"),
                "QueryAgentInstanceStatus",
                { AgentInstanceId: "9" },
                { Status: "SPEAKING" },
                { status: "SPEAKING" },
            ],
            [
                () => tc.client.sendAgentInstanceLlm({ agentInstanceId: "9", text: "hi", priority: "High" }),
                "SendAgentInstanceLLM",
                { AgentInstanceId: "9", Text: "hi", Priority: "High" },
                { Round: 4 },
                { round: 4 },
            ],
            [
                () => tc.client.sendAgentInstanceTts({ agentInstanceId: "9", text: "hi", addHistory: false }),
                "SendAgentInstanceTTS",
                { AgentInstanceId: "9", Text: "hi", AddHistory: false },
                { Round: 5 },
                { round: 5 },
            ],
            [() => tc.client.interruptAgentInstance("9"), "InterruptAgentInstance", { AgentInstanceId: "9" }, { Round: 6 }, { round: 6 }],
            [
                () => tc.client.getAgentInstanceMsgList("9"),
                "GetAgentInstanceMsgList",
                { AgentInstanceId: "9" },
                { Total: 1, MessageList: [{ Role: "assistant", Content: "yo" }] },
                { total: 1, messageList: [{ role: "assistant", content: "yo" }] },
            ],
            [() => tc.client.resetAgentInstanceMsgList("9"), "ResetAgentInstanceMsgList", { AgentInstanceId: "9" }, null, undefined],
            [
                () => tc.client.addAgentInstanceMsg({ agentInstanceId: "9", messages: [{ role: "user", content: "q" }] }),
                "AddAgentInstanceMsg",
                { AgentInstanceId: "9", Messages: [{ Role: "user", Content: "q" }] },
                null,
                undefined,
            ],
            [
                () => tc.client.startListening({ agentInstanceId: "9", sequence: 1 }),
                "StartListening",
                { AgentInstanceId: "9", Sequence: 1 },
                { Round: 7 },
                { round: 7 },
            ],
            [
                () => tc.client.stopListening({ agentInstanceId: "9", userId: "u", sequence: 2 }),
                "StopListening",
                { AgentInstanceId: "9", UserId: "u", Sequence: 2 },
                {},
                {},
            ],
        ];
        for (const [call, action, wireBody, data, expected] of cases) {
            peer.script(ok(data));
            const result = await call();
            const sent = must(peer.received[peer.received.length - 1], "the request sent");
            expect(sent.action, action).to.equal(action);
            expect(sent.body, action).to.deep.equal(wireBody);
            expect(result, action).to.deep.equal(expected);
        }
    });

    it("call() speaks any action, camelCase in and out", async () => {
        peer.script(ok({ Total: 2, MessageList: [] }));
        expect(await tc.client.call("GetAgentInstanceMsgList", { agentInstanceId: "9" })).to.deep.equal({ total: 2, messageList: [] });
    });

    it("follows cursors in listAllAgents", async () => {
        peer.script(
            ok({ Total: 3, Agents: [{ AgentId: "a" }, { AgentId: "b" }], Cursor: "c1" }),
            ok({ Total: 3, Agents: [{ AgentId: "c" }], Cursor: "" }),
        );
        const agents = await tc.client.listAllAgents();
        expect(agents.map((a) => a.agentId)).to.deep.equal(["a", "b", "c"]);
        expect(peer.received.map((r) => r.body)).to.deep.equal([
            { Limit: 10, Cursor: "" },
            { Limit: 10, Cursor: "c1" },
        ]);
    });

    it("stops listing when a cursor repeats", async () => {
        peer.fallback = ok({ Total: 9, Agents: [{ AgentId: "a" }], Cursor: "same" });
        const err = await rejection(tc.client.listAllAgents());
        expect(err.message).to.include('ZEGO returned the Cursor "same" twice');
        expect(peer.received).to.have.length(2);
    });

    it("asks QueryAgents 10 ids at a time, and not at all for none", async () => {
        const ids = Array.from({ length: 23 }, (_, i) => `a${i}`);
        peer.fallback = (req) => ok({ Agents: (req.body as { AgentIds: string[] }).AgentIds.map((id) => ({ AgentId: id })) });
        const agents = await tc.client.queryAgents(ids);
        expect(agents.map((a) => a.agentId)).to.deep.equal(ids);
        expect(peer.received.map((r) => (r.body as { AgentIds: string[] }).AgentIds.length)).to.deep.equal([10, 10, 3]);
        expect(await tc.client.queryAgents([])).to.deep.equal([]);
        expect(peer.received).to.have.length(3);
    });

    it("fails a status query whose answer has no Status", async () => {
        peer.script(ok({}));
        const err = (await rejection(tc.client.queryAgentInstanceStatus("9"))) as ZegoApiError;
        expect(err.message).to.include("QueryAgentInstanceStatus failed: ZEGO answered Code 0 (success) but the response has no Status");
    });

    it("reports events and stats without secrets, and survives a throwing listener", async () => {
        peer.script({ status: 503, body: "" }, ok({ Round: 1 }));
        const clock = instantClock();
        const fast = makeClient(peer, { clock });
        await fast.client.interruptAgentInstance("9");
        fast.client.close();
        expect(fast.events.map((e) => e.type)).to.deep.equal(["request", "response", "retry", "request", "response"]);
        // The retry event announces the wait the client then scheduled on its clock.
        expect(clock.waits)
            .to.have.length(1)
            .and.to.deep.equal([must(fast.events[2], "fast.events[2]").delayMs]);
        expect(fast.events[1]).to.include({ action: "InterruptAgentInstance", attempt: 1, httpStatus: 503, reason: "HTTP 503" });
        expect(fast.events[4]).to.include({ attempt: 2, httpStatus: 200, code: 0, requestId: "req-ok" });
        expect(must(fast.events[4], "fast.events[4]").durationMs).to.be.a("number");
        const text = JSON.stringify(fast.events);
        expect(text).not.to.include(SECRET);
        expect(text).not.to.match(/Signature|\?Action=/);
        for (const s of SEEN_SIGNATURES) expect(text).not.to.include(s);
        expect(fast.client.stats).to.deep.equal({ requests: 2, retries: 1, throttled: 0 });

        const throwing = makeClient(peer, {
            onEvent: () => {
                throw new Error("listener bug");
            },
        });
        peer.script(ok({ Round: 2 }));
        expect(await throwing.client.interruptAgentInstance("9")).to.deep.equal({ round: 2 });
        throwing.client.close();
    });
});
