/**
 * Public types of the ZEGO AI Agent emulator: options, the handle, and what it records.
 * Behaviour and the decisions taken where the ZEGO docs are silent: emulator/README.md.
 */
import type { AgentStatus } from "../provider/schema/api";

export type { AgentStatus };

/** A busy conversation status (setBusy). */
export type BusyStatus = "SPEAKING" | "THINKING" | "LISTENING";

export interface BusyOptions {
    /** Default "SPEAKING". */
    status?: BusyStatus;
    /** How long the instance stays busy before it returns to IDLE; 0 makes it IDLE now. */
    seconds: number;
}

/** One step of a status script: `status` for `seconds`, then the next step; IDLE after the last. */
export interface ScriptStep {
    status: AgentStatus;
    seconds: number;
}

export interface ThrottleResponse {
    /** HTTP status of a throttled request; default 429. */
    httpStatus?: number;
    /** ZEGO `Code` in a JSON body. Default none: the docs name no throttling code, so the body is plain text. */
    code?: number;
    /** Value of the Retry-After header; default 1; 0 sends no header. */
    retryAfterSeconds?: number;
}

export type FaultPhase = "before" | "after";

export interface FaultOptions {
    /** PRNG seed (mulberry32); the same seed and options give the same fault sequence. Default 1. */
    seed?: number;
    /** Probability (0..1) that a request gets an HTTP 5xx with a non-JSON body, as a load balancer sends. */
    http5xxRate?: number;
    /** Statuses to pick from; default [500, 502, 503, 504]. */
    http5xxStatuses?: number[];
    /** Probability (0..1) that the socket is destroyed without a response. */
    resetRate?: number;
    /** Extra latency (ms) on every matching request. */
    latencyMs?: number;
    /** Probability (0..1) of a latency spike of `latencySpikeMs` (default 1000). */
    latencySpikeRate?: number;
    latencySpikeMs?: number;
    /** The next N matching requests never get a response (until reset() or close()). */
    hangNext?: number;
    /** The next N matching requests get the throttle response. */
    throttleBurst?: number;
    /** Restrict faults to these actions (default: every action). */
    actions?: string[];
    /**
     * "before" (default): the failure happens in front of the service (a gateway or load balancer
     * failure) and the action has no effect. "after": the action takes effect and the response is
     * lost. Applies to http5xx, reset and hang; throttling is always "before".
     */
    phase?: FaultPhase;
}

export type DeleteMode = "async" | "wait";
export type AbandonedRequests = "complete" | "drop";

export interface EmulatorOptions {
    appId: number;
    serverSecret: string;
    /** 0 (default) picks an ephemeral port. The emulator listens on 127.0.0.1 only. */
    port?: number;
    /** Live + shutting-down instances without a digital human allowed at once; default 10 (then 410000011). */
    concurrencyLimit?: number;
    /** Live + shutting-down digital-human instances (both kinds) allowed at once; default 10 (then 410001031). */
    digitalHumanConcurrencyLimit?: number;
    /** Per action, in a fixed one-second window; default 10; 0 turns rate limiting off. */
    rateLimitPerSecond?: number;
    throttleResponse?: ThrottleResponse;
    /** Whether DeleteAgentInstance with GracefulShutdown answers at once (default "async") or when the instance is gone. */
    deleteMode?: DeleteMode;
    /** Allowed clock skew of Timestamp, both directions; default 600 (the docs' 10 minutes). */
    timestampWindowSeconds?: number;
    /** Clock (ms since the epoch); default Date.now. Instance timers poll every 100 ms when it is injected. */
    now?: () => number;
    /** Added to every ZEGO API request (not the control API). */
    latencyMs?: number;
    faults?: FaultOptions;
    /**
     * Auto-delete an instance (deletedReason "idle") once no user has been in the room for
     * AdvancedConfig.MaxIdleTime seconds (default 120). Default false: in the emulator no user ever
     * joins, so this would delete every instance after two minutes. Mark a user present with
     * setUserPresent(). Live digital humans follow their own rule, always on: deleted when not
     * driven by SendAgentInstanceTTS for MaxIdleTime seconds (default 900).
     */
    maxIdleTime?: boolean;
    /** Reject a create whose AgentUserId or AgentStreamId is in use with 410000003 instead of emulating the docs' kick / stream failure. */
    strictUniqueness?: boolean;
    /** How long SendAgentInstanceLLM/TTS and StopListening keep the agent SPEAKING; default 3. */
    speakingSeconds?: number;
    /** How long SendAgentInstanceLLM and StopListening keep the agent THINKING before it speaks; default 1. */
    thinkingSeconds?: number;
    /** Most recent request log entries kept; default 10000 (stats count all). */
    requestLogLimit?: number;
    /** The request log's size cap in bytes (its bodies as JSON), oldest entries dropped first; default 16 MiB. */
    requestLogMaxBytes?: number;
    /** Deleted instances kept for inspection, oldest forgotten first; default 1000. */
    deletedHistoryLimit?: number;
    /**
     * A request whose client went away during added latency (latencyMs, faults): "complete" (default)
     * still carries it out, as a real service would once the request has arrived; "drop" does not.
     */
    abandonedRequests?: AbandonedRequests;
    /**
     * Where to POST the agent callbacks (AgentInstanceCreated, AgentInstanceDeleted with its Code),
     * as ZEGO does to the address its support configures (callbacks/receiving-callback.mdx). Default
     * none ("" turns them off). Settable while running (POST /_emulator/options).
     */
    callbackUrl?: string;
    /** Signs the callbacks (the project's CallbackSecret at ZEGO); default DEFAULT_CALLBACK_SECRET. Fixed at start. */
    callbackSecret?: string;
    /** Delays (ms) of the retries of a failed callback, each from the previous attempt; default the documented [2000, 4000, 8000, 16000, 32000]; [] for none. */
    callbackRetryDelaysMs?: number[];
    /**
     * A plain instance created with an AgentStreamId another instance is publishing: "keep" (default)
     * keeps it live with streamFailed; "delete" deletes it at once (deletedReason "stream-failed",
     * AgentInstanceDeleted Code 1206, "failed to start streaming").
     */
    streamFailure?: StreamFailure;
    /**
     * QueryAgentInstanceStatus on a live digital human: "answer" (default) or "refuse" with 410001049,
     * since the docs say only that live digital humans "do not support interface-based control".
     */
    liveStatusQueries?: LiveStatusQueries;
    /** One line per API request and per instance event; never contains a secret. */
    log?: (line: string) => void;
}

export type StreamFailure = "keep" | "delete";
export type LiveStatusQueries = "answer" | "refuse";

/** Options that can change while running (setOptions / POST /_emulator/options). */
export type MutableOptions = Omit<EmulatorOptions, "appId" | "serverSecret" | "port" | "callbackSecret">;

export type InstanceState = "live" | "shutting-down" | "deleted";
export type DeletedReason = "api" | "graceful-timeout" | "idle" | "kicked" | "stream-failed";
export type CreateAction = "CreateAgentInstance" | "CreateDigitalHumanAgentInstance" | "CreateLiveDigitalHumanAgentInstance";

export interface DeleteRequestRecord {
    /** As received, false when omitted. */
    GracefulShutdown: boolean;
    /** As received, 30 (the documented default) when omitted. */
    GracefulShutdownTimeout: number;
    /** Emulator clock, ms. */
    receivedAt: number;
}

export interface EmulatedInstance {
    agentInstanceId: string;
    action: CreateAction;
    agentId: string;
    /** The create request's wire body, secrets redacted. */
    body: Record<string, unknown>;
    /** Current LLM/TTS/ASR/RTC: the create's (or the registered agent's) and then UpdateAgentInstance's; secrets redacted. */
    config: { LLM?: unknown; TTS?: unknown; ASR?: unknown; RTC?: unknown };
    state: InstanceState;
    /** Conversation status now (for a deleted instance: when it was deleted). */
    status: AgentStatus;
    /** Emulator clock, ms. */
    createdAt: number;
    deletedAt?: number;
    deleteRequest?: DeleteRequestRecord;
    deletedReason?: DeletedReason;
    /** The instance whose create reused this one's AgentUserId. */
    kickedBy?: string;
    /** Created with an AgentStreamId another instance was publishing: "the streaming of the later created instance will fail". */
    streamFailed?: boolean;
    /** This create's body (minus secrets) equals that of this instance, live at the time: a likely orphan of a retried create. */
    duplicateOf?: string;
    /** UpdateAgentInstance calls that succeeded. */
    updates: number;
    round: number;
    userPresent: boolean;
}

export interface EmulatedAgent {
    AgentId: string;
    Name?: string;
    LLM?: unknown;
    TTS?: unknown;
    ASR?: unknown;
    registeredAt: number;
    updatedAt: number;
}

export type FaultKind = "http5xx" | "reset" | "hang" | "throttle" | "latency-spike";

export interface InjectedFault {
    kind: FaultKind;
    phase: FaultPhase;
    /** http5xx and throttle: the status sent. */
    httpStatus?: number;
    /** latency-spike: the added delay. */
    delayMs?: number;
}

export interface RequestLogEntry {
    seq: number;
    /** Emulator clock when the request arrived, ms. */
    at: number;
    requestId: string;
    method: string;
    /** The Action query parameter ("" when missing). */
    action: string;
    /** The parsed JSON body, secrets redacted; undefined when it was not JSON, or dropped (bodyDropped). */
    body: unknown;
    /** Why the body is not kept: the request failed the gateway (wrong method, bad signature), or the body alone exceeded requestLogMaxBytes. */
    bodyDropped?: "gateway" | "size";
    /** 0 while pending and when no response was sent (hang, reset). */
    httpStatus: number;
    /** The ZEGO Code the emulator produced (also when an "after" fault then lost the response). */
    code?: number;
    /** The failure injected, if any (a latency spike alone is reported here too). */
    fault?: InjectedFault;
    /** Answered by the rate limiter. */
    throttled?: boolean;
    durationMs?: number;
}

export interface EmulatorStats {
    /** ZEGO API requests received (control API excluded). */
    requests: number;
    byAction: Record<string, number>;
    byCode: Record<string, number>;
    /** Requests answered with the throttle response (rate limiter and throttleBurst). */
    throttled: number;
    /** Failures injected: http5xx, reset, hang and throttleBurst (latency spikes not included). */
    faults: number;
    latencySpikes: number;
    /** Creates whose body (minus secrets) equalled that of an instance live at that time. */
    duplicateCreations: number;
    /** Most instances occupying the concurrency limit (live + shutting-down) at once. */
    maxLive: number;
}

/** The options in force, as options() and GET /_emulator/options show them (no secret, no functions). */
export interface EmulatorOptionsView {
    appId: number;
    concurrencyLimit: number;
    digitalHumanConcurrencyLimit: number;
    rateLimitPerSecond: number;
    throttleResponse: { httpStatus: number; code?: number; retryAfterSeconds: number };
    deleteMode: DeleteMode;
    timestampWindowSeconds: number;
    latencyMs: number;
    maxIdleTime: boolean;
    strictUniqueness: boolean;
    speakingSeconds: number;
    thinkingSeconds: number;
    requestLogLimit: number;
    requestLogMaxBytes: number;
    deletedHistoryLimit: number;
    abandonedRequests: AbandonedRequests;
    /** "" when callbacks are off. */
    callbackUrl: string;
    callbackRetryDelaysMs: number[];
    streamFailure: StreamFailure;
    liveStatusQueries: LiveStatusQueries;
    /** A `now` clock was injected. */
    injectedClock: boolean;
    /** The fault options in force, with what is left of hangNext and throttleBurst. */
    faults: FaultOptions;
}

/** What both the handle and the control API offer. */
export interface EmulatorInspector {
    /** Live, shutting-down and deleted instances, oldest first. */
    instances(): EmulatedInstance[];
    /** One instance (any state); undefined if the emulator never created it (or since reset()). */
    instance(agentInstanceId: string): EmulatedInstance | undefined;
    /** Instances in state "live" (not shutting-down). */
    liveInstances(): EmulatedInstance[];
    agents(): EmulatedAgent[];
    requests(): RequestLogEntry[];
    stats(): EmulatorStats;
    options(): EmulatorOptionsView;
    /** Forget agents, instances, the request log, stats, used nonces and rate windows; restart the fault sequence from its seed. Options and faults stay. */
    reset(): void;
    setOptions(partial: Partial<MutableOptions>): void;
    /** Replace the fault configuration ({} turns faults off); restarts the sequence from the seed. */
    setFaults(faults: FaultOptions): void;
    setBusy(agentInstanceId: string, busy: BusyOptions): void;
    script(agentInstanceId: string, steps: ScriptStep[]): void;
    /** Whether a real user is in the instance's room (only matters with the maxIdleTime option). */
    setUserPresent(agentInstanceId: string, present: boolean): void;
}

export interface EmulatorHandle extends EmulatorInspector {
    /** http://127.0.0.1:PORT — use it as the client's endpoint. */
    readonly url: string;
    readonly port: number;
    readonly appId: number;
    /** Stop listening, end pending and hung requests, clear timers. */
    close(): Promise<void>;
}
