/**
 * The retry policy, in one place: which failures are retried, how long to wait, when to stop, and
 * the rule that keeps a create (or a spoken text) from being sent twice.
 *
 * The docs classify nothing as retryable (reference §3), so the classification is ours:
 * - connection failures, HTTP 429/500/502/503/504 and the transient ZEGO codes (codes.ts) are
 *   retried, up to maxAttempts, within deadlineMs, and while the retry budget (budget.ts) can pay;
 * - throttled responses (configurable: the docs don't say how throttling is signalled) were
 *   turned away, not carried out: they are retried until throttleDeadlineMs, however many it
 *   takes, cost no budget and count toward no attempt limit; with adaptive pacing on, a throttled
 *   retry waits only for the lowered rate's next slot (adaptive.ts), otherwise it backs off;
 * - 100000004 "signature expired" is retried once, when the response's Date header shows the
 *   local clock is off and the client corrected for it (as the AWS SDK does); otherwise it fails
 *   at once with the clock explanation, since re-signing with the same clock cannot help;
 * - actions that are unsafe to repeat (`unsafeToRepeat` in schema/api.ts: the creates, and
 *   SendAgentInstanceLLM/TTS and AddAgentInstanceMsg, marked `repeatable: false`) are retried only
 *   when the request provably did not take effect; any other failure that may have taken effect
 *   fails at once, marked `ambiguous`, because a second request would leave two instances behind,
 *   make the agent say something twice or append messages twice. The other actions are idempotent
 *   (a repeated delete answers 410001002, which callers treat as gone), so for them an ambiguous
 *   failure such as HTTP 500 is retried like any passing one.
 *
 * Waits use exponential backoff with full jitter, honour Retry-After, and never run past the
 * overall deadline: a wait that would end past it is not started.
 */
import { Code, MERIT_ANSWERS, TRANSIENT_CODES } from "./codes";
import type { RetryBudget } from "./budget";
import type { Clock } from "./clock";
import { abortableSleep } from "./clock";
import { ambiguousFailureAdvice, ZegoApiError } from "./errors";

export interface RetryPolicy {
    /**
     * Requests per call, the first one included, not counting throttled ones (those are retried
     * until throttleDeadlineMs); 1 disables every retry, throttled ones too.
     */
    readonly maxAttempts: number;
    /** Backoff cap before jitter for the first retry; doubles per retry. */
    readonly baseDelayMs: number;
    /** Upper bound of any backoff wait (Retry-After may ask for longer, bounded by the deadline). */
    readonly maxDelayMs: number;
    /** No wait after a failure other than throttling may end later than this long after the call started. */
    readonly deadlineMs: number;
    /** Throttled requests are retried until this long after the call started (zego:throttleDeadlineSeconds). */
    readonly throttleDeadlineMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
    maxAttempts: 6,
    baseDelayMs: 200,
    maxDelayMs: 5000,
    deadlineMs: 60000,
    throttleDeadlineMs: 300000,
};
export const NO_RETRIES: RetryPolicy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 };

/** How throttling shows itself. The docs don't say; these are the likely signals. */
export interface ThrottleSignal {
    readonly httpStatuses: readonly number[];
    readonly codes: readonly number[];
}

export const DEFAULT_THROTTLE_SIGNAL: ThrottleSignal = { httpStatuses: [429], codes: [Code.DigitalHumanFrequencyLimit] };

/** How one attempt failed: all the policy needs to decide, and all an error message needs. */
export interface AttemptFailure {
    /**
     * network: no HTTP response (refused, reset, DNS, TLS, ...); timeout: none within timeoutMs;
     * zego: a ZEGO body with a non-zero Code (any HTTP status); http: an HTTP error status without
     * a ZEGO body; malformed: a 2xx status without a valid ZEGO body.
     */
    readonly kind: "network" | "timeout" | "zego" | "http" | "malformed";
    /** System error code for `network` ("ECONNREFUSED"); "TIMEOUT" for `timeout`. */
    readonly networkCode?: string;
    readonly httpStatus?: number;
    readonly code?: number;
    /** Already redacted. */
    readonly zegoMessage?: string;
    /** The response's Date header, in ms since the epoch (for clock-skew correction). */
    readonly serverDateMs?: number;
    readonly requestId?: string;
    /** From a Retry-After header, relative to when the response arrived. */
    readonly retryAfterMs?: number;
    /** One clause for the error message when there is no ZEGO code: "no response within 10000 ms". */
    readonly problem?: string;
}

export interface Verdict {
    readonly retry: boolean;
    /** The request may have taken effect. */
    readonly ambiguous: boolean;
    readonly throttled: boolean;
    /** Short, for events and logs: "HTTP 503", "ZEGO code 410000001", "ECONNRESET". */
    readonly reason: string;
}

/** Connection failures that are usually passing. */
const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
    "ECONNREFUSED",
    "ECONNRESET",
    "ETIMEDOUT",
    "EPIPE",
    "ENOTFOUND",
    "EAI_AGAIN",
    "EHOSTUNREACH",
    "ENETUNREACH",
]);

/** The connection was never established, so no byte of the request reached ZEGO. */
const NEVER_CONNECTED_CODES: ReadonlySet<string> = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/** TLS setup failures happen before the request is written: not applied, and not passing either. */
const TLS_SETUP_ERROR = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH)/;

/**
 * Worth repeating for an action that is safe to repeat. 500 and 502/504 may come after the work was
 * done (ambiguous), so actions that are unsafe to repeat are not retried after them; 503 and 429
 * are refusals. Other statuses (501, 505, 4xx) do not pass with time.
 */
const RETRYABLE_HTTP_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/** Retried for any action (100000004 is not among them: runWithRetries corrects the clock once instead). */
const RETRYABLE_CODES: ReadonlySet<number> = TRANSIENT_CODES;

/** Internal faults after which the request may or may not have been carried out. */
const AMBIGUOUS_CODES: ReadonlySet<number> = new Set([Code.GatewayInternal, Code.SystemError, Code.InternalCallFailed]);

export interface ClassifyOptions {
    /**
     * A second request could do the work twice (unsafeToRepeat(ACTIONS[action]): creates and
     * actions marked `repeatable: false`): retried only when the failed request provably had no effect.
     */
    readonly unsafeToRepeat: boolean;
    readonly throttle: ThrottleSignal;
}

/** The failure is the server turning the request away for its rate (the throttle signal). */
export function isThrottled(failure: AttemptFailure, throttle: ThrottleSignal): boolean {
    return (
        (failure.httpStatus !== undefined && throttle.httpStatuses.includes(failure.httpStatus)) ||
        (failure.code !== undefined && throttle.codes.includes(failure.code))
    );
}

/**
 * A ZEGO answer about the request or the resource (MERIT_ANSWERS: 410001002 "not found" to a
 * deleted instance's poll, ...), not with a server-error status and not configured as throttling:
 * the request passed the app's rate limit, which tells adaptive pacing as much as a success does.
 */
export function judgedOnMerits(failure: AttemptFailure, throttle: ThrottleSignal): boolean {
    return (
        failure.kind === "zego" &&
        failure.code !== undefined &&
        MERIT_ANSWERS.has(failure.code) &&
        (failure.httpStatus === undefined || failure.httpStatus < 500) &&
        !isThrottled(failure, throttle)
    );
}

export function classifyFailure(failure: AttemptFailure, options: ClassifyOptions): Verdict {
    const throttled = isThrottled(failure, options.throttle);
    const reason = throttled ? `throttled (${failureReason(failure)})` : failureReason(failure);
    // A throttled request was turned away, not carried out: safe to repeat, even for a create.
    if (throttled) return { retry: true, ambiguous: false, throttled, reason };

    const { retryable, ambiguous, notApplied } = assess(failure);
    const retry = options.unsafeToRepeat ? notApplied && retryable : retryable;
    return { retry, ambiguous, throttled, reason };
}

interface Assessment {
    /** Worth repeating for an action that is safe to repeat. */
    readonly retryable: boolean;
    /** May have taken effect. */
    readonly ambiguous: boolean;
    /** Provably did not take effect. */
    readonly notApplied: boolean;
}

function assess(failure: AttemptFailure): Assessment {
    switch (failure.kind) {
        case "network": {
            const code = failure.networkCode ?? "";
            const notApplied = NEVER_CONNECTED_CODES.has(code) || TLS_SETUP_ERROR.test(code);
            return { retryable: RETRYABLE_NETWORK_CODES.has(code), ambiguous: !notApplied, notApplied };
        }
        case "timeout":
            return { retryable: true, ambiguous: true, notApplied: false };
        case "zego": {
            // ZEGO's own answer is more specific than the HTTP status it came with. Any code but an
            // internal fault is a definitive "not done", so a create is re-sent exactly for the
            // retryable definitive one, 410000010 (no resources).
            const code = failure.code ?? -1;
            return { retryable: RETRYABLE_CODES.has(code), ambiguous: AMBIGUOUS_CODES.has(code), notApplied: !AMBIGUOUS_CODES.has(code) };
        }
        case "http": {
            const status = failure.httpStatus ?? 0;
            // 503: the service refused the request outright. Any other 5xx may come after the work was done.
            const ambiguous = status >= 500 && status !== 503;
            return { retryable: RETRYABLE_HTTP_STATUSES.has(status), ambiguous, notApplied: !ambiguous };
        }
        case "malformed":
            // A 2xx whose body we can't read: the request may well have succeeded.
            return { retryable: false, ambiguous: true, notApplied: false };
    }
}

/** Short, for events and logs: "HTTP 503", "ZEGO code 410000001", "ECONNRESET", "timeout". */
export function failureReason(failure: AttemptFailure): string {
    switch (failure.kind) {
        case "network":
            return failure.networkCode ?? "network error";
        case "timeout":
            return "timeout";
        case "zego":
            return `ZEGO code ${failure.code}`;
        default:
            return `HTTP ${failure.httpStatus}`;
    }
}

/** Full jitter: uniform in [0, min(maxDelayMs, baseDelayMs * 2^(failedAttempts-1))]. */
export function backoffDelayMs(failedAttempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
    const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
    return Math.floor(random() * cap);
}

/** Retry-After as milliseconds from `nowMs`: delta-seconds or an HTTP date; undefined if absent or unreadable. */
export function parseRetryAfterMs(header: string | undefined, nowMs: number): number | undefined {
    if (header === undefined) return undefined;
    const value = header.trim();
    if (value === "") return undefined;
    if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
    const at = Date.parse(value);
    if (Number.isNaN(at)) return undefined;
    return Math.max(0, at - nowMs);
}

export type AttemptResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: AttemptFailure };

export interface RetryHooks {
    /** A throttled answer arrived on `attempt`. */
    onThrottled?(attempt: number, failure: AttemptFailure, verdict: Verdict): void;
    /** Attempt `attempt` will be sent after `delayMs`. */
    onRetry?(attempt: number, delayMs: number, verdict: Verdict): void;
}

export interface RetryRun extends ClassifyOptions, RetryHooks {
    readonly action: string;
    readonly policy: RetryPolicy;
    readonly clock: Clock;
    readonly random?: () => number;
    /**
     * Every attempt waits for its slot from the adaptive pacer (adaptive.ts), which slows down on
     * each throttle: a throttled retry then needs no backoff of its own (Retry-After still applies).
     */
    readonly pacedByAdaptiveRate?: boolean;
    /** Pays for retries after failures other than throttling; none: unlimited. */
    readonly budget?: RetryBudget;
    /** Cancels the waits between attempts (rejecting with its reason). */
    readonly signal?: AbortSignal;
    /** After 100000004: learn the clock offset from the failure; `retry` if a corrected re-send may pass. */
    readonly correctClock?: (failure: AttemptFailure) => ClockCorrection;
}

export interface ClockCorrection {
    readonly retry: boolean;
    /** What was learned, for the error if it still fails. */
    readonly note: string;
}

/**
 * Runs `attempt(1)`, `attempt(2)`, ... until one succeeds or the policy says stop; then throws a
 * ZegoApiError describing the last failure and why it stopped.
 */
export async function runWithRetries<T>(attempt: (attemptNumber: number) => Promise<AttemptResult<T>>, run: RetryRun): Promise<T> {
    const { policy, clock } = run;
    const startedAt = clock.now();
    /** Attempts that don't count toward maxAttempts: throttled ones and the clock-corrected re-send. */
    let free = 0;
    let throttled = 0;
    let clockNote: string | undefined;
    let lastCost = 0;
    for (let n = 1; ; n++) {
        const result = await attempt(n);
        if (result.ok) {
            run.budget?.refund(lastCost);
            return result.value;
        }
        const failure = result.failure;
        if (failure.kind === "zego" && failure.code === Code.SignatureExpired) {
            const verdict: Verdict = { retry: false, ambiguous: false, throttled: false, reason: failureReason(failure) };
            if (clockNote === undefined && run.correctClock) {
                const correction = run.correctClock(failure);
                clockNote = correction.note;
                if (correction.retry) {
                    free++;
                    run.onRetry?.(n + 1, 0, { ...verdict, retry: true, reason: `${verdict.reason}, clock corrected` });
                    continue;
                }
            }
            throw finalError(run.action, failure, verdict, n, undefined, clockAdvice(clockNote));
        }
        const verdict = classifyFailure(failure, run);
        if (verdict.throttled) run.onThrottled?.(n, failure, verdict);

        if (!verdict.retry) {
            const advice = run.unsafeToRepeat && verdict.ambiguous ? ambiguousFailureAdvice(run.action) : undefined;
            throw finalError(run.action, failure, verdict, n, undefined, advice);
        }
        const elapsedMs = clock.now() - startedAt;
        let delayMs: number;
        if (verdict.throttled && policy.maxAttempts > 1) {
            throttled++;
            free++;
            // The adaptive rate is the backoff when there is one: a throttled retry goes at its next
            // slot, so the process as a whole, not each request, backs off (AWS adaptive mode's
            // rate limiter), and no slot the app has free goes unused while a retry sleeps.
            delayMs = failure.retryAfterMs ?? (run.pacedByAdaptiveRate ? 0 : backoffDelayMs(throttled, policy, run.random));
            if (elapsedMs + delayMs > policy.throttleDeadlineMs) {
                throw finalError(run.action, failure, verdict, n, throttleGaveUp(n, throttled, elapsedMs, delayMs, policy));
            }
        } else {
            const counted = n - free;
            const throttledNote = throttled > 0 ? `; the ${plural(throttled, "throttled attempt")} did not count` : "";
            if (counted >= policy.maxAttempts) {
                const why = `Gave up after ${plural(n, "attempt")} (retry.maxAttempts is ${policy.maxAttempts}${throttledNote})`;
                throw finalError(run.action, failure, verdict, n, why);
            }
            delayMs = failure.retryAfterMs ?? backoffDelayMs(counted, policy, run.random);
            const remainingMs = startedAt + policy.deadlineMs - clock.now();
            if (delayMs > remainingMs) {
                const deadline = `the retry deadline (retry.deadlineMs is ${policy.deadlineMs})`;
                const why =
                    failure.retryAfterMs !== undefined
                        ? `ZEGO asked to retry after ${seconds(delayMs)} (Retry-After), past the remaining ${seconds(Math.max(0, remainingMs))} of ${deadline}`
                        : `the next retry (in ${seconds(delayMs)}) would pass ${deadline}`;
                throw finalError(run.action, failure, verdict, n, `Gave up after ${plural(n, "attempt")}: ${why}`);
            }
            if (run.budget) {
                const cost = run.budget.withdraw(failure.kind === "timeout");
                if (cost === undefined) {
                    const why =
                        `Gave up after ${plural(n, "attempt")}: the client's retry budget is spent (${run.budget.tokens} of ` +
                        `${run.budget.options.capacity} tokens left; each retry costs ${run.budget.options.retryCost}, ` +
                        `${run.budget.options.timeoutCost} after a timeout, and successes earn them back), because many calls ` +
                        "failed recently: ZEGO looks unavailable, and retrying every call would only add to its load";
                    throw finalError(run.action, failure, verdict, n, why);
                }
                lastCost = cost;
            }
        }
        run.onRetry?.(n + 1, delayMs, verdict);
        await abortableSleep(clock, delayMs, run.signal);
    }
}

function throttleGaveUp(attempts: number, throttled: number, elapsedMs: number, delayMs: number, policy: RetryPolicy): string {
    return (
        `Gave up after ${seconds(elapsedMs)} and ${plural(attempts, "attempt")}, ${throttled} of them throttled: ` +
        `the next retry (in ${seconds(delayMs)}) would pass the throttle deadline (retry.throttleDeadlineMs is ${policy.throttleDeadlineMs}; ` +
        "for the provider, zego:throttleDeadlineSeconds or ZEGO_THROTTLE_DEADLINE_SECONDS). Raise it, or run fewer stacks or " +
        "programs at once on this ZEGO app: its per-action rate limit is shared by all of them"
    );
}

function clockAdvice(note: string | undefined): string {
    const fix =
        "Fix the clock of the machine making the calls (enable NTP time sync); re-sending with the same clock cannot help, so it was not retried";
    return note ? `${note}. ${fix}` : fix;
}

function finalError(
    action: string,
    failure: AttemptFailure,
    verdict: Verdict,
    attempts: number,
    gaveUp?: string,
    advice?: string,
): ZegoApiError {
    return new ZegoApiError({
        action,
        code: failure.code,
        httpStatus: failure.httpStatus,
        requestId: failure.requestId,
        zegoMessage: failure.zegoMessage,
        networkCode: failure.networkCode,
        problem: failure.problem,
        retryable: verdict.retry,
        ambiguous: verdict.ambiguous,
        attempts,
        gaveUp,
        advice,
    });
}

function plural(n: number, noun: string): string {
    return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function seconds(ms: number): string {
    return `${Number((ms / 1000).toFixed(3))} s`;
}
