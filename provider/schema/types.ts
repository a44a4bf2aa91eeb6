/**
 * Plain (resolved) camelCase shapes of the ZEGO objects, as the client takes and returns them.
 * The Pulumi Input variants live next to the resources (`provider/resources/*`).
 * Field meanings and limits: `api.ts` and the README.
 */
import type { AgentStatus, TTS_VENDORS } from "./api";

export type { AgentStatus };
export type VendorParams = Record<string, unknown>;

export interface Rtc {
    roomId: string;
    agentStreamId: string;
    agentUserId: string;
    userStreamId: string;
    streamExtraInfo?: string;
}

export interface Llm {
    vendor?: "OpenAIChat" | "OpenAIResponses";
    url: string;
    apiKey: string;
    model: string;
    systemPrompt?: string;
    temperature?: number;
    topP?: number;
    params?: VendorParams;
    addAgentInfo?: boolean;
    agentExtraInfo?: Record<string, unknown>;
}

export interface TextFilter {
    beginCharacters: string;
    endCharacters: string;
}

/** The vendors the TTS guide lists; other names are passed on (the docs' own examples send "ByteDance", "Minimax"). */
export type KnownTtsVendor = (typeof TTS_VENDORS)[number];

export interface Tts {
    // `string & {}` keeps the known names as editor suggestions while accepting any name.
    vendor: KnownTtsVendor | (string & {});
    url?: string;
    /** Vendor parameters; `app` holds the vendor credentials and is treated as a secret. */
    params: VendorParams & { app: Record<string, unknown> };
    filterText?: TextFilter[];
    terminatorText?: string;
    characterFilter?: string[];
}

export interface Asr {
    vendor?: "Tencent" | "AliyunParaformer" | "Microsoft" | "AliyunFunASR" | "AliyunQwenASR" | "VolcSeedASR";
    params?: VendorParams;
    /** @deprecated since ZEGO server 2.12.0: use `vad.turnDetectConfig.silenceSegmentation`. */
    vadSilenceSegmentation?: number;
    /** @deprecated use `vad.turnDetectConfig.pauseInterval`. */
    pauseInterval?: number;
    /** @deprecated use `vad.voiceDetectConfig.sensitiveConfig.level`. */
    vadSensitiveLevel?: 0 | 1 | 2 | 3;
    /** @deprecated use `vad.voiceDetectConfig.sensitiveConfig.minSpeechDur`. */
    vadMinSpeechDur?: number;
    /** @deprecated use `vad.voiceDetectConfig.sensitiveConfig.energyThreshold`. */
    vadEnergyThreshold?: number;
    /** @deprecated */
    hotWord?: string;
}

export interface Vad {
    turnDetectConfig?: { silenceSegmentation?: number; pauseInterval?: number };
    voiceDetectConfig?: { sensitiveConfig?: { level?: 0 | 1 | 2 | 3; minSpeechDur?: number; energyThreshold?: number } };
}

export interface Message {
    role: "user" | "assistant";
    content: string;
}

export interface MessageHistory {
    syncMode?: 0 | 1;
    messages?: Message[];
    windowSize?: number;
    zim?: { robotId?: string; loadMessageCount?: number };
}

type Flag = 0 | 1;
export interface CallbackConfig {
    asrResult?: Flag;
    llmResult?: Flag;
    interrupted?: Flag;
    userSpeakAction?: Flag;
    agentInstanceStatus?: Flag;
    userAudioData?: Flag;
    hostTag?: string;
}

export interface AdvancedConfig {
    interruptMode?: 0 | 1;
    maxIdleTime?: number;
    disableTts?: boolean;
    communicationMode?: 0 | 2;
    llmMetaInfo?: { beginCharacters?: string; endCharacters?: string; sendMetaKeys?: string[] };
    addAsrInfo?: boolean;
    ttsParamPaths?: Record<string, string>;
}

export interface DigitalHuman {
    digitalHumanId: string;
    configId?: "mobile" | "web";
    encodeCode?: "H264";
}

export interface CreateAgentInstanceRequest {
    agentId: string;
    userId: string;
    rtc: Rtc;
    llm?: Llm;
    tts?: Tts;
    asr?: Asr;
    vad?: Vad;
    messageHistory?: MessageHistory;
    callbackConfig?: CallbackConfig;
    advancedConfig?: AdvancedConfig;
}

export interface CreateDigitalHumanAgentInstanceRequest extends CreateAgentInstanceRequest {
    digitalHuman: DigitalHuman;
}

/** RTC of a live digital human: it publishes but listens to nobody, so there is no userStreamId. */
export type LiveRtc = Omit<Rtc, "userStreamId">;

/** CreateLiveDigitalHumanAgentInstance: `rtc` or `cdn` (CDN wins when both are set). */
export interface CreateLiveDigitalHumanAgentInstanceRequest {
    agentId: string;
    digitalHuman: DigitalHuman;
    rtc?: LiveRtc;
    /** Push the video to a CDN (RTMP URL) instead of an RTC room. */
    cdn?: { url: string };
    tts?: Tts;
    callbackConfig?: Pick<CallbackConfig, "interrupted" | "agentInstanceStatus" | "hostTag">;
    /** `maxIdleTime` 30..86400 s (default 900): ended when not driven by SendAgentInstanceTTS for that long. */
    advancedConfig?: Pick<AdvancedConfig, "maxIdleTime" | "disableTts" | "ttsParamPaths">;
}

export interface AddAgentInstanceMsgRequest {
    agentInstanceId: string;
    messages?: Message[];
}

export interface AgentConfig {
    agentId: string;
    name?: string;
    llm?: Llm;
    tts?: Tts;
    asr?: Asr;
}

export interface UpdateAgentInstanceRequest {
    agentInstanceId: string;
    llm?: Llm;
    tts?: Tts;
    asr?: Asr;
    rtc?: { userStreamId: string };
}

export interface DeleteAgentInstanceRequest {
    agentInstanceId: string;
    gracefulShutdown?: boolean;
    /** 1..120 seconds; only used with gracefulShutdown. */
    gracefulShutdownTimeout?: number;
}

export type Priority = "Low" | "Medium" | "High";
export type SamePriorityOption = "ClearAndInterrupt" | "Enqueue";

export interface SendLlmRequest {
    agentInstanceId: string;
    text: string;
    systemPrompt?: string;
    addQuestionToHistory?: boolean;
    addAnswerToHistory?: boolean;
    priority?: Priority;
    samePriorityOption?: SamePriorityOption;
}

export interface SendTtsRequest {
    agentInstanceId: string;
    text: string;
    addHistory?: boolean;
    /** @deprecated use priority / samePriorityOption */
    interruptMode?: 0 | 1;
    priority?: Priority;
    samePriorityOption?: SamePriorityOption;
}

export interface ListeningRequest {
    agentInstanceId: string;
    userId?: string;
    sequence?: number;
}
