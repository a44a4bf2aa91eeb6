/**
 * Sweeping agent instances that may be live although no state records them: creates whose outcome
 * is unknown (the response was lost), and creates cut off by a kill or a second signal (pending in
 * state, with no id).
 *
 * The rule used, from ZEGO's docs (core_products/aiagent/en/server/api-reference/shared-components.yaml,
 * RTC.AgentUserId; also api-reference/agent-instance-management/create-agent-instance.mdx): instances
 * must use different AgentUserIds, "otherwise the earlier created AI agent instance will be kicked
 * out of the RTC room". So a new instance with the same AgentUserId displaces any orphan, and that
 * new instance, whose id we do know, is then deleted. When the agent itself is not registered
 * (410001009), no instance of it can be running: nothing to sweep.
 */
import { Code, ZegoClient } from "pulumi-zego-aiagent";

/** An instance that may be live: what its create sent, enough to create a displacing one. */
export interface MaybeLeft {
    agentUserId: string;
    agentId: string;
    userId: string;
    roomId: string;
    agentStreamId: string;
    userStreamId: string;
    /** The Pulumi resource it belonged to. */
    urn: string;
}

/** The MaybeLeft of an AgentInstance's inputs (from an engine event or a pending operation); undefined when they lack a field. */
export function maybeLeftOf(urn: string, inputs: unknown): MaybeLeft | undefined {
    const i = (inputs ?? {}) as { agentId?: unknown; userId?: unknown; rtc?: Record<string, unknown> };
    const rtc = i.rtc ?? {};
    const fields = [i.agentId, i.userId, rtc.roomId, rtc.agentStreamId, rtc.agentUserId, rtc.userStreamId];
    if (!fields.every((f) => typeof f === "string" && f !== "")) return undefined;
    return {
        urn,
        agentId: i.agentId as string,
        userId: i.userId as string,
        roomId: rtc.roomId as string,
        agentStreamId: rtc.agentStreamId as string,
        agentUserId: rtc.agentUserId as string,
        userStreamId: rtc.userStreamId as string,
    };
}

export type SweepOutcome = "swept" | "agent-not-registered";

/** Displace, then delete, whatever instance uses `left.agentUserId`. Throws when that fails (the caller reports it as still maybe left). */
export async function sweep(client: ZegoClient, left: MaybeLeft): Promise<SweepOutcome> {
    let agentInstanceId: string;
    try {
        ({ agentInstanceId } = await client.createAgentInstance({
            agentId: left.agentId,
            userId: left.userId,
            rtc: { roomId: left.roomId, agentStreamId: left.agentStreamId, agentUserId: left.agentUserId, userStreamId: left.userStreamId },
        }));
    } catch (e) {
        if ((e as { code?: unknown }).code === Code.AgentNotFound) return "agent-not-registered";
        throw e;
    }
    try {
        await client.deleteAgentInstance({ agentInstanceId });
    } catch (e) {
        if ((e as { code?: unknown }).code !== Code.InstanceNotFound) throw e;
    }
    return "swept";
}
