/**
 * The ZEGOCLOUD AI Agent server API as documented (see README "Sources"): every object, field,
 * limit and action, in the spec language of `spec.ts`. Where the docs disagree, the comment says
 * which reading we enforce.
 */
import { arr, bool, Charset, int, num, obj, ObjectSpec, passthrough, required, str } from "./spec";

export const AGENT_ID_CHARSET: Charset = {
    pattern: /^[0-9A-Za-z!#$%&()+\-:;<=.>?@[\]^_{}|~,]*$/,
    description: "letters, digits and !#$%&()+-:;<=.>?@[]^_{}|~,",
};
export const ID_CHARSET: Charset = { pattern: /^[0-9A-Za-z_-]*$/, description: "letters, digits, '-' and '_'" };
/** The RTC object additionally allows '.' (shared-components.yaml). */
export const RTC_ID_CHARSET: Charset = { pattern: /^[0-9A-Za-z_.-]*$/, description: "letters, digits, '-', '_' and '.'" };

const flag = (wire: string) => int(wire, { enum: [0, 1] });

/** Vendor parameters, passed to the vendor untouched. */
export type VendorParams = Record<string, unknown>;

/** ZEGO's bounds of GracefulShutdownTimeout (DeleteAgentInstance), in seconds: the one statement of them. */
export const GRACEFUL_SHUTDOWN_TIMEOUT = { min: 1, max: 120 } as const;

export const agentIdField = required(str("AgentId", { minLength: 1, maxBytes: 128, charset: AGENT_ID_CHARSET, example: "support-agent" }));
export const agentInstanceIdField = required(str("AgentInstanceId", { minLength: 1, example: "1907755175297171456" }));

export const RTC = obj("RTC", {
    roomId: required(str("RoomId", { minLength: 1, maxBytes: 128, charset: RTC_ID_CHARSET, example: "room-1" })),
    agentStreamId: required(str("AgentStreamId", { minLength: 1, maxBytes: 128, charset: RTC_ID_CHARSET, example: "agent-stream-1" })),
    agentUserId: required(str("AgentUserId", { minLength: 1, maxBytes: 32, charset: RTC_ID_CHARSET, example: "agent-1" })),
    userStreamId: required(str("UserStreamId", { minLength: 1, maxBytes: 128, charset: RTC_ID_CHARSET, example: "user-stream-1" })),
    streamExtraInfo: str("StreamExtraInfo", { maxBytes: 1024, example: "extra-info" }),
});

export const LLM = obj("LLM", {
    vendor: str("Vendor", { enum: ["OpenAIChat", "OpenAIResponses"] }),
    url: required(str("Url", { minLength: 1, example: "https://api.openai.com/v1/chat/completions" })),
    apiKey: required(str("ApiKey", { minLength: 1, secret: true, example: "sk-..." })),
    model: required(str("Model", { minLength: 1, example: "gpt-4o-mini" })),
    systemPrompt: str("SystemPrompt", { example: "You are a friendly support agent." }),
    temperature: num("Temperature", { min: 0, max: 2 }),
    topP: num("TopP", { min: 0, max: 1 }),
    params: passthrough("Params", { example: { max_tokens: 512 } }),
    addAgentInfo: bool("AddAgentInfo"),
    agentExtraInfo: passthrough("AgentExtraInfo", { example: { company: "Example Inc." } }),
});

/**
 * The TTS vendors the TTS guide lists (guides/configuring-tts.mdx). Not enforced: the docs' own
 * examples also send "ByteDance" (register-agent.yaml, update-agent.yaml, quick-start.mdx) and
 * "Minimax" (configuring-tts.mdx), so any non-empty name is accepted and ZEGO decides.
 */
export const TTS_VENDORS = ["Aliyun", "ByteDanceV3", "ByteDanceFlowing", "MiniMax", "CosyVoice"] as const;
export const TTS = obj("TTS", {
    vendor: required(str("Vendor", { minLength: 1, suggestions: TTS_VENDORS, note: `for example ${TTS_VENDORS.join(", ")}` })),
    url: str("Url", { example: "wss://tts.example.com/v1" }),
    /** Vendor parameters; `app` holds the vendor credentials (docs: "vendor auth") and is treated as a secret. */
    params: required(
        passthrough<VendorParams & { app: Record<string, unknown> }>("Params", {
            requiredKeys: ["app"],
            example: { app: { api_key: "..." }, voice: "longxiaochun" },
        }),
    ),
    filterText: arr(
        "FilterText",
        obj(undefined, {
            beginCharacters: required(str("BeginCharacters", { example: "(" })),
            endCharacters: required(str("EndCharacters", { example: ")" })),
        }),
    ),
    terminatorText: str("TerminatorText", { maxChars: 4, example: "#" }),
    characterFilter: arr("CharacterFilter", str(undefined, { maxChars: 2, example: "*" })),
});

/** TTS fields fixed at creation: the YAML names FilterText/TerminatorText, the TTS guide Vendor/CharacterFilter. */
export const TTS_FIXED_FIELDS = ["vendor", "filterText", "terminatorText", "characterFilter"] as const;

export const ASR_VENDORS = ["Tencent", "AliyunParaformer", "Microsoft", "AliyunFunASR", "AliyunQwenASR", "VolcSeedASR"] as const;
export const ASR = obj("ASR", {
    vendor: str("Vendor", { enum: ASR_VENDORS }),
    params: passthrough("Params", { example: { hotwords: "ZEGO|10" } }),
    // The VAD fields are deprecated since server 2.12.0 in favour of VAD; still accepted.
    /** @deprecated since ZEGO server 2.12.0: use `vad.turnDetectConfig.silenceSegmentation`. */
    vadSilenceSegmentation: int("VADSilenceSegmentation", { min: 200, max: 2000, note: "milliseconds" }),
    /** @deprecated use `vad.turnDetectConfig.pauseInterval`. */
    pauseInterval: int("PauseInterval", { min: 200, max: 2000, note: "milliseconds" }),
    /** @deprecated use `vad.voiceDetectConfig.sensitiveConfig.level`. */
    vadSensitiveLevel: int("VADSensitiveLevel", { enum: [0, 1, 2, 3] }),
    /** @deprecated use `vad.voiceDetectConfig.sensitiveConfig.minSpeechDur`. */
    vadMinSpeechDur: int("VADMinSpeechDur", { min: 0, max: 1000 }),
    /** @deprecated use `vad.voiceDetectConfig.sensitiveConfig.energyThreshold`. */
    vadEnergyThreshold: num("VADEnergyThreshold", { min: 0, max: 1 }),
    /** @deprecated */
    hotWord: str("HotWord", { note: "deprecated", example: "ZEGO|10" }),
});

export const VAD = obj("VAD", {
    turnDetectConfig: obj("TurnDetectConfig", {
        silenceSegmentation: int("SilenceSegmentation", { min: 200, max: 2000, note: "milliseconds" }),
        pauseInterval: int("PauseInterval", { min: 200, max: 2000, note: "milliseconds" }),
    }),
    voiceDetectConfig: obj("VoiceDetectConfig", {
        sensitiveConfig: obj("SensitiveConfig", {
            level: int("Level", { enum: [0, 1, 2, 3] }),
            minSpeechDur: int("MinSpeechDur", { min: 0, max: 1000 }),
            energyThreshold: num("EnergyThreshold", { min: 0, max: 1 }),
        }),
    }),
});

export const MESSAGE = obj(undefined, {
    role: required(str("Role", { enum: ["user", "assistant"] })),
    content: required(str("Content", { example: "Hello!" })),
});

export const MESSAGE_HISTORY = obj("MessageHistory", {
    syncMode: int("SyncMode", { enum: [0, 1] }),
    messages: arr("Messages", MESSAGE, { maxItems: 100 }),
    // 500 per the YAML and release notes 2.7.0 (one guide still says 100).
    windowSize: int("WindowSize", { min: 0, max: 500 }),
    zim: obj("ZIM", {
        robotId: str("RobotId", { example: "robot-1" }),
        loadMessageCount: int("LoadMessageCount", { min: 0, max: 500 }),
    }),
});

export const CALLBACK_CONFIG = obj("CallbackConfig", {
    asrResult: flag("ASRResult"),
    llmResult: flag("LLMResult"),
    interrupted: flag("Interrupted"),
    userSpeakAction: flag("UserSpeakAction"),
    agentInstanceStatus: flag("AgentInstanceStatus"),
    userAudioData: flag("UserAudioData"),
    hostTag: str("HostTag", { example: "staging" }),
});

export const ADVANCED_CONFIG = obj("AdvancedConfig", {
    interruptMode: int("InterruptMode", { enum: [0, 1] }),
    maxIdleTime: int("MaxIdleTime", { min: 10, max: 1800, note: "seconds", example: 120 }),
    disableTts: bool("DisableTTS"),
    // Open (FORWARD COMPATIBILITY in emulator/README.md): the provider only passes it through, and ZEGO
    // adds modes (docs_all PR 1503: 1, listen-only). 0: full duplex, 2: walkie-talkie (shared-components.yaml).
    communicationMode: int("CommunicationMode", { min: 0, suggestions: [0, 2] }),
    llmMetaInfo: obj("LLMMetaInfo", {
        beginCharacters: str("BeginCharacters", { example: "[" }),
        endCharacters: str("EndCharacters", { example: "]" }),
        sendMetaKeys: arr("SendMetaKeys", str(undefined, { example: "emotion" })),
    }),
    addAsrInfo: bool("AddASRInfo"),
    ttsParamPaths: passthrough<Record<string, string>>("TTSParamPaths", { example: { emotion: "audio.emotion" } }),
});

export const DIGITAL_HUMAN = obj("DigitalHuman", {
    digitalHumanId: required(str("DigitalHumanId", { minLength: 1, example: "digital-human-1" })),
    configId: str("ConfigId", { enum: ["mobile", "web"] }),
    encodeCode: str("EncodeCode", { enum: ["H264"] }),
});

const AGENT_CONFIG_FIELDS = { llm: LLM, tts: TTS, asr: ASR };

export const CREATE_AGENT_INSTANCE = obj(undefined, {
    agentId: agentIdField,
    userId: required(str("UserId", { minLength: 1, maxBytes: 32, charset: ID_CHARSET, example: "user-1" })),
    rtc: required(RTC),
    ...AGENT_CONFIG_FIELDS,
    vad: VAD,
    messageHistory: MESSAGE_HISTORY,
    callbackConfig: CALLBACK_CONFIG,
    advancedConfig: ADVANCED_CONFIG,
});

export const CREATE_DIGITAL_HUMAN_AGENT_INSTANCE = obj(undefined, {
    ...CREATE_AGENT_INSTANCE.fields,
    digitalHuman: required(DIGITAL_HUMAN),
});

export const AGENT = obj(undefined, {
    agentId: agentIdField,
    name: str("Name", { maxBytes: 256, example: "Support agent" }),
    ...AGENT_CONFIG_FIELDS,
});

/** RTC of a live digital human: no UserStreamId (create-live-digital-human-agent-instance.yaml, RTC_Live). */
export const RTC_LIVE = obj("RTC", {
    roomId: RTC.fields.roomId,
    agentStreamId: RTC.fields.agentStreamId,
    agentUserId: RTC.fields.agentUserId,
    streamExtraInfo: RTC.fields.streamExtraInfo,
});

/** MaxIdleTime here means "not driven by SendAgentInstanceTTS for this long" (AdvancedConfig_Live). */
export const LIVE_MAX_IDLE_TIME = { min: 30, max: 86400, default: 900 } as const;

/** CreateLiveDigitalHumanAgentInstance (release 2.13.5; create-live-digital-human-agent-instance.yaml). */
export const CREATE_LIVE_DIGITAL_HUMAN_AGENT_INSTANCE = obj(undefined, {
    agentId: agentIdField,
    digitalHuman: required(DIGITAL_HUMAN),
    // RTC and CDN are mutually exclusive (CDN wins); the docs require neither on its own.
    rtc: RTC_LIVE,
    /** Push the video to a CDN (RTMP URL) instead of an RTC room. */
    cdn: obj("CDN", { url: required(str("Url", { minLength: 1, example: "rtmp://live.example.com/app/stream" })) }),
    tts: TTS,
    callbackConfig: obj("CallbackConfig", {
        interrupted: CALLBACK_CONFIG.fields.interrupted,
        agentInstanceStatus: CALLBACK_CONFIG.fields.agentInstanceStatus,
        hostTag: CALLBACK_CONFIG.fields.hostTag,
    }),
    /** `maxIdleTime` 30..86400 s (default 900): ended when not driven by SendAgentInstanceTTS for that long. */
    advancedConfig: obj("AdvancedConfig", {
        maxIdleTime: int("MaxIdleTime", {
            min: LIVE_MAX_IDLE_TIME.min,
            max: LIVE_MAX_IDLE_TIME.max,
            note: "seconds",
            example: LIVE_MAX_IDLE_TIME.default,
        }),
        disableTts: ADVANCED_CONFIG.fields.disableTts,
        ttsParamPaths: ADVANCED_CONFIG.fields.ttsParamPaths,
    }),
});

/**
 * What UpdateAgentInstance can change, the one statement of it: "Only LLM, TTS, ASR and
 * RTC.UserStreamId can change" (update-agent-instance.yaml). The config objects are replaced whole;
 * of RTC only the fields listed here.
 */
const INSTANCE_UPDATE = { ...AGENT_CONFIG_FIELDS, rtc: obj("RTC", { userStreamId: RTC.fields.userStreamId }) };
/** The instance arguments UpdateAgentInstance replaces whole. */
export const INSTANCE_UPDATE_WHOLE = Object.keys(AGENT_CONFIG_FIELDS) as (keyof typeof AGENT_CONFIG_FIELDS)[];
/** The RTC fields UpdateAgentInstance can change (any other RTC change needs a new instance). */
export const RTC_UPDATABLE = Object.keys(INSTANCE_UPDATE.rtc.fields) as (keyof typeof INSTANCE_UPDATE.rtc.fields)[];

const ROUND = obj(undefined, { round: int("Round") });
const EMPTY = obj(undefined, {});
const INSTANCE_ONLY = obj(undefined, { agentInstanceId: agentInstanceIdField });
const PRIORITY = {
    priority: str("Priority", { enum: ["Low", "Medium", "High"] }),
    samePriorityOption: str("SamePriorityOption", { enum: ["ClearAndInterrupt", "Enqueue"] }),
};
const LISTENING = obj(undefined, {
    agentInstanceId: agentInstanceIdField,
    userId: str("UserId", { maxBytes: 32, charset: ID_CHARSET }),
    sequence: int("Sequence"),
});

export const AGENT_STATUSES = ["IDLE", "LISTENING", "THINKING", "SPEAKING"] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export interface ActionSpec {
    readonly request: ObjectSpec;
    readonly response: ObjectSpec;
    /** Creates something remotely: a retry after an ambiguous failure could create a second one. */
    readonly creates?: boolean;
    /**
     * `false`: sending the request twice does something twice (the agent speaks twice, messages
     * are appended twice), so after a failure that may have taken effect it must not be repeated.
     * Default: repeatable (deletes, updates, queries and the like: a second request changes nothing,
     * or, for a delete, answers 410001002 "not found", which callers treat as gone). Creates are
     * never repeatable, whatever this says.
     */
    readonly repeatable?: boolean;
}

/**
 * A retry after a failure that may have taken effect could do the work twice: the action creates
 * something or is marked `repeatable: false`. Such actions are retried only when the failed
 * request provably had no effect.
 */
export function unsafeToRepeat(spec: ActionSpec): boolean {
    return spec.creates === true || spec.repeatable === false;
}

/** Every action the client speaks, keyed by its ZEGO name. */
export const ACTIONS = {
    RegisterAgent: { request: AGENT, response: EMPTY, creates: true },
    UpdateAgent: {
        request: obj(undefined, { ...AGENT.fields, name: { ...AGENT.fields.name, maxBytes: 64 } }),
        response: EMPTY,
    },
    UnregisterAgent: { request: obj(undefined, { agentId: agentIdField }), response: EMPTY },
    QueryAgents: {
        request: obj(undefined, { agentIds: required(arr("AgentIds", str(undefined), { maxItems: 10 })) }),
        response: obj(undefined, { agents: arr("Agents", AGENT) }),
    },
    ListAgents: {
        request: obj(undefined, { limit: int("Limit", { min: 0, max: 10 }), cursor: str("Cursor") }),
        response: obj(undefined, { total: int("Total"), agents: arr("Agents", AGENT), cursor: str("Cursor") }),
    },
    CreateAgentInstance: {
        request: CREATE_AGENT_INSTANCE,
        response: obj(undefined, { agentInstanceId: str("AgentInstanceId") }),
        creates: true,
    },
    CreateDigitalHumanAgentInstance: {
        request: CREATE_DIGITAL_HUMAN_AGENT_INSTANCE,
        response: obj(undefined, { agentInstanceId: str("AgentInstanceId"), digitalHumanConfig: str("DigitalHumanConfig") }),
        creates: true,
    },
    CreateLiveDigitalHumanAgentInstance: {
        request: CREATE_LIVE_DIGITAL_HUMAN_AGENT_INSTANCE,
        response: obj(undefined, { agentInstanceId: str("AgentInstanceId"), digitalHumanConfig: str("DigitalHumanConfig") }),
        creates: true,
    },
    UpdateAgentInstance: {
        request: obj(undefined, { agentInstanceId: agentInstanceIdField, ...INSTANCE_UPDATE }),
        response: EMPTY,
    },
    DeleteAgentInstance: {
        request: obj(undefined, {
            agentInstanceId: agentInstanceIdField,
            gracefulShutdown: bool("GracefulShutdown"),
            /** Only used with gracefulShutdown. */
            gracefulShutdownTimeout: int("GracefulShutdownTimeout", { ...GRACEFUL_SHUTDOWN_TIMEOUT, note: "seconds", example: 60 }),
        }),
        response: EMPTY,
    },
    QueryAgentInstanceStatus: {
        request: INSTANCE_ONLY,
        response: obj(undefined, { status: str("Status", { enum: AGENT_STATUSES }) }),
    },
    SendAgentInstanceLLM: {
        request: obj(undefined, {
            agentInstanceId: agentInstanceIdField,
            text: required(str("Text", { minLength: 1 })),
            systemPrompt: str("SystemPrompt"),
            addQuestionToHistory: bool("AddQuestionToHistory"),
            addAnswerToHistory: bool("AddAnswerToHistory"),
            ...PRIORITY,
        }),
        response: ROUND,
        // A second request would make the agent answer the same text again.
        repeatable: false,
    },
    SendAgentInstanceTTS: {
        request: obj(undefined, {
            agentInstanceId: agentInstanceIdField,
            text: required(str("Text", { minLength: 1, maxChars: 300 })),
            addHistory: bool("AddHistory"),
            /** @deprecated use priority / samePriorityOption */
            interruptMode: int("InterruptMode", { enum: [0, 1], note: "deprecated: use priority" }),
            ...PRIORITY,
        }),
        response: ROUND,
        // A second request would make the agent say the text twice.
        repeatable: false,
    },
    InterruptAgentInstance: { request: INSTANCE_ONLY, response: ROUND },
    GetAgentInstanceMsgList: {
        request: INSTANCE_ONLY,
        response: obj(undefined, { total: int("Total"), messageList: arr("MessageList", MESSAGE) }),
    },
    ResetAgentInstanceMsgList: { request: INSTANCE_ONLY, response: EMPTY },
    // Only AgentInstanceId is required (add-agent-instance-msg.yaml).
    AddAgentInstanceMsg: {
        request: obj(undefined, { agentInstanceId: agentInstanceIdField, messages: arr("Messages", MESSAGE) }),
        response: EMPTY,
        // A second request would append the messages again.
        repeatable: false,
    },
    // Repeatable: they set a state rather than add to one, and a repeat carries the same Sequence
    // (when one is given), which ZEGO refuses as outdated (410001043) instead of acting on it twice;
    // after a retry, that answer means the first attempt got through.
    StartListening: { request: LISTENING, response: ROUND },
    StopListening: { request: LISTENING, response: ROUND },
} satisfies Record<string, ActionSpec>;

export type ActionName = keyof typeof ACTIONS;
export const ACTION_NAMES = Object.keys(ACTIONS) as ActionName[];
