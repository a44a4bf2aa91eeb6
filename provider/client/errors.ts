/**
 * The errors the client throws. Every message is built here from plain fields, never from a
 * transport error: axios errors carry the request URL, whose query holds the Signature, so they
 * are never wrapped, rethrown or used as a `cause`. Nothing here ever sees the ServerSecret.
 */
import type { Failure } from "../schema/validate";
import { codeMeaning } from "./codes";

/** Base class, so callers can catch everything this client throws with one `instanceof`. */
export class ZegoError extends Error {
    constructor(message: string) {
        super(message);
        this.name = new.target.name;
    }
}

/** Bad client options (appId, serverSecret, endpoint, region, ...), thrown before any request. */
export class ZegoConfigError extends ZegoError {
    /** The option at fault, as spelled in the client options: "region", "retry.maxAttempts". */
    readonly option: string;

    constructor(option: string, message: string) {
        super(message);
        this.option = option;
    }
}

/** A request body the documented schema rejects, thrown before any request. */
export class ZegoValidationError extends ZegoError {
    readonly action: string;
    readonly failures: readonly Failure[];

    constructor(action: string, failures: readonly Failure[]) {
        const reasons = failures.map((f) => f.reason).join(" ");
        super(`${action} request is invalid (${failures.length} problem${failures.length === 1 ? "" : "s"}): ${reasons}`);
        this.action = action;
        this.failures = failures;
    }
}

/** Where a cancelled call was when its AbortSignal fired (or the client was closed). */
export type AbortPhase = "before sending" | "waiting for pacing" | "waiting to retry" | "in flight";

/**
 * A call cancelled by its AbortSignal or by `close()`. If a request was in flight it may have
 * taken effect (`ambiguous`); in every other phase nothing of this attempt reached ZEGO.
 */
export class ZegoAbortError extends ZegoError {
    readonly action: string;
    readonly phase: AbortPhase;
    /** Requests sent for this call before it was cancelled. */
    readonly attempts: number;
    readonly ambiguous: boolean;
    /** The signal's reason (as fetch rejects with it); a plain string when the client was closed. */
    readonly reason: unknown;
    /** Answers of this call that were throttling (so a caller can say why it was still retrying). */
    readonly throttledAnswers: number;
    /** Why the last failed attempt of this call failed ("throttled (HTTP 429)", "timeout"), if one did. */
    readonly lastFailure?: string;

    constructor(
        action: string,
        phase: AbortPhase,
        attempts: number,
        reason: unknown,
        closed: boolean,
        history: { throttledAnswers?: number; lastFailure?: string } = {},
    ) {
        const by = closed ? "the client was closed" : "its AbortSignal was aborted";
        const inFlight = phase === "in flight";
        const effect = inFlight
            ? "; a request was in flight, so it may or may not have taken effect"
            : attempts > 0
              ? "; no request of this call was in flight then"
              : "; nothing was sent";
        const throttledAnswers = history.throttledAnswers ?? 0;
        const before = [
            throttledAnswers > 0 ? `${throttledAnswers} throttled answer${throttledAnswers === 1 ? "" : "s"}` : "",
            history.lastFailure ? `the last failed attempt: ${history.lastFailure}` : "",
        ].filter((part) => part !== "");
        const sofar = before.length > 0 ? ` (${before.join("; ")})` : "";
        super(`${action} was cancelled ${phase} (${by}) after ${attempts} request${attempts === 1 ? "" : "s"}${sofar}${effect}`);
        this.action = action;
        this.phase = phase;
        this.attempts = attempts;
        this.ambiguous = inFlight;
        this.reason = reason;
        this.throttledAnswers = throttledAnswers;
        this.lastFailure = history.lastFailure;
    }
}

export interface ZegoApiErrorDetails {
    readonly action: string;
    /** The ZEGO `Code` of the response, when there was a ZEGO response body. */
    readonly code?: number;
    readonly httpStatus?: number;
    readonly requestId?: string;
    /** The response `Message`, already redacted by the caller. */
    readonly zegoMessage?: string;
    /** For failures without a usable response: the system error code ("ECONNREFUSED") or "TIMEOUT". */
    readonly networkCode?: string;
    /** What went wrong, when there is no ZEGO code to name: "no response within 10000 ms". */
    readonly problem?: string;
    /** The retry policy would retry this kind of failure for this action. */
    readonly retryable: boolean;
    /** The request may have taken effect on ZEGO's side. */
    readonly ambiguous: boolean;
    /** Requests sent for this call, retries included. */
    readonly attempts?: number;
    /** Why the client stopped retrying, when it had retried or would have. */
    readonly gaveUp?: string;
    /** What the caller can do about it (ambiguous failures of actions that are unsafe to repeat). */
    readonly advice?: string;
}

/** What a ZegoApiError carries as properties (the rest of its details go into its message). */
type ApiErrorFields = Omit<ZegoApiErrorDetails, "problem" | "gaveUp" | "advice" | "attempts"> & { readonly attempts: number };

/** A ZEGO call that failed: a ZEGO error code, an HTTP error, a network error or a bad response. */
// The interface declares the class's fields from the details, once (declaration merging).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ZegoApiError extends ApiErrorFields {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ZegoApiError extends ZegoError {
    constructor(details: ZegoApiErrorDetails) {
        super(apiErrorMessage(details));
        const { action, code, httpStatus, requestId, zegoMessage, networkCode, retryable, ambiguous } = details;
        const fields: ApiErrorFields = {
            action,
            code,
            httpStatus,
            requestId,
            zegoMessage,
            networkCode,
            retryable,
            ambiguous,
            attempts: details.attempts ?? 1,
        };
        Object.assign(this, fields);
    }
}

function apiErrorMessage(d: ZegoApiErrorDetails): string {
    let cause: string;
    if (d.code !== undefined && d.code !== 0) {
        cause = `ZEGO code ${d.code} (${codeMeaning(d.code)})`;
        if (d.zegoMessage) cause += `: ${d.zegoMessage}`;
        if (d.httpStatus !== undefined && d.httpStatus !== 200) cause += ` [HTTP ${d.httpStatus}]`;
        if (d.problem) cause += `; ${d.problem}`;
    } else {
        cause = d.problem ?? (d.httpStatus !== undefined ? `HTTP ${d.httpStatus}` : "unknown failure");
    }
    let message = `${d.action} failed: ${cause}`;
    if (d.requestId) message += `; request id ${d.requestId}`;
    if (d.gaveUp) message += `. ${d.gaveUp}`;
    if (d.advice) message += `. ${d.advice}`;
    return message;
}

/**
 * What to do after an ambiguous failure of an action that is unsafe to repeat (a create, or one
 * marked `repeatable: false` in schema/api.ts), which was therefore not retried.
 */
export function ambiguousFailureAdvice(action: string): string {
    switch (action) {
        case "CreateAgentInstance":
        case "CreateDigitalHumanAgentInstance":
            return (
                "The AI agent instance may or may not have been created, so the request was not retried (a retry could create a second one). " +
                "Re-running `pulumi up` is safe: it creates a new instance, and because ZEGO allows one live instance per RTC AgentUserId, " +
                "an earlier instance with the same AgentUserId is kicked out and deleted; otherwise ZEGO deletes an orphaned instance " +
                "once no user has been in the room for AdvancedConfig.MaxIdleTime (default 120 s)"
            );
        case "RegisterAgent":
            return (
                "The agent may or may not have been registered, so the request was not retried. " +
                "Re-running is safe: if it was registered, RegisterAgent answers 410001008 (agent already exists), " +
                "and QueryAgents shows what ZEGO holds"
            );
        case "SendAgentInstanceLLM":
        case "SendAgentInstanceTTS":
            return (
                `The ${action} request may or may not have taken effect, so it was not retried (a retry could make the agent say it twice). ` +
                "Send it again only if the agent did not respond"
            );
        case "AddAgentInstanceMsg":
            return (
                "The messages may or may not have been added, so the request was not retried (a retry could add them twice). " +
                "GetAgentInstanceMsgList shows what the instance holds"
            );
        default:
            return `The ${action} request may or may not have taken effect, so it was not retried`;
    }
}

/** Cut `text` to `max` characters and blank out every occurrence of the given secret strings. */
export function redact(text: string, secrets: readonly string[], max = 500): string {
    let out = text;
    for (const secret of secrets) {
        // Short strings would blank out ordinary words; real secrets and signatures are long.
        if (secret.length >= 8) out = out.split(secret).join("[redacted]");
    }
    // A proxy or gateway page may echo the request URL: drop a signed query whole, and any
    // signature parameter left on its own.
    out = out.replace(/\?[^\s"'<>]*?Signature=[^\s"'<>]*/gi, "?[signed query redacted]");
    out = out.replace(/\bSignature=[^&\s"'<>]*/gi, "Signature:[redacted]");
    return out.length > max ? `${out.slice(0, max)}… (${out.length} characters)` : out;
}

/** `err` is a ZegoApiError, optionally with the given ZEGO code. */
export function isZegoApiError(err: unknown, code?: number): err is ZegoApiError {
    return err instanceof ZegoApiError && (code === undefined || err.code === code);
}
