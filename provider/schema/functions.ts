/**
 * The provider's functions (data sources): what each accepts and returns, declared once. Read by
 * the lifecycle (lifecycle/functions.ts validates arguments with it), the plugin's schema and the
 * TypeScript functions' types.
 */
import { AGENT, agentIdField, agentInstanceIdField, AGENT_STATUSES } from "./api";
import { arr, Infer, obj, ObjectSpec, required, str } from "./spec";

export type FunctionName = "getAgent" | "listAgents" | "getAgentInstanceStatus";

export const FUNCTION_ARGS = {
    getAgent: obj(undefined, { agentId: agentIdField }),
    listAgents: obj(undefined, {}),
    getAgentInstanceStatus: obj(undefined, { agentInstanceId: agentInstanceIdField }),
} satisfies Record<FunctionName, ObjectSpec>;

export const FUNCTION_RESULTS = {
    /** A registered agent as QueryAgents returns it; its credentials are marked secret by both faces. */
    getAgent: AGENT,
    /** Every registered agent of the app (ListAgents, every page). */
    listAgents: obj(undefined, { agents: required(arr("Agents", AGENT)) }),
    getAgentInstanceStatus: obj(undefined, {
        agentInstanceId: agentInstanceIdField,
        // Known values, not a closed set: a status ZEGO adds later is passed on, as the client does.
        status: required(str("Status", { suggestions: AGENT_STATUSES, description: "The agent's conversation status ZEGO reports now." })),
    }),
} satisfies Record<FunctionName, ObjectSpec>;

export type FunctionArgs<F extends FunctionName> = Infer<(typeof FUNCTION_ARGS)[F]>;
export type FunctionResult<F extends FunctionName> = Infer<(typeof FUNCTION_RESULTS)[F]>;

export const FUNCTION_DESCRIPTIONS: Record<FunctionName, string> = {
    getAgent:
        "Reads a registered agent's configuration (QueryAgents) without managing it. Credentials in it (llm.apiKey, vendor tokens) are secret. Fails, naming the id, when no such agent is registered.",
    listAgents: "Lists every agent registered with the app (ListAgents, following every page).",
    getAgentInstanceStatus:
        "Reads an agent instance's status (QueryAgentInstanceStatus), e.g. for a smoke check after `pulumi up`. Fails, naming the id, when no such instance exists.",
};
