/**
 * Every ZegoClient method against the emulator over real HTTP: camelCase in and out, and the
 * PascalCase wire body the emulator received (its request log, secrets redacted).
 */
import { expect } from "chai";
import { ZegoApiError, ZegoClient, ZegoValidationError } from "../../../provider";
import { ACTIONS } from "../../../provider/schema/api";
import { jsonBytes, MAX_REQUEST_BODY_BYTES } from "../../../provider/schema/bodySize";
import { objectToWire } from "../../../provider/schema/wire";
import { EmulatorHandle, startEmulator, DEFAULT_APP_ID, DEFAULT_SERVER_SECRET } from "../../../emulator";
import { rejectionOf } from "../../rejection";
import { must } from "../../must";

describe("client against the emulator", () => {
    let emulator: EmulatorHandle;
    let client: ZegoClient;

    before(async () => {
        emulator = await startEmulator({
            appId: DEFAULT_APP_ID,
            serverSecret: DEFAULT_SERVER_SECRET,
            rateLimitPerSecond: 0,
            speakingSeconds: 1,
            thinkingSeconds: 0,
        });
        client = new ZegoClient({ appId: DEFAULT_APP_ID, serverSecret: DEFAULT_SERVER_SECRET, endpoint: emulator.url });
    });
    after(async () => {
        client.close();
        await emulator.close();
    });
    beforeEach(() => emulator.reset());

    /** The wire body of the last request of an action. */
    const lastBody = (action: string) =>
        emulator
            .requests()
            .filter((r) => r.action === action)
            .pop()!.body as Record<string, any>;

    const llm = {
        url: "https://llm.example.com/v1",
        apiKey: "sk-llm",
        model: "m1",
        params: { max_tokens: 16384, nested: { KeepCase: true } },
        agentExtraInfo: { Tier: "gold" },
    };
    const tts = { vendor: "ByteDanceV3" as const, params: { app: { appid: "a", token: "t" }, audio: { voice_type: "v" } } };
    const rtc = { roomId: "room_1", agentStreamId: "agent_stream_1", agentUserId: "agent_user_1", userStreamId: "user_stream_1" };

    it("registerAgent / queryAgents / updateAgent / listAgents / listAllAgents / unregisterAgent", async () => {
        await client.registerAgent({ agentId: "agent_1", name: "One", llm, tts });
        expect(lastBody("RegisterAgent")).to.deep.include({ AgentId: "agent_1", Name: "One" });
        expect(lastBody("RegisterAgent").LLM).to.deep.include({ Url: llm.url, Model: "m1", ApiKey: "***" });
        // Vendor pass-through objects go over the wire untouched (keys keep their case).
        expect(lastBody("RegisterAgent").LLM.Params).to.deep.equal({ max_tokens: 16384, nested: { KeepCase: true } });
        expect(lastBody("RegisterAgent").LLM.AgentExtraInfo).to.deep.equal({ Tier: "gold" });
        expect(lastBody("RegisterAgent").TTS.Params.audio).to.deep.equal({ voice_type: "v" });

        const found = must((await client.queryAgents(["agent_1", "missing"]))[0], 'await client.queryAgents(["agent_1", "missing"])[0]');
        expect(found).to.deep.include({ agentId: "agent_1", name: "One" });
        expect(found.llm).to.deep.include({ model: "m1", url: llm.url });
        expect(lastBody("QueryAgents")).to.deep.equal({ AgentIds: ["agent_1", "missing"] });

        await client.updateAgent({ agentId: "agent_1", name: "Uno", llm: { ...llm, model: "m2" } });
        expect(must((await client.queryAgents(["agent_1"]))[0], '(await client.queryAgents(["agent_1"]))[0]').llm!.model).to.equal("m2");

        for (let i = 2; i <= 7; i++) await client.registerAgent({ agentId: `agent_${i}` });
        const page = await client.listAgents({ limit: 5 });
        expect(page.total).to.equal(7);
        expect(page.agents).to.have.length(5);
        expect(page.cursor).to.not.equal("");
        expect(lastBody("ListAgents")).to.deep.equal({ Limit: 5 });
        expect((await client.listAllAgents()).map((a) => a.agentId).sort()).to.deep.equal([
            "agent_1",
            "agent_2",
            "agent_3",
            "agent_4",
            "agent_5",
            "agent_6",
            "agent_7",
        ]);

        await client.unregisterAgent("agent_1");
        expect(lastBody("UnregisterAgent")).to.deep.equal({ AgentId: "agent_1" });
        const error = await rejectionOf(client.unregisterAgent("agent_1"));
        expect(error).to.be.instanceOf(ZegoApiError);
        expect(error).to.include({ action: "UnregisterAgent", code: 410001009, retryable: false });
        expect(error.message).to.contain("410001009").and.contain("Agent not found");
    });

    it("createAgentInstance / queryAgentInstanceStatus / updateAgentInstance / deleteAgentInstance", async () => {
        await client.registerAgent({ agentId: "agent_1" });
        const { agentInstanceId } = await client.createAgentInstance({
            agentId: "agent_1",
            userId: "user_1",
            rtc,
            llm,
            tts,
            asr: { vendor: "Tencent", params: { hotwords: "zego" } },
            vad: { turnDetectConfig: { silenceSegmentation: 600 } },
            messageHistory: { syncMode: 1, messages: [{ role: "user", content: "hi" }], windowSize: 10 },
            callbackConfig: { asrResult: 1, llmResult: 0 },
            advancedConfig: { maxIdleTime: 300, disableTts: false, ttsParamPaths: { "audio.speed": "speed" } },
        });
        expect(agentInstanceId).to.match(/^\d{19}$/);
        const body = lastBody("CreateAgentInstance");
        expect(body).to.deep.include({ AgentId: "agent_1", UserId: "user_1" });
        expect(body.RTC).to.deep.equal({
            RoomId: "room_1",
            AgentStreamId: "agent_stream_1",
            AgentUserId: "agent_user_1",
            UserStreamId: "user_stream_1",
        });
        expect(body.VAD).to.deep.equal({ TurnDetectConfig: { SilenceSegmentation: 600 } });
        expect(body.MessageHistory).to.deep.equal({ SyncMode: 1, Messages: [{ Role: "user", Content: "hi" }], WindowSize: 10 });
        expect(body.CallbackConfig).to.deep.equal({ ASRResult: 1, LLMResult: 0 });
        expect(body.AdvancedConfig).to.deep.equal({ MaxIdleTime: 300, DisableTTS: false, TTSParamPaths: { "audio.speed": "speed" } });
        expect(body.ASR).to.deep.equal({ Vendor: "Tencent", Params: { hotwords: "zego" } });

        expect(await client.queryAgentInstanceStatus(agentInstanceId)).to.deep.equal({ status: "IDLE" });

        await client.updateAgentInstance({ agentInstanceId, llm: { ...llm, model: "m2" }, rtc: { userStreamId: "user_stream_2" } });
        expect(lastBody("UpdateAgentInstance")).to.deep.include({
            AgentInstanceId: agentInstanceId,
            RTC: { UserStreamId: "user_stream_2" },
        });
        expect(lastBody("UpdateAgentInstance").LLM.Model).to.equal("m2");

        await client.deleteAgentInstance({ agentInstanceId, gracefulShutdown: true, gracefulShutdownTimeout: 5 });
        expect(lastBody("DeleteAgentInstance")).to.deep.equal({
            AgentInstanceId: agentInstanceId,
            GracefulShutdown: true,
            GracefulShutdownTimeout: 5,
        });
        const gone = await rejectionOf(client.queryAgentInstanceStatus(agentInstanceId));
        expect(gone).to.include({ code: 410001002, action: "QueryAgentInstanceStatus" });
    });

    it("createDigitalHumanAgentInstance returns the digital-human config", async () => {
        await client.registerAgent({ agentId: "agent_1" });
        const created = await client.createDigitalHumanAgentInstance({
            agentId: "agent_1",
            userId: "user_1",
            rtc,
            digitalHuman: { digitalHumanId: "dh_1", configId: "web" },
        });
        expect(created.agentInstanceId).to.match(/^\d{19}$/);
        expect(created.digitalHumanConfig).to.be.a("string").and.not.equal("");
        expect(lastBody("CreateDigitalHumanAgentInstance").DigitalHuman).to.deep.equal({ DigitalHumanId: "dh_1", ConfigId: "web" });
    });

    it("instance control: send LLM/TTS, interrupt, message list, walkie-talkie listening", async () => {
        await client.registerAgent({ agentId: "agent_1" });
        const { agentInstanceId } = await client.createAgentInstance({
            agentId: "agent_1",
            userId: "user_1",
            rtc,
            messageHistory: { syncMode: 1, messages: [] },
            advancedConfig: { communicationMode: 2 },
        });
        const tts = await client.sendAgentInstanceTts({ agentInstanceId, text: "Hello there", priority: "High" });
        expect(tts.round).to.be.a("number");
        expect(lastBody("SendAgentInstanceTTS")).to.deep.equal({ AgentInstanceId: agentInstanceId, Text: "Hello there", Priority: "High" });
        expect((await client.queryAgentInstanceStatus(agentInstanceId)).status).to.equal("SPEAKING");
        await client.interruptAgentInstance(agentInstanceId);
        expect((await client.queryAgentInstanceStatus(agentInstanceId)).status).to.equal("IDLE");

        await client.sendAgentInstanceLlm({ agentInstanceId, text: "What time is it?", addQuestionToHistory: true });
        expect(lastBody("SendAgentInstanceLLM")).to.deep.equal({
            AgentInstanceId: agentInstanceId,
            Text: "What time is it?",
            AddQuestionToHistory: true,
        });

        await client.addAgentInstanceMsg({ agentInstanceId, messages: [{ role: "assistant", content: "noted" }] });
        const list = await client.getAgentInstanceMsgList(agentInstanceId);
        expect(list.total).to.equal(list.messageList.length);
        expect(list.messageList.map((m) => m.content)).to.include("noted");
        await client.resetAgentInstanceMsgList(agentInstanceId);
        expect((await client.getAgentInstanceMsgList(agentInstanceId)).total).to.equal(0);

        await client.startListening({ agentInstanceId, sequence: 1 });
        expect(lastBody("StartListening")).to.deep.equal({ AgentInstanceId: agentInstanceId, Sequence: 1 });
        await client.stopListening({ agentInstanceId, sequence: 2 });
        const stale = await rejectionOf(client.startListening({ agentInstanceId, sequence: 1 }));
        expect(stale).to.include({ code: 410001043 });
    });

    it("the 1 MiB body limit, counted as the emulator counts it: exactly 1048576 bytes (multi-byte) is read, one more is refused unsent", async () => {
        await client.registerAgent({ agentId: "agent_1" });
        const request = (systemPrompt: string) => ({ agentId: "agent_1", userId: "user_1", rtc, llm: { ...llm, systemPrompt }, tts });
        const size = (systemPrompt: string) => jsonBytes(objectToWire(ACTIONS.CreateAgentInstance.request, request(systemPrompt)));
        const room = MAX_REQUEST_BODY_BYTES - size("");
        // "é" is 2 bytes in UTF-8: a count of characters would take this body for about half its size.
        const prompt = "é".repeat(Math.floor(room / 2)) + "a".repeat(room % 2);
        expect(size(prompt)).to.equal(MAX_REQUEST_BODY_BYTES);

        const { agentInstanceId } = await client.createAgentInstance(request(prompt));
        expect(lastBody("CreateAgentInstance").LLM.SystemPrompt).to.equal(prompt);

        const sent = emulator.stats().requests;
        const over = await rejectionOf(client.createAgentInstance(request(`${prompt}a`)));
        expect(over).to.be.instanceOf(ZegoValidationError);
        expect(over.message)
            .to.contain("llm.systemPrompt is")
            .and.to.contain(`request body ${MAX_REQUEST_BODY_BYTES + 1} bytes`);
        // UpdateAgentInstance and UpdateAgent go through the same rule.
        const update = await rejectionOf(
            client.updateAgentInstance({ agentInstanceId, llm: { ...llm, params: { big: "x".repeat(MAX_REQUEST_BODY_BYTES) } } }),
        );
        expect(update).to.be.instanceOf(ZegoValidationError);
        expect(update.message).to.contain("llm.params is");
        const agent = await rejectionOf(client.updateAgent({ agentId: "agent_1", llm: { ...llm, systemPrompt: `${prompt}${prompt}` } }));
        expect(agent.message).to.contain("UpdateAgent request body");
        expect(emulator.stats().requests - sent, "requests sent for bodies over the limit").to.equal(0);
    });

    it("every request is signed afresh: distinct nonces, valid signatures (the emulator verifies them)", async () => {
        for (let i = 0; i < 5; i++) await client.registerAgent({ agentId: `agent_${i}` });
        expect(emulator.stats().byCode["0"]).to.equal(5);
        expect(emulator.stats().byCode["100000005"] ?? 0).to.equal(0);
    });
});
