/** The plugin's functions over gRPC, with this test as the engine: Invoke of zego:index:getAgent and the others, against the emulator. */
import { expect } from "chai";
import { EmulatorHandle } from "../../../emulator";
import { ZegoClient } from "../../../provider/client/client";
import { secret, SECRET_SIG, SIG_KEY, unwrapSecrets } from "../../../provider/plugin/values";
import { LLM_API_KEY, TTS_TOKEN } from "../../harness/fixtures";
import { rejectionOf } from "../../rejection";
import { APP_ID, expectNoPlaintextSecret, SERVER_SECRET } from "./credentials";
import { EngineClient, js } from "./engine";
import { withEmulatorAndPlugin } from "./lab";

const AGENT = {
    agentId: "plugin_read_agent",
    name: "Read through Invoke",
    llm: { url: "https://llm.example.com/v1", apiKey: LLM_API_KEY, model: "model-a" },
    tts: { vendor: "ByteDanceV3", params: { app: { appid: "tts-app", token: TTS_TOKEN } } },
};

describe("plugin: functions through Invoke (test as the engine)", function () {
    this.timeout(30000);
    let em: EmulatorHandle;
    let engine: EngineClient;

    withEmulatorAndPlugin((e, g) => ([em, engine] = [e, g]));
    beforeEach(async () => {
        const client = new ZegoClient({ appId: APP_ID, serverSecret: SERVER_SECRET, endpoint: em.url, maxRequestsPerSecond: 0 });
        try {
            await client.registerAgent(AGENT as never);
        } finally {
            client.close();
        }
    });

    const configure = () => engine.configure({ appId: String(APP_ID), serverSecret: secret(SERVER_SECRET), endpoint: em.url });

    it("getAgent returns the agent with every credential marked secret at its own path, the rest in plaintext", async () => {
        await configure();
        const ret = js((await engine.invoke("zego:index:getAgent", { agentId: AGENT.agentId })).getReturn());
        expectNoPlaintextSecret(ret);
        const llm = ret.llm as Record<string, unknown>;
        expect(llm.apiKey).to.deep.equal({ [SIG_KEY]: SECRET_SIG, value: LLM_API_KEY });
        expect(llm.model).to.equal("model-a");
        expect(ret.name).to.equal(AGENT.name);
        expect(unwrapSecrets(ret).value).to.deep.include({ agentId: AGENT.agentId, tts: AGENT.tts });
    });

    it("listAgents returns every agent, credentials secret; getAgentInstanceStatus of an unknown id fails naming it", async () => {
        await configure();
        const ret = js((await engine.invoke("zego:index:listAgents", {})).getReturn());
        expectNoPlaintextSecret(ret);
        expect((unwrapSecrets(ret).value as { agents: { agentId: string }[] }).agents.map((a) => a.agentId)).to.deep.equal([AGENT.agentId]);
        const err = await rejectionOf(engine.invoke("zego:index:getAgentInstanceStatus", { agentInstanceId: "gone_instance" }));
        expect(err.message).to.contain('"gone_instance"').and.contain("410001002");
    });

    it("getAgent of an unknown id fails naming it; an unknown function names the ones there are", async () => {
        await configure();
        const missing = await rejectionOf(engine.invoke("zego:index:getAgent", { agentId: "nobody" }));
        expect(missing.message).to.contain('"nobody"').and.contain("not registered");
        const unknown = await rejectionOf(engine.invoke("zego:index:getAgents", {}));
        expect(unknown.message).to.contain("zego:index:getAgents").and.contain("zego:index:getAgent, zego:index:listAgents");
    });

    it("at preview without credentials: fails naming the settings (the engine accepts no unknowns from Invoke), calls nothing", async () => {
        await engine.configure({});
        const err = await rejectionOf(engine.invoke("zego:index:getAgent", { agentId: AGENT.agentId }, true));
        expect(err.message).to.contain("zego:appId").and.contain("ZEGO_APP_ID").and.contain("zego:serverSecret");
        expect(em.requests().filter((r) => r.action === "QueryAgents")).to.have.length(0);
    });
});
