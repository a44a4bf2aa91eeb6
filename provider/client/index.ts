/**
 * The ZEGO AI Agent HTTP client: public surface. Everything exported here is frozen by semver;
 * helpers (pacing, retry maths, signing internals, region table) stay in their own modules and
 * are imported from there by the provider, the emulator and the tests.
 */
export { ZegoClient } from "./client";
export type { ListAgentsPage, MessageList, RoundResult } from "./client";
export type { RequestOptions, ZegoClientOptions } from "./options";
export type { AdaptivePacingOptions } from "./adaptive";
export type { RetryBudgetOptions } from "./budget";
export type { RetryPolicy } from "./retry";
export type { Region } from "./regions";
export type { Clock } from "./clock";
export type { ClientEvent, ClientEventListener, ClientEventType, ClientStats } from "./events";
export { ZegoAbortError, ZegoApiError, ZegoConfigError, ZegoError, ZegoValidationError, isZegoApiError } from "./errors";
export type { AbortPhase, ZegoApiErrorDetails } from "./errors";
export { Code } from "./codes";
export { computeSignature } from "./signing";
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
