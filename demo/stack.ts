/**
 * The demo stack (the repo root is itself a Pulumi project; `index.ts` calls this): a registered
 * agent and two voice agent instances in one room. Runs against the bundled emulator (`npm run
 * demo`) or against the real ZEGOCLOUD service when `zego:appId` / `zego:serverSecret` are set.
 */
import * as pulumi from "@pulumi/pulumi";
import { Agent, AgentInstance } from "../provider";

export function voiceAgentStack() {
    const config = new pulumi.Config("demo");
    const model = config.get("llmModel") ?? "doubao-lite-32k";
    const roomId = config.get("roomId") ?? "demo_room";
    const llmApiKey = config.getSecret("llmApiKey") ?? pulumi.secret("zego_test");
    const gracefulShutdownTimeout = config.getNumber("gracefulShutdownTimeout") ?? 10;

    const llm = {
        url: "https://ark.cn-beijing.volces.com/api/v3/chat/completions",
        apiKey: llmApiKey,
        model,
        systemPrompt: "You are a friendly assistant. Keep answers short.",
        temperature: 0.7,
    };
    const tts = {
        vendor: "ByteDanceV3" as const,
        params: {
            app: { appid: "zego_test", token: "zego_test", cluster: "volcano_tts" },
            audio: { voice_type: "zh_female_wanwanxiaohe_moon_bigtts" },
        },
    };

    const agent = new Agent("assistant", { agentId: "demo_assistant", name: "Demo assistant", llm, tts });

    const instance = (name: string, user: string) =>
        new AgentInstance(name, {
            agentId: agent.agentId,
            userId: user,
            rtc: {
                roomId,
                agentStreamId: `${name}_stream`,
                agentUserId: `${name}_user`,
                userStreamId: `${user}_stream`,
            },
            llm,
            tts,
            asr: { vendor: "Tencent" },
            gracefulShutdown: true,
            gracefulShutdownTimeout,
        });

    const alice = instance("agent_alice", "alice");
    const bob = instance("agent_bob", "bob");

    return {
        agentId: agent.agentId,
        aliceInstanceId: alice.agentInstanceId,
        bobInstanceId: bob.agentInstanceId,
        aliceStatus: alice.status,
        endpoint: alice.endpoint,
    };
}
