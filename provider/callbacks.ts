/**
 * `pulumi-zego-aiagent/callbacks`: verify and parse the callbacks ZEGO's AI Agent backend POSTs to
 * the address ZEGO support configures (no resource can set it).
 *
 * Source (ZEGOCLOUD/docs_all, core_products/aiagent/en/server/): callbacks/receiving-callback.mdx
 * (fields, events, deletion codes, retries) and snippets/Reuse/SignatureVerificationEN.mdx, which
 * it includes (the signature):
 *
 *   Signature = sha1( sort_as_strings([CallbackSecret, Timestamp, Nonce]).join("") )
 *
 * The secret is the project's CallbackSecret ("Console > Project Configuration > Project
 * Information"), not the ServerSecret that signs API requests. The signature covers only the
 * secret, Timestamp and Nonce: it proves the sender knows the CallbackSecret, not that the body is
 * the one that was signed. Use HTTPS (the docs recommend it) and, against replays, `maxAgeMs` and
 * de-duplication by Nonce or Sequence.
 */
import { createHash, timingSafeEqual } from "crypto";

/** The documented AgentInstanceDeleted `Data.Code` values (receiving-callback.mdx, guides/get-ai-agent-status.mdx). */
export const DELETED_REASONS = {
    0: { reason: "deleted-by-api", meaning: "deleted by a DeleteAgentInstance call" },
    1201: { reason: "rtc-error", meaning: "RTC general error" },
    1202: {
        reason: "idle-timeout",
        meaning: "the user who created the instance was not in the RTC room for 120 s (or AdvancedConfig.MaxIdleTime)",
    },
    1203: { reason: "kicked", meaning: "kicked from the RTC room (e.g. a later instance reused its RTC.AgentUserId)" },
    1204: { reason: "join-failed", meaning: "failed to join the RTC room" },
    1205: { reason: "disconnected", meaning: "disconnected from the RTC room" },
    1206: { reason: "stream-failed", meaning: "failed to start streaming (e.g. RTC.AgentStreamId already published)" },
} as const;

export type DeletedCode = keyof typeof DELETED_REASONS;
/** "unknown" for a Code ZEGO added after this release (the docs warn that values will be added). */
export type DeletedReason = (typeof DELETED_REASONS)[DeletedCode]["reason"] | "unknown";

/** The fields every callback carries (receiving-callback.mdx, "Callback Parameters"), as sent. */
export interface CallbackEnvelope {
    AppId: number;
    /** As sent; AgentSpeakAction (deprecated) is reported with kind "AgentInstanceStatus". */
    Event: string;
    Nonce: string;
    /** Milliseconds since the epoch, when the callback was sent. */
    Timestamp: number;
    Signature: string;
    AgentInstanceId?: string;
    AgentUserId?: string;
    AgentId?: string;
    Name?: string;
    RoomId?: string;
    /** Ordered, not necessarily continuous. */
    Sequence?: number;
    /** The whole parsed body, fields this release does not know included. */
    raw: Record<string, unknown>;
}

export interface LatencyData {
    LLMTTFT?: number;
    LLMTPS?: number;
    TTSAudioFirstFrameTime?: number;
    TotalCost?: number;
}

type Event<K extends string, D> = CallbackEnvelope & { kind: K; Data: D };

export type AgentInstanceCreatedEvent = Event<"AgentInstanceCreated", { CreatedTimestamp: number }>;
export type AgentInstanceDeletedEvent = Event<
    "AgentInstanceDeleted",
    { Code: number; DeletedTimestamp?: number; LatencyData?: LatencyData }
> & {
    /** Data.Code read through DELETED_REASONS. */
    reason: DeletedReason;
};
export type AsrResultEvent = Event<"ASRResult", { UserId?: string; Round?: number; Text?: string }>;
export type LlmResultEvent = Event<"LLMResult", { Round?: number; Text?: string }>;
/** Code: callbacks/exception-codes.mdx. */
export type ExceptionEvent = Event<"Exception", { Code?: number; Message?: string; Round?: number }>;
/** Reason 1: user speaking, 2: SendAgentInstanceLLM, 3: SendAgentInstanceTTS, 4: InterruptAgentInstance. */
export type InterruptedEvent = Event<"Interrupted", { Round?: number; Reason?: number; PlayedText?: string }>;
export type UserSpeakActionEvent = Event<"UserSpeakAction", { UserId?: string; Action?: string; Round?: number }>;
export type AgentInstanceStatusEvent = Event<"AgentInstanceStatus", { Status?: string; Round?: number }>;
export type UserAudioDataEvent = Event<
    "UserAudioData",
    { UserId?: string; Round?: number; SampleRate?: number; Format?: string; Audio?: string }
>;
export type AgentInstanceMetaInfoEvent = Event<"AgentInstanceMetaInfo", { Round?: number; MetaInfo?: Record<string, unknown> }>;
/** An Event this release does not know: delivered, not refused (ZEGO adds events). */
export type UnknownCallbackEvent = Event<"unknown", Record<string, unknown> | undefined>;

/** Narrow on `kind`. */
export type CallbackEvent =
    | AgentInstanceCreatedEvent
    | AgentInstanceDeletedEvent
    | AsrResultEvent
    | LlmResultEvent
    | ExceptionEvent
    | InterruptedEvent
    | UserSpeakActionEvent
    | AgentInstanceStatusEvent
    | UserAudioDataEvent
    | AgentInstanceMetaInfoEvent
    | UnknownCallbackEvent;

const KINDS: Record<string, CallbackEvent["kind"]> = {
    AgentInstanceCreated: "AgentInstanceCreated",
    AgentInstanceDeleted: "AgentInstanceDeleted",
    ASRResult: "ASRResult",
    LLMResult: "LLMResult",
    Exception: "Exception",
    Interrupted: "Interrupted",
    UserSpeakAction: "UserSpeakAction",
    AgentInstanceStatus: "AgentInstanceStatus",
    AgentSpeakAction: "AgentInstanceStatus",
    UserAudioData: "UserAudioData",
    AgentInstanceMetaInfo: "AgentInstanceMetaInfo",
};

export interface VerifyCallbackOptions {
    /** The project's CallbackSecret (not the ServerSecret). */
    callbackSecret: string;
    /** Refuse a callback whose AppId differs (default: not checked). */
    appId?: number;
    /**
     * Refuse a callback whose Timestamp is further than this from `now()`, either way. Default
     * 600000 (10 minutes): the docs give no window, and a retry (up to 5, after 2+4+8+16+32 s) may
     * carry the first attempt's Timestamp, so give at least 70000. The window is what makes a
     * Nonce unique: the signature hashes the secret, Timestamp and Nonce joined without a
     * separator, so digits moved from the Nonce into the Timestamp sign the same, with a Timestamp
     * far in the future. `Infinity` turns the check off (then de-duplicating by Nonce is not enough).
     */
    maxAgeMs?: number;
    /** Clock for maxAgeMs, ms since the epoch; default Date.now. */
    now?: () => number;
}

/** The default window for a callback's Timestamp (verifyCallback's maxAgeMs). */
const DEFAULT_MAX_AGE_MS = 600_000;

/** A callback that failed verification. The message names the field; it never contains the secret. */
export class CallbackVerificationError extends Error {
    /** The field at fault ("Signature", "Timestamp", "body", ...). */
    readonly field: string;
    constructor(field: string, message: string) {
        super(message);
        this.name = "CallbackVerificationError";
        this.field = field;
    }
}

/** The documented signature: sha1 of CallbackSecret, Timestamp and Nonce sorted as strings and joined; lower-case hex. */
export function callbackSignature(callbackSecret: string, timestamp: number | string, nonce: string): string {
    const parts = [callbackSecret, String(timestamp), nonce].sort();
    return createHash("sha1").update(parts.join("")).digest("hex");
}

/**
 * Check a callback's signature (and optionally its AppId and age) and parse it into a typed event.
 * `body` is the raw request body (a string or Buffer, JSON or URL-encoded JSON as the docs allow)
 * or an already parsed object. Throws CallbackVerificationError; answer the request with a non-2xx
 * status then (ZEGO retries up to 5 times), and 2xx once handled.
 */
export function verifyCallback(body: string | Uint8Array | Record<string, unknown>, options: VerifyCallbackOptions): CallbackEvent {
    if (typeof options?.callbackSecret !== "string" || options.callbackSecret === "") {
        throw new TypeError("verifyCallback: options.callbackSecret must be the project's CallbackSecret (a non-empty string).");
    }
    const raw = parseBody(body);
    const text = (field: string): string => {
        const v = raw[field];
        if ((typeof v === "string" && v !== "") || (typeof v === "number" && Number.isFinite(v))) return String(v);
        throw new CallbackVerificationError(field, `callback ${field} is missing or empty; got ${describe(v)}.`);
    };
    const signature = text("Signature").toLowerCase();
    const timestampText = text("Timestamp");
    const nonce = text("Nonce");
    const event = text("Event");
    const timestamp = Number(timestampText);
    // Canonical digits only: "0017…" or "1.7e12" would sign differently for the same instant.
    if (!/^[1-9][0-9]*$/.test(timestampText) || !Number.isSafeInteger(timestamp)) {
        throw new CallbackVerificationError(
            "Timestamp",
            `callback Timestamp must be an integer (milliseconds); got ${describe(raw.Timestamp)}.`,
        );
    }
    const expected = Buffer.from(callbackSignature(options.callbackSecret, timestampText, nonce));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new CallbackVerificationError(
            "Signature",
            "callback Signature does not match sha1 of the CallbackSecret, Timestamp and Nonce (wrong CallbackSecret, or not sent by ZEGO).",
        );
    }
    const appId = Number(text("AppId"));
    if (options.appId !== undefined && appId !== options.appId) {
        throw new CallbackVerificationError("AppId", `callback AppId is ${appId}; expected ${options.appId}.`);
    }
    const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    if (typeof maxAgeMs !== "number" || Number.isNaN(maxAgeMs) || maxAgeMs <= 0) {
        throw new TypeError(
            `verifyCallback: options.maxAgeMs must be a positive number of milliseconds (or Infinity); got ${describe(maxAgeMs)}.`,
        );
    }
    const now = (options.now ?? Date.now)();
    if (Math.abs(now - timestamp) > maxAgeMs) {
        throw new CallbackVerificationError(
            "Timestamp",
            `callback Timestamp ${timestamp} is ${now - timestamp} ms from now; maxAgeMs is ${maxAgeMs}.`,
        );
    }
    return toEvent(raw, { appId, event, timestamp, nonce, signature });
}

function parseBody(body: string | Uint8Array | Record<string, unknown>): Record<string, unknown> {
    let parsed: unknown = body;
    if (typeof body === "string" || body instanceof Uint8Array) {
        const source = typeof body === "string" ? body : Buffer.from(body).toString("utf8");
        parsed = tryJson(source);
        // receiving-callback.mdx: "The callback data format is JSON. You need to perform UrlDecode decoding on it."
        if (parsed === undefined) parsed = tryJson(urlDecode(source));
        if (parsed === undefined) throw new CallbackVerificationError("body", "callback body is neither JSON nor URL-encoded JSON.");
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new CallbackVerificationError("body", `callback body must be a JSON object; got ${describe(parsed)}.`);
    }
    return parsed as Record<string, unknown>;
}

function tryJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

function urlDecode(text: string): string {
    try {
        return decodeURIComponent(text.replace(/\+/g, " "));
    } catch {
        return text;
    }
}

function describe(v: unknown): string {
    if (v === undefined) return "nothing";
    if (v === null || typeof v !== "object") return JSON.stringify(v);
    return Array.isArray(v) ? "an array" : "an object";
}

function toEvent(
    raw: Record<string, unknown>,
    checked: { appId: number; event: string; timestamp: number; nonce: string; signature: string },
): CallbackEvent {
    const str = (k: string) => (typeof raw[k] === "string" ? (raw[k] as string) : undefined);
    const envelope: CallbackEnvelope = {
        AppId: checked.appId,
        Event: checked.event,
        Nonce: checked.nonce,
        Timestamp: checked.timestamp,
        Signature: checked.signature,
        raw,
    };
    for (const k of ["AgentInstanceId", "AgentUserId", "AgentId", "Name", "RoomId"] as const) {
        const v = str(k);
        if (v !== undefined) envelope[k] = v;
    }
    // Sequence may exceed 2^53 (the docs' examples show 19 digits), so it is only as exact as JSON.parse makes it.
    if (typeof raw.Sequence === "number") envelope.Sequence = raw.Sequence;
    const data =
        raw.Data !== null && typeof raw.Data === "object" && !Array.isArray(raw.Data) ? (raw.Data as Record<string, unknown>) : undefined;
    const kind = KINDS[checked.event] ?? "unknown";
    if (kind === "AgentInstanceDeleted") {
        const code = data?.Code;
        if (typeof code !== "number") {
            throw new CallbackVerificationError(
                "Data.Code",
                `AgentInstanceDeleted callback Data.Code must be a number; got ${describe(code)}.`,
            );
        }
        const known = (DELETED_REASONS as Record<number, { reason: DeletedReason }>)[code];
        return { ...envelope, kind, Data: data as AgentInstanceDeletedEvent["Data"], reason: known?.reason ?? "unknown" };
    }
    if (kind === "unknown") return { ...envelope, kind, Data: data };
    return { ...envelope, kind, Data: (data ?? {}) as never } as CallbackEvent;
}
