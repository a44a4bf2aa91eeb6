/**
 * The client's options, and their validation: everything is checked before any request, and a bad
 * option fails with a ZegoConfigError naming the option, what is allowed and what was given. The
 * ServerSecret is never shown, only described ("an empty string").
 */
import { AdaptivePacingOptions, DEFAULT_ADAPTIVE_PACING } from "./adaptive";
import { DEFAULT_RETRY_BUDGET, RetryBudgetOptions } from "./budget";
import type { Clock } from "./clock";
import { systemClock } from "./clock";
import { ZegoConfigError, ZegoValidationError } from "./errors";
import type { ClientEventListener } from "./events";
import { Region, resolveEndpoint } from "./regions";
import { DEFAULT_RETRY_POLICY, DEFAULT_THROTTLE_SIGNAL, NO_RETRIES, RetryPolicy, ThrottleSignal } from "./retry";

export interface ZegoClientOptions {
    /** The AppID from the ZEGOCLOUD console: a uint32, or a string of digits. */
    readonly appId: number | string;
    /** The ServerSecret from the ZEGOCLOUD console. Only ever used to sign requests. */
    readonly serverSecret: string;
    /** Base URL; overrides `region`. https only, except loopback hosts (the emulator). */
    readonly endpoint?: string;
    /** A regional host; without it (and without `endpoint`) the unified host is used. */
    readonly region?: Region;
    /** Per attempt, in milliseconds. Default 10000. */
    readonly timeoutMs?: number;
    /**
     * Pacing per action; 0 or Infinity turns it off. Default 10 (the documented limit). Tokens come
     * back after the period plus a 5% margin (PACING_MARGIN in rateLimiter.ts), so 10 gives at
     * most 10 calls per 1050 ms.
     */
    readonly maxRequestsPerSecond?: number;
    /**
     * Adaptive pacing (adaptive.ts): slows down per action when throttled, climbs back to
     * maxRequestsPerSecond on success. Overrides, or `false` to pace at maxRequestsPerSecond only.
     */
    readonly pacing?: Partial<Omit<AdaptivePacingOptions, "enabled">> | false;
    /** Retry policy overrides, or `false` for a single attempt per call. */
    readonly retry?: Partial<RetryPolicy> | false;
    /** The retry budget (budget.ts, the AWS SDK's standard mode) overrides, or `false` for none. */
    readonly retryBudget?: Partial<RetryBudgetOptions> | false;
    /** How throttling shows itself (undocumented). Default: HTTP 429 or code 410001029. */
    readonly throttle?: { readonly httpStatuses?: readonly number[]; readonly codes?: readonly number[] };
    /** Called for every request, response, retry and throttled answer. Exceptions it throws are ignored. */
    readonly onEvent?: ClientEventListener;
    /** Time source for retry waits and pacing (tests). Default: Date.now and setTimeout. */
    readonly clock?: Clock;
}

export interface ResolvedClientOptions {
    readonly appId: number;
    readonly serverSecret: string;
    readonly endpoint: string;
    readonly timeoutMs: number;
    readonly maxRequestsPerSecond: number;
    readonly pacing: AdaptivePacingOptions;
    readonly retry: RetryPolicy;
    readonly retryBudget?: RetryBudgetOptions;
    readonly throttle: ThrottleSignal;
    readonly onEvent?: ClientEventListener;
    readonly clock: Clock;
}

export const DEFAULT_TIMEOUT_MS = 10000;
export const DEFAULT_MAX_REQUESTS_PER_SECOND = 10;

const OPTION_NAMES = [
    "appId",
    "serverSecret",
    "endpoint",
    "region",
    "timeoutMs",
    "maxRequestsPerSecond",
    "pacing",
    "retry",
    "retryBudget",
    "throttle",
    "onEvent",
    "clock",
] as const;
const RETRY_OPTION_NAMES = ["maxAttempts", "baseDelayMs", "maxDelayMs", "deadlineMs", "throttleDeadlineMs"] as const;
const PACING_OPTION_NAMES = ["minRequestsPerSecond", "decrease", "increasePerSecond", "jitter"] as const;
const BUDGET_OPTION_NAMES = ["capacity", "retryCost", "timeoutCost"] as const;
const THROTTLE_OPTION_NAMES = ["httpStatuses", "codes"] as const;

/** A ZEGO AppID: a positive 32-bit unsigned integer (the client, the settings and the `connection` argument check it by this). */
export const APP_ID_RANGE = { min: 1, max: 0xffffffff } as const;
const MAX_UINT32 = APP_ID_RANGE.max;
/** Node timers and AbortSignal.timeout take at most this many milliseconds. */
const MAX_TIMER_MS = 0x7fffffff;

/** Options of one call (the last argument of every ZegoClient method). */
export interface RequestOptions {
    /** Cancels the call: pacing waits, retry waits and the request in flight (ZegoAbortError). */
    readonly signal?: AbortSignal;
    /** Per attempt, in milliseconds, for this call (overrides the client's timeoutMs). */
    readonly timeoutMs?: number;
    /**
     * Once aborted, the call sends no (further) request and its pacing and retry waits end
     * (ZegoAbortError, not ambiguous); unlike `signal` it leaves a request in flight to its answer,
     * so a create that may have taken effect still returns its id (a bounded create, which must not leak).
     */
    readonly stopSending?: AbortSignal;
}

export type ResolvedRequestOptions = RequestOptions;

const REQUEST_OPTION_NAMES = ["signal", "timeoutMs", "stopSending"] as const;

/** Checks a call's options; a bad one is a ZegoValidationError naming it (nothing is sent). */
export function resolveRequestOptions(action: string, given: unknown): ResolvedRequestOptions {
    const bad = (property: string, reason: string) => new ZegoValidationError(action, [{ property, reason }]);
    if (given === undefined) return {};
    if (!isRecord(given))
        throw bad(
            "options",
            `The request options must be an object with signal, timeoutMs and/or stopSending; got ${describeValue(given)}.`,
        );
    for (const key of Object.keys(given)) {
        if (!(REQUEST_OPTION_NAMES as readonly string[]).includes(key)) {
            throw bad(`options.${key}`, `options.${key} is not a request option; the options are ${REQUEST_OPTION_NAMES.join(", ")}.`);
        }
    }
    const { signal, timeoutMs, stopSending } = given;
    for (const [name, value] of [
        ["signal", signal],
        ["stopSending", stopSending],
    ] as const) {
        if (value !== undefined && !(value instanceof AbortSignal))
            throw bad(`options.${name}`, `options.${name} must be an AbortSignal (from an AbortController); got ${describeValue(value)}.`);
    }
    if (
        timeoutMs !== undefined &&
        !(typeof timeoutMs === "number" && Number.isFinite(timeoutMs) && timeoutMs >= 1 && timeoutMs <= MAX_TIMER_MS)
    ) {
        throw bad(
            "options.timeoutMs",
            `options.timeoutMs must be a number of milliseconds from 1 to ${MAX_TIMER_MS}; got ${describeValue(timeoutMs)}.`,
        );
    }
    return {
        signal: signal as AbortSignal | undefined,
        timeoutMs: timeoutMs as number | undefined,
        stopSending: stopSending as AbortSignal | undefined,
    };
}

export function resolveClientOptions(options: ZegoClientOptions): ResolvedClientOptions {
    if (!isRecord(options)) throw invalid("options", "an object with at least appId and serverSecret", describeValue(options));
    rejectUnknownKeys("", options, OPTION_NAMES);
    return {
        appId: resolveAppId(options.appId),
        serverSecret: resolveServerSecret(options.serverSecret),
        endpoint: resolveEndpoint({ endpoint: options.endpoint, region: options.region }),
        timeoutMs: numberOption("timeoutMs", options.timeoutMs, DEFAULT_TIMEOUT_MS, { min: 1, max: MAX_TIMER_MS }),
        maxRequestsPerSecond: resolveRate(options.maxRequestsPerSecond),
        pacing: resolvePacing(options.pacing),
        retry: resolveRetry(options.retry),
        retryBudget: resolveBudget(options.retryBudget),
        throttle: resolveThrottle(options.throttle),
        onEvent: functionOption("onEvent", options.onEvent),
        clock: resolveClock(options.clock),
    };
}

function resolveAppId(given: unknown): number {
    const allowed = `a positive integer up to ${MAX_UINT32}, or a string of digits (the AppID in the ZEGOCLOUD console)`;
    let appId: number | undefined;
    if (typeof given === "number") appId = given;
    else if (typeof given === "string" && /^\d+$/.test(given.trim())) appId = Number(given.trim());
    if (appId === undefined || !Number.isInteger(appId) || appId < 1 || appId > MAX_UINT32)
        throw invalid("appId", allowed, describeValue(given));
    return appId;
}

const SERVER_SECRET_ALLOWED = "a non-empty string (the ServerSecret in the ZEGOCLOUD console)";

/**
 * The ServerSecret rule, the client's and the provider settings' (checked at preview): what is wrong
 * with a given secret, as what is allowed and what was given, without the value; `undefined` when fine.
 */
export function serverSecretProblem(given: string): { allowed: string; given: string } | undefined {
    const allowed = SERVER_SECRET_ALLOWED;
    if (given === "") return { allowed, given: "an empty string" };
    if (given.trim() === "") return { allowed, given: `a string of ${given.length} whitespace characters` };
    // A pasted secret with a newline signs every request wrongly (100000005): say so up front.
    if (given.trim() !== given) {
        return {
            allowed: `${allowed} without leading or trailing whitespace`,
            given: `a ${given.length}-character string with leading or trailing whitespace (not shown)`,
        };
    }
    return undefined;
}

function resolveServerSecret(given: unknown): string {
    if (typeof given !== "string") {
        const shown = given === undefined || given === null ? describeValue(given) : `a ${typeof given}`;
        throw invalid("serverSecret", SERVER_SECRET_ALLOWED, shown);
    }
    const problem = serverSecretProblem(given);
    if (problem) throw invalid("serverSecret", problem.allowed, problem.given);
    return given;
}

function resolveRate(given: unknown): number {
    if (given === undefined) return DEFAULT_MAX_REQUESTS_PER_SECOND;
    if (typeof given !== "number" || Number.isNaN(given) || given < 0) {
        throw invalid(
            "maxRequestsPerSecond",
            "a number >= 0 (requests per second per action; 0 or Infinity turns pacing off)",
            describeValue(given),
        );
    }
    return given;
}

function resolveRetry(given: unknown): RetryPolicy {
    if (given === undefined) return DEFAULT_RETRY_POLICY;
    if (given === false) return NO_RETRIES;
    if (!isRecord(given)) throw invalid("retry", `false or an object with ${RETRY_OPTION_NAMES.join(", ")}`, describeValue(given));
    rejectUnknownKeys("retry.", given, RETRY_OPTION_NAMES);
    const d = DEFAULT_RETRY_POLICY;
    const policy: RetryPolicy = {
        maxAttempts: numberOption("retry.maxAttempts", given.maxAttempts, d.maxAttempts, { min: 1, max: 100, integer: true }),
        baseDelayMs: numberOption("retry.baseDelayMs", given.baseDelayMs, d.baseDelayMs, { min: 0, max: MAX_TIMER_MS }),
        maxDelayMs: numberOption("retry.maxDelayMs", given.maxDelayMs, d.maxDelayMs, { min: 0, max: MAX_TIMER_MS }),
        deadlineMs: numberOption("retry.deadlineMs", given.deadlineMs, d.deadlineMs, { min: 1, max: MAX_TIMER_MS }),
        throttleDeadlineMs: numberOption("retry.throttleDeadlineMs", given.throttleDeadlineMs, d.throttleDeadlineMs, {
            min: 1,
            max: MAX_TIMER_MS,
        }),
    };
    if (policy.maxDelayMs < policy.baseDelayMs) {
        throw invalid(
            "retry.maxDelayMs",
            `a number of milliseconds >= retry.baseDelayMs (${policy.baseDelayMs})`,
            String(policy.maxDelayMs),
        );
    }
    return policy;
}

function resolvePacing(given: unknown): AdaptivePacingOptions {
    const d = DEFAULT_ADAPTIVE_PACING;
    if (given === undefined) return d;
    if (given === false) return { ...d, enabled: false };
    if (!isRecord(given)) throw invalid("pacing", `false or an object with ${PACING_OPTION_NAMES.join(", ")}`, describeValue(given));
    rejectUnknownKeys("pacing.", given, PACING_OPTION_NAMES);
    return {
        enabled: true,
        minRequestsPerSecond: numberOption("pacing.minRequestsPerSecond", given.minRequestsPerSecond, d.minRequestsPerSecond, {
            min: 0.01,
            max: 10000,
        }),
        decrease: numberOption("pacing.decrease", given.decrease, d.decrease, { min: 0.05, max: 0.95 }),
        increasePerSecond: numberOption("pacing.increasePerSecond", given.increasePerSecond, d.increasePerSecond, {
            min: 0.01,
            max: 10000,
        }),
        jitter: numberOption("pacing.jitter", given.jitter, d.jitter, { min: 0, max: 0.9 }),
    };
}

function resolveBudget(given: unknown): RetryBudgetOptions | undefined {
    const d = DEFAULT_RETRY_BUDGET;
    if (given === undefined) return d;
    if (given === false) return undefined;
    if (!isRecord(given)) throw invalid("retryBudget", `false or an object with ${BUDGET_OPTION_NAMES.join(", ")}`, describeValue(given));
    rejectUnknownKeys("retryBudget.", given, BUDGET_OPTION_NAMES);
    const whole = { min: 0, max: 1_000_000, integer: true };
    return {
        capacity: numberOption("retryBudget.capacity", given.capacity, d.capacity, whole),
        retryCost: numberOption("retryBudget.retryCost", given.retryCost, d.retryCost, whole),
        timeoutCost: numberOption("retryBudget.timeoutCost", given.timeoutCost, d.timeoutCost, whole),
    };
}

function resolveThrottle(given: unknown): ThrottleSignal {
    if (given === undefined) return DEFAULT_THROTTLE_SIGNAL;
    if (!isRecord(given)) throw invalid("throttle", "an object with httpStatuses and/or codes", describeValue(given));
    rejectUnknownKeys("throttle.", given, THROTTLE_OPTION_NAMES);
    return {
        httpStatuses: integerList(
            "throttle.httpStatuses",
            given.httpStatuses,
            DEFAULT_THROTTLE_SIGNAL.httpStatuses,
            "HTTP status codes (100 to 599)",
            (n) => n >= 100 && n <= 599,
        ),
        codes: integerList(
            "throttle.codes",
            given.codes,
            DEFAULT_THROTTLE_SIGNAL.codes,
            "ZEGO return codes (positive integers)",
            (n) => n > 0,
        ),
    };
}

function resolveClock(given: unknown): Clock {
    if (given === undefined) return systemClock;
    if (!isRecord(given) || typeof given.now !== "function" || typeof given.sleep !== "function") {
        throw invalid("clock", "an object with now() and sleep(ms) functions", describeValue(given));
    }
    return given as unknown as Clock;
}

function functionOption<F>(name: string, given: unknown): F | undefined {
    if (given === undefined) return undefined;
    if (typeof given !== "function") throw invalid(name, "a function", describeValue(given));
    return given as F;
}

interface NumberRange {
    readonly min: number;
    readonly max: number;
    readonly integer?: boolean;
}

function numberOption(name: string, given: unknown, fallback: number, range: NumberRange): number {
    if (given === undefined) return fallback;
    const ok =
        typeof given === "number" &&
        Number.isFinite(given) &&
        given >= range.min &&
        given <= range.max &&
        (!range.integer || Number.isInteger(given));
    if (!ok) throw invalid(name, `${range.integer ? "an integer" : "a number"} from ${range.min} to ${range.max}`, describeValue(given));
    return given as number;
}

function integerList(
    name: string,
    given: unknown,
    fallback: readonly number[],
    what: string,
    accept: (n: number) => boolean,
): readonly number[] {
    if (given === undefined) return fallback;
    if (!Array.isArray(given)) throw invalid(name, `a list of ${what}`, describeValue(given));
    given.forEach((item: unknown, i) => {
        if (typeof item !== "number" || !Number.isInteger(item) || !accept(item))
            throw invalid(`${name}[${i}]`, `one of ${what}`, describeValue(item));
    });
    return [...(given as number[])];
}

function rejectUnknownKeys(prefix: string, given: Record<string, unknown>, known: readonly string[]): void {
    for (const key of Object.keys(given)) {
        if (!known.includes(key)) {
            throw new ZegoConfigError(
                `${prefix}${key}`,
                `Unknown ZEGO client option "${prefix}${key}"; allowed: ${known.map((k) => prefix + k).join(", ")}.`,
            );
        }
    }
}

function invalid(option: string, allowed: string, given: string): ZegoConfigError {
    return new ZegoConfigError(option, `Invalid ZEGO client option "${option}": must be ${allowed}; got ${given}.`);
}

/** A short rendering of a given (non-secret) option value. */
export function describeValue(value: unknown): string {
    if (value === undefined) return "nothing";
    if (value === null) return "null";
    if (typeof value === "string") {
        return value === "" ? "an empty string" : `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
    }
    if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
    if (typeof value === "function") return "a function";
    if (Array.isArray(value)) return `a list of ${value.length} items`;
    return typeof value === "object" ? "an object" : typeof value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}
