/**
 * Reads one raw outcome as ZEGO's common response `{Code, Message, RequestId, Data}`. The docs say
 * nothing about HTTP statuses on error (reference §1), so both the status and `Code` are checked:
 * success is a 2xx status with `Code` 0.
 */
import { STATUS_CODES } from "http";
import type { AttemptFailure } from "./retry";
import { parseRetryAfterMs } from "./retry";
import type { RawOutcome } from "./transport";

export type Interpreted =
    | { readonly ok: true; readonly data: unknown; readonly requestId?: string; readonly httpStatus: number; readonly code: number }
    | { readonly ok: false; readonly failure: AttemptFailure };

export interface InterpretContext {
    readonly endpoint: string;
    /** When the outcome arrived (for Retry-After dates). */
    readonly nowMs: number;
    /** Applied to every text taken from the response. */
    readonly redact: (text: string) => string;
}

/** The caller handles `aborted` (it is no failure of ZEGO's). */
export function interpretOutcome(outcome: Exclude<RawOutcome, { kind: "aborted" }>, ctx: InterpretContext): Interpreted {
    switch (outcome.kind) {
        case "timeout": {
            const problem = `no complete response from ${ctx.endpoint} within ${outcome.timeoutMs} ms (TIMEOUT: the timeoutMs option)`;
            return { ok: false, failure: { kind: "timeout", networkCode: "TIMEOUT", problem } };
        }
        case "too-large": {
            // Something answered, so the request may have been carried out; the answer was not read.
            const problem =
                `the response from ${ctx.endpoint} was larger than ${outcome.limitBytes} bytes (the client's cap on response size), ` +
                "so it was not read; no ZEGO response is that large: check the endpoint";
            return { ok: false, failure: { kind: "malformed", problem } };
        }
        case "network":
            return {
                ok: false,
                failure: { kind: "network", networkCode: outcome.code, problem: networkProblem(outcome.code, ctx.endpoint) },
            };
        case "response":
            return interpretResponse(outcome, ctx);
    }
}

function interpretResponse(res: Extract<RawOutcome, { kind: "response" }>, ctx: InterpretContext): Interpreted {
    const status = res.status;
    const success = status >= 200 && status < 300;
    const envelope = parseEnvelope(res.body);
    const retryAfterMs = parseRetryAfterMs(res.retryAfter, ctx.nowMs);
    const statusText = `HTTP ${status}${STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : ""}`;
    const bodyShape = `${res.contentType ? res.contentType.replace(/;.*$/s, "").trim() : "no content type"}, ${Buffer.byteLength(res.body)} bytes`;

    if (envelope.kind === "zego") {
        const requestId = envelope.requestId === undefined ? undefined : ctx.redact(envelope.requestId);
        const zegoMessage = envelope.message ? ctx.redact(envelope.message) : undefined;
        if (envelope.code === 0 && success) return { ok: true, data: envelope.data, requestId, httpStatus: status, code: 0 };
        if (envelope.code !== 0) {
            const serverDateMs = res.date === undefined ? undefined : Date.parse(res.date);
            const failure = { kind: "zego" as const, code: envelope.code, httpStatus: status, requestId, zegoMessage, retryAfterMs };
            return { ok: false, failure: Number.isFinite(serverDateMs) ? { ...failure, serverDateMs } : failure };
        }
        // Code 0 with an error status: believe the status.
        const problem = `${statusText} (with a ZEGO body saying Code 0)`;
        return { ok: false, failure: { kind: "http", httpStatus: status, requestId, retryAfterMs, problem } };
    }
    if (!success) {
        const problem = `${statusText} without a ZEGO response body (${bodyShape})`;
        return { ok: false, failure: { kind: "http", httpStatus: status, retryAfterMs, problem } };
    }
    const what = envelope.kind === "not-json" ? "is not JSON" : "is JSON but has no numeric Code field";
    const problem = `the ${statusText} response ${what} (${bodyShape}), so it is not a ZEGO response; check the endpoint`;
    return { ok: false, failure: { kind: "malformed", httpStatus: status, problem } };
}

type Envelope =
    | { readonly kind: "zego"; readonly code: number; readonly message?: string; readonly requestId?: string; readonly data: unknown }
    | { readonly kind: "not-json" }
    | { readonly kind: "no-code" };

function parseEnvelope(body: string): Envelope {
    let parsed: unknown;
    try {
        parsed = JSON.parse(body);
    } catch {
        return { kind: "not-json" };
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return { kind: "no-code" };
    const record = parsed as Record<string, unknown>;
    const code = readCode(record.Code);
    if (code === undefined) return { kind: "no-code" };
    return {
        kind: "zego",
        code,
        message: typeof record.Message === "string" ? record.Message : undefined,
        requestId: typeof record.RequestId === "string" || typeof record.RequestId === "number" ? String(record.RequestId) : undefined,
        data: record.Data,
    };
}

/** A number, or (leniently) a string of digits. */
function readCode(value: unknown): number | undefined {
    if (typeof value === "number" && Number.isInteger(value)) return value;
    if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
    return undefined;
}

const NETWORK_CODE_MEANINGS: Readonly<Record<string, string>> = {
    ECONNREFUSED: "connection refused",
    ECONNRESET: "connection reset",
    ETIMEDOUT: "connection timed out",
    EPIPE: "connection closed while sending",
    ENOTFOUND: "host not found",
    EAI_AGAIN: "DNS lookup failed temporarily",
    EHOSTUNREACH: "host unreachable",
    ENETUNREACH: "network unreachable",
};

function networkProblem(code: string, endpoint: string): string {
    const meaning = NETWORK_CODE_MEANINGS[code];
    return `no response from ${endpoint} (${code}${meaning ? `: ${meaning}` : ""})`;
}
