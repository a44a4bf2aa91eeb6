/** The program whose state is recorded in tests/fixtures/state/upgrade-v*.json (see tests/fixtures/recordUpgrade.ts). */
import { Agent, AgentInstance } from "../../provider";
import { LLM_API_KEY } from "./fixtures";

export const UPGRADE_STACK = "upgrade-fixture";
export const UPGRADE_TIMEOUT = 7;
/** The recorded instance's identity (the test recreates it on the emulator). */
export const UPGRADE_INSTANCE = {
    agentId: "upgrade_agent",
    userId: "upgrade_user",
    rtc: {
        roomId: "upgrade_room",
        agentStreamId: "upgrade_agent_stream",
        agentUserId: "upgrade_agent_user",
        userStreamId: "upgrade_user_stream",
    },
};

/** The recorded program; `model` other than "m" (the recorded one) is a change both resources update in place. */
export async function upgradeProgram(model = "m") {
    const agent = new Agent("agent", {
        agentId: UPGRADE_INSTANCE.agentId,
        llm: { url: "https://llm.example.com/v1", apiKey: LLM_API_KEY, model },
    });
    const instance = new AgentInstance("instance", {
        ...UPGRADE_INSTANCE,
        agentId: agent.agentId,
        llm: { url: "https://llm.example.com/v1", apiKey: LLM_API_KEY, model },
        gracefulShutdownTimeout: UPGRADE_TIMEOUT,
    });
    return { instanceId: instance.agentInstanceId };
}
