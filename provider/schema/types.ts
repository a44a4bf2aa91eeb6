/**
 * Plain (resolved) camelCase shapes of the ZEGO objects, as the client takes and returns them,
 * inferred from the field table (`api.ts`) as zod's `z.infer` does: a field's name, type and
 * optionality are written once, there. The Pulumi Input variants live next to the resources
 * (`provider/resources/*`). Field meanings and limits: `api.ts` and the README.
 */
import type {
    ACTIONS,
    ADVANCED_CONFIG,
    AGENT,
    AgentStatus,
    ASR,
    CALLBACK_CONFIG,
    CREATE_AGENT_INSTANCE,
    CREATE_DIGITAL_HUMAN_AGENT_INSTANCE,
    CREATE_LIVE_DIGITAL_HUMAN_AGENT_INSTANCE,
    DIGITAL_HUMAN,
    LLM,
    MESSAGE,
    MESSAGE_HISTORY,
    RTC,
    RTC_LIVE,
    TTS,
    TTS_VENDORS,
    VAD,
    VendorParams,
} from "./api";
import type { Infer } from "./spec";

export type { AgentStatus, VendorParams };

type Request<A extends keyof typeof ACTIONS> = Infer<(typeof ACTIONS)[A]["request"]>;

export type Rtc = Infer<typeof RTC>;
export type Llm = Infer<typeof LLM>;
export type TextFilter = Infer<(typeof TTS)["fields"]["filterText"]["items"]>;

/** The vendors the TTS guide lists; other names are passed on (the docs' own examples send "ByteDance", "Minimax"). */
export type KnownTtsVendor = (typeof TTS_VENDORS)[number];

export type Tts = Infer<typeof TTS>;
export type Asr = Infer<typeof ASR>;
export type Vad = Infer<typeof VAD>;
export type Message = Infer<typeof MESSAGE>;
export type MessageHistory = Infer<typeof MESSAGE_HISTORY>;
export type CallbackConfig = Infer<typeof CALLBACK_CONFIG>;
export type AdvancedConfig = Infer<typeof ADVANCED_CONFIG>;
export type DigitalHuman = Infer<typeof DIGITAL_HUMAN>;

export type CreateAgentInstanceRequest = Infer<typeof CREATE_AGENT_INSTANCE>;
export type CreateDigitalHumanAgentInstanceRequest = Infer<typeof CREATE_DIGITAL_HUMAN_AGENT_INSTANCE>;

/** RTC of a live digital human: it publishes but listens to nobody, so there is no userStreamId. */
export type LiveRtc = Infer<typeof RTC_LIVE>;

/** CreateLiveDigitalHumanAgentInstance: `rtc` or `cdn` (CDN wins when both are set). */
export type CreateLiveDigitalHumanAgentInstanceRequest = Infer<typeof CREATE_LIVE_DIGITAL_HUMAN_AGENT_INSTANCE>;

export type AddAgentInstanceMsgRequest = Request<"AddAgentInstanceMsg">;
export type AgentConfig = Infer<typeof AGENT>;
export type UpdateAgentInstanceRequest = Request<"UpdateAgentInstance">;
export type DeleteAgentInstanceRequest = Request<"DeleteAgentInstance">;

export type SendLlmRequest = Request<"SendAgentInstanceLLM">;
export type SendTtsRequest = Request<"SendAgentInstanceTTS">;
export type ListeningRequest = Request<"StartListening">;

export type Priority = NonNullable<SendLlmRequest["priority"]>;
export type SamePriorityOption = NonNullable<SendLlmRequest["samePriorityOption"]>;
