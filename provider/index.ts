/**
 * pulumi-zego-aiagent: ZEGOCLOUD AI Agent instances as Pulumi resources, the ZEGO API client they
 * use, and (from `pulumi-zego-aiagent/emulator`) a local emulator of the ZEGO API.
 * Only what is listed here is public (tests/unit/publicSurface.test.ts pins the list);
 * `pulumi-zego-aiagent/runtime` is internal (loaded by the serialized provider).
 */
export { Agent, AgentArgs } from "./resources/agent";
export { AgentInstance, AgentInstanceArgs } from "./resources/agentInstance";
export { DigitalHumanAgentInstance, DigitalHumanAgentInstanceArgs } from "./resources/digitalHumanAgentInstance";
export { LiveDigitalHumanAgentInstance, LiveDigitalHumanAgentInstanceArgs } from "./resources/liveDigitalHumanAgentInstance";
export {
    getAgent,
    GetAgentArgs,
    GetAgentResult,
    listAgents,
    ListAgentsResult,
    FunctionOptions,
    getAgentInstanceStatus,
    GetAgentInstanceStatusArgs,
    GetAgentInstanceStatusResult,
} from "./functions";
export * from "./client";
export type {
    AddAgentInstanceMsgRequest,
    CreateLiveDigitalHumanAgentInstanceRequest,
    KnownTtsVendor,
    LiveRtc,
    Priority,
    SamePriorityOption,
    TextFilter,
    VendorParams,
} from "./schema/types";
export { CONFIG_KEYS, ENV_VARS, DEFAULTS, DeletionSettings } from "./lifecycle/settings";
export type { ZegoConnection } from "./schema/resources";
export { UNKNOWN } from "./schema/unknown";
