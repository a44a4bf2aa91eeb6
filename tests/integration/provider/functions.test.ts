/** The provider's functions (lifecycle/functions.ts), as both faces run them, against the emulator over real HTTP. */
import { expect } from "chai";
import { runFunction } from "../../../provider/lifecycle/functions";
import { AGENT_STATUSES } from "../../../provider/schema/api";
import { LLM_API_KEY, TTS_TOKEN, validInstanceArgs } from "../../harness/fixtures";
import { ZegoClient } from "../../../provider/client/client";
import { APP_ID, rejectionOf, requestsOf, SERVER_SECRET, useProviderEnvironment } from "./helpers";

const AGENT = {
    agentId: "read_agent",
    name: "Read me",
    llm: { url: "https://llm.example.com/v1/chat/completions", apiKey: LLM_API_KEY, model: "model-a" },
    tts: { vendor: "ByteDanceV3", params: { app: { appid: "tts-app", token: TTS_TOKEN } } },
};

describe("provider integration: functions (getAgent, listAgents, getAgentInstanceStatus) against the emulator", function () {
    this.timeout(20000);
    const ctx = useProviderEnvironment();

    /** Arranges the emulator's state directly, unpaced (the provider's client paces at 10/s). */
    const directClient = () =>
        new ZegoClient({ appId: APP_ID, serverSecret: SERVER_SECRET, endpoint: ctx.em.url, maxRequestsPerSecond: 0 });

    async function register(agents: object[]): Promise<void> {
        const client = directClient();
        try {
            for (const agent of agents) await client.registerAgent(agent as never);
        } finally {
            client.close();
        }
    }

    it("getAgent returns the registered agent's configuration as QueryAgents gives it", async () => {
        ctx.configureStack();
        await register([AGENT]);
        const result = await runFunction(ctx.context, "getAgent", { agentId: AGENT.agentId });
        expect(result).to.deep.include({ agentId: AGENT.agentId, name: AGENT.name });
        expect(result.llm).to.deep.include(AGENT.llm);
        expect(result.tts).to.deep.equal(AGENT.tts);
        expect(requestsOf(ctx.em, "QueryAgents")).to.have.length(1);
    });

    it("getAgent of an id that is not registered fails naming the id, the app and listAgents", async () => {
        ctx.configureStack();
        const err = await rejectionOf(runFunction(ctx.context, "getAgent", { agentId: "no_such_agent" }));
        expect(err.message)
            .to.contain('"no_such_agent"')
            .and.contain(String(APP_ID))
            .and.contain("not registered")
            .and.contain("listAgents");
    });

    it("listAgents follows every page: 23 agents in 3 ListAgents calls of at most 10", async () => {
        ctx.configureStack();
        const ids = Array.from({ length: 23 }, (_, i) => `agent_${String(i).padStart(2, "0")}`);
        await register(ids.map((agentId) => ({ agentId, name: agentId })));
        const { agents } = await runFunction(ctx.context, "listAgents", {});
        expect(agents.map((a) => a.agentId).sort()).to.deep.equal(ids);
        const calls = requestsOf(ctx.em, "ListAgents");
        expect(calls).to.have.length(3);
    });

    it("getAgentInstanceStatus returns the status ZEGO reports; an unknown id fails naming it and 410001002", async () => {
        ctx.configureStack();
        await register([{ agentId: "demo_agent" }]);
        const client = directClient();
        let id: string;
        try {
            const { gracefulShutdownTimeout: _omit, ...request } = validInstanceArgs();
            id = (await client.createAgentInstance(request as never)).agentInstanceId;
        } finally {
            client.close();
        }
        const result = await runFunction(ctx.context, "getAgentInstanceStatus", { agentInstanceId: id });
        expect(result.agentInstanceId).to.equal(id);
        expect(AGENT_STATUSES).to.include(result.status);

        const err = await rejectionOf(runFunction(ctx.context, "getAgentInstanceStatus", { agentInstanceId: "gone_instance" }));
        expect(err.message).to.contain('"gone_instance"').and.contain("410001002").and.contain("does not exist");
    });

    it("refuses bad arguments before any call, naming the field, what is allowed and what was given", async () => {
        ctx.configureStack();
        const missing = await rejectionOf(runFunction(ctx.context, "getAgent", {}));
        expect(missing.message).to.contain("getAgent").and.contain("agentId is required");
        const typo = await rejectionOf(runFunction(ctx.context, "getAgentInstanceStatus", { agentInstanceID: "x" }));
        expect(typo.message).to.contain('"agentInstanceID"').and.contain("allowed: agentInstanceId");
        const wrongType = await rejectionOf(runFunction(ctx.context, "getAgent", { agentId: 42 }));
        expect(wrongType.message).to.contain("agentId must be").and.contain("42");
        expect(ctx.em.requests()).to.have.length(0);
    });

    it("without credentials fails naming the stack config keys and the variables, and calls nothing", async () => {
        const err = await rejectionOf(runFunction(ctx.context, "listAgents", {}));
        expect(err.message)
            .to.contain("listAgents")
            .and.contain("zego:appId")
            .and.contain("ZEGO_APP_ID")
            .and.contain("zego:serverSecret")
            .and.contain("ZEGO_SERVER_SECRET");
        expect(ctx.em.requests()).to.have.length(0);
    });

    it("takes the credentials from ZEGO_* when the stack config has none (the settings' rule)", async () => {
        Object.assign(ctx.env, { ZEGO_APP_ID: String(APP_ID), ZEGO_SERVER_SECRET: SERVER_SECRET, ZEGO_ENDPOINT: ctx.endpoint });
        await register([AGENT]);
        const { agents } = await runFunction(ctx.context, "listAgents", undefined);
        expect(agents.map((a) => a.agentId)).to.deep.equal([AGENT.agentId]);
    });
});
