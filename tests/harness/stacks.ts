/**
 * What the resilience tests and the benchmarks share about the agent instances their stacks run:
 * the agent they run (registered directly, outside the stack, so faults hit only what the stack
 * does), the secrets no output may show, and where the instances are (state, emulator).
 */
import { ZegoClient } from "../../provider";
import { Code } from "../../provider/client/codes";
import { EmulatorHandle } from "../../emulator";
import { ASR_SECRET, LLM_API_KEY, TTS_TOKEN } from "./fixtures";
import { APP_ID, EngineRun, latestCheckpoint, SERVER_SECRET } from "./engine";

export const AGENT_ID = "resilience_agent";
export const SECRETS = [SERVER_SECRET, LLM_API_KEY, TTS_TOKEN, ASR_SECRET];
export const INSTANCE_TYPE = "pulumi-nodejs:dynamic/zego:AgentInstance";
/** The same resource served by the zego plugin. */
export const PLUGIN_INSTANCE_TYPE = "zego:index:AgentInstance";

/** Register AGENT_ID at the emulator directly (before any fault is switched on). */
export async function registerAgent(emulator: EmulatorHandle): Promise<void> {
    const client = new ZegoClient({ appId: APP_ID, serverSecret: SERVER_SECRET, endpoint: emulator.url });
    try {
        await client.registerAgent({
            agentId: AGENT_ID,
            name: "Resilience",
            llm: { url: "https://llm.example.com/v1/chat/completions", apiKey: LLM_API_KEY, model: "model-a" },
        });
    } catch (e) {
        if ((e as { code?: unknown }).code !== Code.AgentAlreadyExists) throw e;
    } finally {
        client.close();
    }
}

/** Delete an instance directly at the emulator, as another tool would (outside any stack). */
export async function signedDelete(emulator: EmulatorHandle, agentInstanceId: string): Promise<void> {
    const client = new ZegoClient({ appId: APP_ID, serverSecret: SERVER_SECRET, endpoint: emulator.url });
    try {
        await client.deleteAgentInstance({ agentInstanceId });
    } finally {
        client.close();
    }
}

/** Ids of the agent instances in state. */
export async function instanceIdsInState(run: EngineRun): Promise<string[]> {
    return (await latestCheckpoint(run)).resources
        .filter((r) => r.type === INSTANCE_TYPE || r.type === PLUGIN_INSTANCE_TYPE)
        .map((r) => r.id!)
        .sort();
}

/** Instances occupying the emulator's concurrency limit (live or shutting down). */
export function occupying(emulator: EmulatorHandle): string[] {
    return emulator
        .instances()
        .filter((i) => i.state !== "deleted")
        .map((i) => i.agentInstanceId)
        .sort();
}
