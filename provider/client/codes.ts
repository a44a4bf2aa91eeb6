/**
 * ZEGO AI Agent return codes and their documented meanings (return-codes page, 2026-07-17), and
 * our classification of them. The docs classify nothing as retryable; the classification below is
 * ours (README "Retries") and is the single place to change it.
 */
export const CODE_MEANINGS: Readonly<Record<number, string>> = {
    0: "Success",
    100000000: "Bad Host header",
    100000001: "Bad AppId format",
    100000002: "Timestamp empty",
    100000003: "Bad Timestamp format",
    100000004: "Signature expired (check the machine clock: the timestamp must be within 10 minutes of ZEGO's)",
    100000005: "Signature error (check the AppId and ServerSecret)",
    100000006: "Action empty",
    100000007: "Unsupported Action",
    100000008: "SignatureNonce empty",
    100000009: "Signature empty",
    100000010: "Failed to get ServerSecret (check the AppId)",
    100000011: "Failed to get App config",
    100000012: "Failed to read HTTP body",
    100000013: "SignatureVersion empty",
    100000014: "Unsupported SignatureVersion (only 2.0)",
    100000015: "Internal gateway error",
    100000017: "App has not enabled the service",
    410000001: "System error",
    410000002: "Invalid AppID",
    410000003: "Invalid parameter",
    410000004: "JSON parse failed",
    410000005: "Gateway auth failed",
    410000006: "Service not enabled",
    410000009: "Internal service call failed",
    410000010: "Insufficient service resources",
    410000011: "App online-instance concurrency limit reached (delete instances or ask ZEGO to raise the limit)",
    410000014: "Invalid digital-human parameter",
    410001002: "AI agent instance not found (it may have been deleted)",
    410001003: "Create failed",
    410001004: "Modify failed",
    410001005: "Delete failed",
    410001006: "Active LLM call failed",
    410001007: "Active TTS call failed",
    410001008: "Agent already exists",
    410001009: "Agent not found",
    410001010: "Load message history failed",
    410001011: "Instance update failed",
    410001013: "Agent is listening: cannot trigger LLM/TTS",
    410001016: "User does not exist: check that the user is logged in to the instance's room",
    410001022: "Get context failed",
    410001023: "Reset context failed",
    410001024: "Interrupt failed",
    410001025: "Digital human resources insufficient",
    410001026: "Digital human ConfigId unsupported",
    410001027: "Digital human DigitalHumanId wrong",
    410001028: "Digital human instance create failed",
    410001029: "Digital human interface frequency limit",
    410001030: "Digital human stream ID duplicate",
    410001031: "Digital human concurrency limit",
    410001032: "Digital human system error",
    410001033: "LLM test account expired",
    410001034: "TTS test account expired",
    410001035: "App test account expired",
    410001041: "Instance is being gracefully shut down (no further operations)",
    410001042: "Not walkie-talkie mode",
    410001043: "Sequence outdated",
    410001044: "Start listening failed",
    410001045: "Stop listening failed",
    410001046: "User not streaming yet",
    410001047: "ApiKey zego_test used with an invalid LLM.Url",
    410001048: "DigitalHumanId not owned by this App",
    410001049: "API control of a live digital human is prohibited",
};

/** Named codes the rest of the code base branches on. */
export const Code = {
    Success: 0,
    SignatureExpired: 100000004,
    SignatureError: 100000005,
    UnsupportedAction: 100000007,
    GatewayInternal: 100000015,
    SystemError: 410000001,
    InvalidParameter: 410000003,
    InternalCallFailed: 410000009,
    InsufficientResources: 410000010,
    ConcurrencyLimit: 410000011,
    InstanceNotFound: 410001002,
    AgentAlreadyExists: 410001008,
    AgentNotFound: 410001009,
    DigitalHumanFrequencyLimit: 410001029,
    DigitalHumanStreamInUse: 410001030,
    ShuttingDown: 410001041,
    LiveDigitalHumanControlled: 410001049,
} as const;

/** Transient server faults: retried with backoff (inference, not documented). */
export const TRANSIENT_CODES: ReadonlySet<number> = new Set([
    Code.GatewayInternal,
    Code.SystemError,
    Code.InternalCallFailed,
    Code.InsufficientResources,
]);

/**
 * Answers about the request or the resource, not about the service's load: such a request passed
 * the app's rate limit and was judged on its merits, so adaptive pacing counts it like a success
 * (retry.ts judgedOnMerits). An allowlist: an undocumented code or a server fault says nothing of
 * the kind. Not the answers a wait repeats (410001041 "shutting down", 410001049 for a live digital
 * human polled through DeleteAgentInstance): counted, they raised the rate of the very action a
 * speaking agent's wait was polling with, taking other stacks' deletes of the same app past their bound.
 */
export const MERIT_ANSWERS: ReadonlySet<number> = new Set([
    Code.InvalidParameter,
    Code.InstanceNotFound,
    Code.AgentAlreadyExists,
    Code.AgentNotFound,
]);

export function codeMeaning(code: number): string {
    return CODE_MEANINGS[code] ?? "undocumented code";
}
