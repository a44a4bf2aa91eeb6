/** The ZEGO AI Agent HTTP client: public surface. */
export { ZegoClient } from "./client";
export type { ListAgentsPage, MessageList, RoundResult } from "./client";
export type { ZegoClientOptions } from "./options";
export { DEFAULT_MAX_REQUESTS_PER_SECOND, DEFAULT_TIMEOUT_MS } from "./options";
export type { ClientEvent, ClientEventListener, ClientEventType, ClientStats } from "./events";
export { ZegoAbortError, ZegoApiError, ZegoConfigError, ZegoError, ZegoValidationError, isZegoApiError } from "./errors";
export type { AbortPhase } from "./errors";
export type { RequestOptions } from "./options";
export { DEFAULT_ADAPTIVE_PACING } from "./adaptive";
export type { AdaptivePacingOptions } from "./adaptive";
export { DEFAULT_RETRY_BUDGET } from "./budget";
export type { RetryBudgetOptions } from "./budget";
export type { ZegoApiErrorDetails } from "./errors";
export { REGION_ENDPOINTS, REGIONS, UNIFIED_ENDPOINT, isLoopbackHost, resolveEndpoint } from "./regions";
export type { EndpointOptions, Region } from "./regions";
export { DEFAULT_RETRY_POLICY, DEFAULT_THROTTLE_SIGNAL, NO_RETRIES, backoffDelayMs, classifyFailure, parseRetryAfterMs } from "./retry";
export type { AttemptFailure, RetryPolicy, ThrottleSignal, Verdict } from "./retry";
export { PACING_MARGIN, RateLimiter, RollingWindowBucket } from "./rateLimiter";
export { systemClock } from "./clock";
export type { Clock } from "./clock";
export { CODE_MEANINGS, Code, TRANSIENT_CODES, codeMeaning } from "./codes";
export { computeSignature, newNonce, signedQuery } from "./signing";
export type { SignedQuery } from "./signing";
export type {
    AdvancedConfig,
    AgentConfig,
    AgentStatus,
    Asr,
    CallbackConfig,
    CreateAgentInstanceRequest,
    CreateDigitalHumanAgentInstanceRequest,
    DeleteAgentInstanceRequest,
    DigitalHuman,
    ListeningRequest,
    Llm,
    Message,
    MessageHistory,
    Rtc,
    SendLlmRequest,
    SendTtsRequest,
    Tts,
    UpdateAgentInstanceRequest,
    Vad,
} from "../schema/types";
