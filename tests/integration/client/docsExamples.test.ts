/**
 * ZegoClient sends the docs' own request examples byte for byte: for every documented action, the
 * camelCase equivalent of the example (tests/fixtures/docs) goes through the client's validation
 * and mapping, and the emulator receives exactly the documented wire body.
 */
import { expect } from "chai";
import { ZegoClient } from "../../../provider";
import { ACTIONS, ActionName } from "../../../provider/schema/api";
import { fromWire } from "../../../provider/schema/wire";
import { DEFAULT_APP_ID, DEFAULT_SERVER_SECRET, EmulatorHandle, startEmulator } from "../../../emulator";
import { redact } from "../../../emulator/redact";
import { docActionExamples } from "../../fixtures/docs";

describe("client: the docs' request examples", () => {
    let emulator: EmulatorHandle;
    let client: ZegoClient;

    before(async () => {
        emulator = await startEmulator({ appId: DEFAULT_APP_ID, serverSecret: DEFAULT_SERVER_SECRET, rateLimitPerSecond: 0 });
        client = new ZegoClient({ appId: DEFAULT_APP_ID, serverSecret: DEFAULT_SERVER_SECRET, endpoint: emulator.url });
    });
    after(async () => {
        client.close();
        await emulator.close();
    });
    beforeEach(async () => {
        emulator.reset();
        for (const agentId of ["Jacky", "Oliver"]) await client.registerAgent({ agentId });
    });

    const lastBody = (action: string) =>
        emulator
            .requests()
            .filter((r) => r.action === action)
            .pop()?.body;

    for (const example of docActionExamples()) {
        it(`${example.action}: the camelCase equivalent of the docs' example reaches the wire unchanged`, async () => {
            const wire: Record<string, unknown> = { ...example.request };
            if ("AgentInstanceId" in wire) {
                const { agentInstanceId } = await client.createAgentInstance({
                    agentId: "Jacky",
                    userId: "user_9",
                    rtc: { roomId: "room_9", agentStreamId: "agent_stream_9", agentUserId: "agent_user_9", userStreamId: "user_stream_9" },
                    advancedConfig: { communicationMode: 2 },
                });
                wire.AgentInstanceId = agentInstanceId;
            }
            if (example.action === "RegisterAgent") await client.unregisterAgent(String(wire.AgentId)).catch(() => undefined);
            const camel = fromWire(ACTIONS[example.action as ActionName].request, wire) as object;
            await client.call(example.action as ActionName, camel);
            expect(lastBody(example.action)).to.deep.equal(redact(wire));
        });
    }

    it("createLiveDigitalHumanAgentInstance: typed, returns the id and the DigitalHumanConfig", async () => {
        const created = await client.createLiveDigitalHumanAgentInstance({
            agentId: "Jacky",
            digitalHuman: { digitalHumanId: "xiaozhi", configId: "mobile", encodeCode: "H264" },
            cdn: { url: "rtmp://push.example.com/live/stream_key" },
            tts: { vendor: "Minimax", params: { app: { api_key: "k" } } },
            advancedConfig: { maxIdleTime: 900 },
        });
        expect(created.agentInstanceId).to.match(/^\d{19}$/);
        expect(JSON.parse(Buffer.from(created.digitalHumanConfig, "base64").toString("utf8"))).to.deep.equal({
            DigitalHumanId: "xiaozhi",
            Streams: [],
        });
        expect(emulator.instance(created.agentInstanceId)!.action).to.equal("CreateLiveDigitalHumanAgentInstance");
        expect((await client.sendAgentInstanceTts({ agentInstanceId: created.agentInstanceId, text: "hi" })).round).to.equal(1);
    });

    it("addAgentInstanceMsg with only agentInstanceId (Messages is optional in the docs)", async () => {
        const { agentInstanceId } = await client.createAgentInstance({
            agentId: "Jacky",
            userId: "u1",
            rtc: { roomId: "r1", agentStreamId: "s1", agentUserId: "a1", userStreamId: "us1" },
        });
        await client.addAgentInstanceMsg({ agentInstanceId });
        expect(lastBody("AddAgentInstanceMsg")).to.deep.equal({ AgentInstanceId: agentInstanceId });
    });
});
