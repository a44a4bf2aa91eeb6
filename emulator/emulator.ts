/**
 * The emulator without its HTTP server: options, the service state, the gateway's nonce cache,
 * the rate limiter, fault injection, the request log and the stats. server.ts drives it per
 * request; the handle and the control API inspect and steer it.
 */
import { CallbackSender, DOCUMENTED_RETRY_DELAYS_MS } from "./callbacks";
import { FaultInjector } from "./faults";
import { NonceCache } from "./gateway";
import { IdGenerator } from "./ids";
import { FixedWindowRateLimiter } from "./rateLimit";
import { redact } from "./redact";
import { EmulatorState, StateSettings } from "./state";
import type {
    AbandonedRequests,
    BusyOptions,
    DeleteMode,
    EmulatedAgent,
    EmulatedInstance,
    EmulatorInspector,
    EmulatorOptions,
    EmulatorOptionsView,
    EmulatorStats,
    FaultKind,
    FaultOptions,
    LiveStatusQueries,
    MutableOptions,
    RequestLogEntry,
    ScriptStep,
    StreamFailure,
    ThrottleResponse,
} from "./types";

/** The local development CallbackSecret the emulator signs callbacks with when none is given. Not a real app's. */
export const DEFAULT_CALLBACK_SECRET = "emulator-callback-secret";

export const DEFAULTS = {
    port: 0,
    concurrencyLimit: 10,
    digitalHumanConcurrencyLimit: 10,
    rateLimitPerSecond: 10,
    deleteMode: "async" as DeleteMode,
    timestampWindowSeconds: 600,
    latencyMs: 0,
    maxIdleTime: false,
    strictUniqueness: false,
    speakingSeconds: 3,
    thinkingSeconds: 1,
    requestLogLimit: 10000,
    requestLogMaxBytes: 16 * 1024 * 1024,
    deletedHistoryLimit: 1000,
    abandonedRequests: "complete" as AbandonedRequests,
    callbackUrl: "",
    callbackRetryDelaysMs: DOCUMENTED_RETRY_DELAYS_MS,
    streamFailure: "keep" as StreamFailure,
    liveStatusQueries: "answer" as LiveStatusQueries,
    throttleHttpStatus: 429,
    retryAfterSeconds: 1,
};

/** The defaults of the settings (options fixed at start, and the throttle response's parts, aside). */
const { port: _port, throttleHttpStatus: _status, retryAfterSeconds: _retryAfter, ...SETTING_DEFAULTS } = DEFAULTS;

type Settings = Required<Omit<MutableOptions, "now" | "log" | "faults" | "throttleResponse">> & {
    throttleResponse: ThrottleResponse;
    now?: () => number;
    log?: (line: string) => void;
};

const MUTABLE_KEYS: readonly (keyof MutableOptions)[] = [
    "concurrencyLimit",
    "digitalHumanConcurrencyLimit",
    "rateLimitPerSecond",
    "throttleResponse",
    "deleteMode",
    "timestampWindowSeconds",
    "now",
    "latencyMs",
    "faults",
    "maxIdleTime",
    "strictUniqueness",
    "speakingSeconds",
    "thinkingSeconds",
    "requestLogLimit",
    "requestLogMaxBytes",
    "deletedHistoryLimit",
    "abandonedRequests",
    "callbackUrl",
    "callbackRetryDelaysMs",
    "streamFailure",
    "liveStatusQueries",
    "log",
];

/** Throws a RangeError naming the first bad option. */
export function checkOptions(options: Partial<EmulatorOptions>, mutableOnly: boolean): void {
    const bad = (name: string, what: string, got: unknown) => {
        throw new RangeError(`Emulator option ${name} must be ${what}; got ${JSON.stringify(got)}.`);
    };
    for (const key of Object.keys(options)) {
        const known =
            (MUTABLE_KEYS as readonly string[]).includes(key) ||
            (!mutableOnly && ["appId", "serverSecret", "port", "callbackSecret"].includes(key));
        if (!known) {
            bad(
                key,
                mutableOnly
                    ? `one of ${MUTABLE_KEYS.join(", ")} (appId, serverSecret, port and callbackSecret are fixed at start)`
                    : "a known option",
                key,
            );
        }
    }
    const o = options as Record<string, unknown>;
    const int = (name: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
        const v = o[name];
        if (v !== undefined && !(typeof v === "number" && Number.isInteger(v) && v >= min && v <= max))
            bad(name, `an integer from ${min} to ${max}`, v);
    };
    const nonNegative = (name: string) => {
        const v = o[name];
        if (v !== undefined && !(typeof v === "number" && Number.isFinite(v) && v >= 0)) bad(name, "a number, 0 or more", v);
    };
    const boolean = (name: string) => {
        if (o[name] !== undefined && typeof o[name] !== "boolean") bad(name, "true or false", o[name]);
    };
    const fn = (name: string) => {
        if (o[name] !== undefined && typeof o[name] !== "function") bad(name, "a function", typeof o[name]);
    };
    if (!mutableOnly) {
        int("appId", 0, 4294967295);
        if (options.appId === undefined) bad("appId", "an integer from 0 to 4294967295", undefined);
        if (typeof options.serverSecret !== "string" || options.serverSecret === "")
            bad("serverSecret", "a non-empty string", options.serverSecret === undefined ? undefined : "(a non-string or empty value)");
        int("port", 0, 65535);
        if (options.callbackSecret !== undefined && (typeof options.callbackSecret !== "string" || options.callbackSecret === ""))
            bad("callbackSecret", "a non-empty string", "(a non-string or empty value)");
    }
    const cb = options.callbackUrl;
    if (cb !== undefined && cb !== "" && !(typeof cb === "string" && /^https?:\/\/[^\s]+$/.test(cb)))
        bad("callbackUrl", `an http:// or https:// URL, or "" for none`, cb);
    const delays = options.callbackRetryDelaysMs;
    if (delays !== undefined && !(Array.isArray(delays) && delays.every((d) => Number.isInteger(d) && d >= 0)))
        bad("callbackRetryDelaysMs", "a list of whole milliseconds, 0 or more", delays);
    if (options.streamFailure !== undefined && options.streamFailure !== "keep" && options.streamFailure !== "delete")
        bad("streamFailure", `"keep" or "delete"`, options.streamFailure);
    if (options.liveStatusQueries !== undefined && options.liveStatusQueries !== "answer" && options.liveStatusQueries !== "refuse")
        bad("liveStatusQueries", `"answer" or "refuse"`, options.liveStatusQueries);
    int("concurrencyLimit", 0);
    int("digitalHumanConcurrencyLimit", 0);
    int("rateLimitPerSecond", 0);
    int("timestampWindowSeconds", 0);
    int("requestLogLimit", 0);
    int("requestLogMaxBytes", 0);
    int("deletedHistoryLimit", 0);
    if (options.abandonedRequests !== undefined && options.abandonedRequests !== "complete" && options.abandonedRequests !== "drop")
        bad("abandonedRequests", `"complete" or "drop"`, options.abandonedRequests);
    nonNegative("latencyMs");
    nonNegative("speakingSeconds");
    nonNegative("thinkingSeconds");
    boolean("maxIdleTime");
    boolean("strictUniqueness");
    fn("now");
    fn("log");
    if (options.deleteMode !== undefined && options.deleteMode !== "async" && options.deleteMode !== "wait")
        bad("deleteMode", `"async" or "wait"`, options.deleteMode);
    const t = options.throttleResponse;
    if (t !== undefined) {
        if (t === null || typeof t !== "object") bad("throttleResponse", "an object", t);
        if (t.httpStatus !== undefined && !(Number.isInteger(t.httpStatus) && t.httpStatus >= 200 && t.httpStatus <= 599))
            bad("throttleResponse.httpStatus", "an HTTP status from 200 to 599", t.httpStatus);
        if (t.code !== undefined && !Number.isInteger(t.code)) bad("throttleResponse.code", "an integer", t.code);
        if (t.retryAfterSeconds !== undefined && !(Number.isInteger(t.retryAfterSeconds) && t.retryAfterSeconds >= 0)) {
            bad("throttleResponse.retryAfterSeconds", "an integer, 0 or more", t.retryAfterSeconds);
        }
    }
}

export class Emulator implements EmulatorInspector {
    readonly appId: number;
    readonly serverSecret: string;
    readonly state: EmulatorState;
    readonly faults: FaultInjector;
    readonly limiter = new FixedWindowRateLimiter();
    readonly nonces = new NonceCache();
    readonly callbacks: CallbackSender;
    private readonly requestIds = new IdGenerator();
    private settings: Settings;
    private log: RequestLogEntry[] = [];
    /** Size of each log entry's body as JSON, parallel to `log`, and their sum (requestLogMaxBytes). */
    private logSizes: number[] = [];
    private logBytes = 0;
    private seq = 0;
    private counters = emptyCounters();
    /** Called on reset() (the server drops hung requests). */
    onReset?: () => void;

    constructor(options: EmulatorOptions) {
        checkOptions(options, false);
        this.appId = options.appId;
        this.serverSecret = options.serverSecret;
        // Every mutable option given, over its default (faults and the throttle response are kept apart).
        const given = Object.fromEntries(
            MUTABLE_KEYS.filter((k) => k !== "faults" && options[k] !== undefined).map((k) => [k, options[k]]),
        );
        this.settings = {
            ...SETTING_DEFAULTS,
            ...given,
            throttleResponse: { ...options.throttleResponse },
            callbackRetryDelaysMs: [...(options.callbackRetryDelaysMs ?? DEFAULTS.callbackRetryDelaysMs)],
        } as Settings;
        this.faults = new FaultInjector(options.faults ?? {});
        this.callbacks = new CallbackSender({
            appId: this.appId,
            callbackSecret: options.callbackSecret ?? DEFAULT_CALLBACK_SECRET,
            now: () => this.now(),
            url: () => this.settings.callbackUrl || undefined,
            retryDelaysMs: () => this.settings.callbackRetryDelaysMs,
            log: (line) => this.logLine(line),
        });
        this.state = new EmulatorState({
            now: () => this.now(),
            settings: (): StateSettings => ({
                concurrencyLimit: this.settings.concurrencyLimit,
                digitalHumanConcurrencyLimit: this.settings.digitalHumanConcurrencyLimit,
                deleteMode: this.settings.deleteMode,
                maxIdleTime: this.settings.maxIdleTime,
                strictUniqueness: this.settings.strictUniqueness,
                speakingSeconds: this.settings.speakingSeconds,
                thinkingSeconds: this.settings.thinkingSeconds,
                pollTimers: this.settings.now !== undefined,
                deletedHistoryLimit: this.settings.deletedHistoryLimit,
                streamFailure: this.settings.streamFailure,
                liveStatusQueries: this.settings.liveStatusQueries,
            }),
            log: (line) => this.logLine(line),
            callbacks: this.callbacks,
        });
    }

    /** The emulator clock (ms). Date.now is looked up on each call, so fake timers apply. */
    now(): number {
        return this.settings.now ? this.settings.now() : Date.now();
    }

    get rateLimitPerSecond(): number {
        return this.settings.rateLimitPerSecond;
    }
    get timestampWindowSeconds(): number {
        return this.settings.timestampWindowSeconds;
    }
    get abandonedRequests(): AbandonedRequests {
        return this.settings.abandonedRequests;
    }
    get latencyMs(): number {
        return this.settings.latencyMs;
    }
    get throttleResponse(): Required<Omit<ThrottleResponse, "code">> & Pick<ThrottleResponse, "code"> {
        const t = this.settings.throttleResponse;
        return {
            httpStatus: t.httpStatus ?? DEFAULTS.throttleHttpStatus,
            code: t.code,
            retryAfterSeconds: t.retryAfterSeconds ?? DEFAULTS.retryAfterSeconds,
        };
    }

    logLine(line: string): void {
        this.settings.log?.(line);
    }

    // ---- request log and counters (server.ts) ----

    newRequestId(): string {
        return this.requestIds.next(this.now());
    }

    beginRequest(method: string, action: string, body: unknown): RequestLogEntry {
        let kept = body === undefined ? undefined : redact(body);
        let size = kept === undefined ? 0 : JSON.stringify(kept).length;
        const tooBig = size > this.settings.requestLogMaxBytes;
        if (tooBig) [kept, size] = [undefined, 0];
        const entry: RequestLogEntry = {
            seq: ++this.seq,
            at: this.now(),
            requestId: this.newRequestId(),
            method,
            action,
            body: kept,
            httpStatus: 0,
        };
        if (tooBig) entry.bodyDropped = "size";
        this.counters.requests++;
        const key = action || "(none)";
        this.counters.byAction[key] = (this.counters.byAction[key] ?? 0) + 1;
        this.log.push(entry);
        this.logSizes.push(size);
        this.logBytes += size;
        this.trimLog();
        return entry;
    }

    /** The request failed the gateway: keep the entry, not its body (unsigned junk must not fill memory). */
    dropBody(entry: RequestLogEntry): void {
        const index = this.log.lastIndexOf(entry);
        if (entry.body === undefined || index < 0) return;
        entry.body = undefined;
        entry.bodyDropped = "gateway";
        this.logBytes -= this.logSizes[index] ?? 0;
        this.logSizes[index] = 0;
    }

    /** Oldest entries go first, until both the entry count and the byte size are within their caps. */
    private trimLog(): void {
        let drop = Math.max(0, this.log.length - this.settings.requestLogLimit);
        let bytes = this.logBytes;
        for (let i = 0; i < drop; i++) bytes -= this.logSizes[i] ?? 0;
        while (drop < this.log.length && bytes > this.settings.requestLogMaxBytes) bytes -= this.logSizes[drop++] ?? 0;
        if (drop === 0) return;
        this.log.splice(0, drop);
        this.logSizes.splice(0, drop);
        this.logBytes = bytes;
    }

    finishRequest(entry: RequestLogEntry, httpStatus: number, durationMs: number): void {
        entry.httpStatus = httpStatus;
        entry.durationMs = durationMs;
        if (entry.code !== undefined) this.counters.byCode[entry.code] = (this.counters.byCode[entry.code] ?? 0) + 1;
        const what = [
            httpStatus === 0 ? "no response" : `HTTP ${httpStatus}`,
            entry.code !== undefined ? `Code ${entry.code}` : "",
            entry.fault
                ? `fault ${entry.fault.kind}${entry.fault.httpStatus ? ` ${entry.fault.httpStatus}` : ""} (${entry.fault.phase})`
                : "",
            entry.throttled ? "throttled" : "",
        ].filter(Boolean);
        this.logLine(`#${entry.seq} ${entry.method} ${entry.action || "(no Action)"} → ${what.join(", ")} (${durationMs} ms)`);
    }

    countFault(kind: FaultKind): void {
        if (kind === "latency-spike") this.counters.latencySpikes++;
        else this.counters.faults++;
        if (kind === "throttle") this.counters.throttled++;
    }

    countThrottled(): void {
        this.counters.throttled++;
    }

    // ---- EmulatorInspector ----

    instances(): EmulatedInstance[] {
        return this.state.instances.views();
    }

    instance(id: string): EmulatedInstance | undefined {
        return this.state.instances.view(id);
    }

    liveInstances(): EmulatedInstance[] {
        return this.instances().filter((i) => i.state === "live");
    }

    agents(): EmulatedAgent[] {
        return this.state.agents.views();
    }

    requests(): RequestLogEntry[] {
        // A JSON round-trip, not structuredClone: the view has no undefined fields (no `body` when
        // none was kept), exactly as GET /_emulator/requests returns it.
        return this.log.map((e) => JSON.parse(JSON.stringify(e)) as RequestLogEntry);
    }

    stats(): EmulatorStats {
        this.state.settle();
        const c = this.counters;
        return {
            requests: c.requests,
            byAction: { ...c.byAction },
            byCode: { ...c.byCode },
            throttled: c.throttled,
            faults: c.faults,
            latencySpikes: c.latencySpikes,
            duplicateCreations: this.state.instances.duplicateCreations,
            maxLive: this.state.instances.maxLive,
        };
    }

    /** Bumped by reset(): a request still in flight from before a reset is not carried out after it. */
    generation = 0;

    reset(): void {
        this.generation++;
        this.onReset?.();
        this.state.reset();
        this.nonces.clear();
        this.limiter.clear();
        this.faults.restart();
        this.log = [];
        this.logSizes = [];
        this.logBytes = 0;
        this.seq = 0;
        this.counters = emptyCounters();
        this.logLine("reset");
    }

    setOptions(partial: Partial<MutableOptions>): void {
        checkOptions(partial, true);
        const { faults, throttleResponse, ...rest } = partial;
        if (faults !== undefined) this.setFaults(faults);
        if (throttleResponse !== undefined) this.settings.throttleResponse = { ...throttleResponse };
        for (const [key, value] of Object.entries(rest)) {
            if (value !== undefined) (this.settings as unknown as Record<string, unknown>)[key] = value;
        }
        this.trimLog();
        this.state.settle();
    }

    setFaults(faults: FaultOptions): void {
        this.faults.configure(faults ?? {});
    }

    setBusy(agentInstanceId: string, busy: BusyOptions): void {
        this.state.instances.setBusy(agentInstanceId, busy);
    }

    script(agentInstanceId: string, steps: ScriptStep[]): void {
        this.state.instances.script(agentInstanceId, steps);
    }

    setUserPresent(agentInstanceId: string, present: boolean): void {
        this.state.instances.setUserPresent(agentInstanceId, present);
    }

    /** The options in force, JSON-safe (no secret, no functions). */
    options(): EmulatorOptionsView {
        const s = this.settings;
        return {
            appId: this.appId,
            concurrencyLimit: s.concurrencyLimit,
            digitalHumanConcurrencyLimit: s.digitalHumanConcurrencyLimit,
            rateLimitPerSecond: s.rateLimitPerSecond,
            throttleResponse: this.throttleResponse,
            deleteMode: s.deleteMode,
            timestampWindowSeconds: s.timestampWindowSeconds,
            latencyMs: s.latencyMs,
            maxIdleTime: s.maxIdleTime,
            strictUniqueness: s.strictUniqueness,
            speakingSeconds: s.speakingSeconds,
            thinkingSeconds: s.thinkingSeconds,
            requestLogLimit: s.requestLogLimit,
            requestLogMaxBytes: s.requestLogMaxBytes,
            deletedHistoryLimit: s.deletedHistoryLimit,
            abandonedRequests: s.abandonedRequests,
            callbackUrl: s.callbackUrl,
            callbackRetryDelaysMs: [...s.callbackRetryDelaysMs],
            streamFailure: s.streamFailure,
            liveStatusQueries: s.liveStatusQueries,
            injectedClock: s.now !== undefined,
            faults: this.faults.current(),
        };
    }

    dispose(): void {
        this.callbacks.close();
        this.state.reset();
    }
}

function emptyCounters() {
    return {
        requests: 0,
        byAction: {} as Record<string, number>,
        byCode: {} as Record<string, number>,
        throttled: 0,
        faults: 0,
        latencySpikes: 0,
    };
}
