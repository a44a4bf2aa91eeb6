/**
 * The smoke step of the ephemeral environment: `node smoke.js` (compiled next to run.js), run by a
 * `@pulumi/command` `local.Command` once the agent instances exist (or directly by run.ts with
 * SMOKE_STEP=direct). For every instance in AGENT_INSTANCE_IDS it checks the status with
 * QueryAgentInstanceStatus and makes the agent say one sentence with SendAgentInstanceTTS.
 *
 * Credentials come from the environment it inherits (ZEGO_APP_ID, ZEGO_SERVER_SECRET, and ZEGO_REGION or
 * ZEGO_ENDPOINT), never from its arguments, so nothing secret is written to the Pulumi state.
 * Exit code 0 when every instance answered, 1 otherwise.
 */
import { ZegoClient } from "pulumi-zego-aiagent";

const LIVE_STATUSES = ["IDLE", "LISTENING", "THINKING", "SPEAKING"];

export interface SmokeResult {
    agentInstanceId: string;
    status: string;
    /** The dialogue round of the test sentence, when ZEGO says. */
    round?: number;
}

export async function smoke(env: NodeJS.ProcessEnv = process.env): Promise<SmokeResult[]> {
    const ids = (env.AGENT_INSTANCE_IDS ?? "")
        .split(",")
        .map((id) => id.trim())
        .filter((id) => id !== "");
    if (ids.length === 0) throw new Error("AGENT_INSTANCE_IDS is empty: nothing to check");
    if (!env.ZEGO_APP_ID || !env.ZEGO_SERVER_SECRET) throw new Error("ZEGO_APP_ID and ZEGO_SERVER_SECRET must be set");

    const client = new ZegoClient({
        appId: env.ZEGO_APP_ID,
        serverSecret: env.ZEGO_SERVER_SECRET,
        endpoint: env.ZEGO_ENDPOINT || undefined,
        region: (env.ZEGO_REGION || undefined) as ConstructorParameters<typeof ZegoClient>[0]["region"],
    });
    const text = env.SMOKE_TEXT || "Smoke test: this environment is up.";
    const results: SmokeResult[] = [];
    for (const agentInstanceId of ids) {
        const { status } = await client.queryAgentInstanceStatus(agentInstanceId);
        if (!LIVE_STATUSES.includes(status)) throw new Error(`agent instance ${agentInstanceId} has status ${status}`);
        // Low priority and Enqueue: never cut off something the agent is already saying to a real user.
        const { round } = await client.sendAgentInstanceTts({
            agentInstanceId,
            text,
            addHistory: false,
            priority: "Low",
            samePriorityOption: "Enqueue",
        });
        results.push({ agentInstanceId, status, round });
        console.log(
            `smoke: agent instance ${agentInstanceId} is ${status}; it is speaking the test sentence${round === undefined ? "" : ` (round ${round})`}`,
        );
    }
    console.log(`smoke: ${results.length} agent instance(s) OK`);
    return results;
}

if (require.main === module) {
    smoke().catch((e: unknown) => {
        console.error(`smoke: FAILED: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(1);
    });
}
