/**
 * Sends one signed attempt and says what came back, in plain data. It never throws and never lets
 * an axios error out: those carry the signed URL. Status and `Code` are judged elsewhere
 * (response.ts), so every HTTP status resolves.
 */
import http from "http";
import https from "https";
import axios, { AxiosInstance } from "axios";
import type { SignedQuery } from "./signing";
import { isLoopbackEndpoint } from "./regions";

export type RawOutcome =
    | {
          readonly kind: "response";
          readonly status: number;
          readonly contentType?: string;
          readonly retryAfter?: string;
          /** The Date header, as sent. */
          readonly date?: string;
          readonly body: string;
      }
    | { readonly kind: "network"; readonly code: string }
    | { readonly kind: "timeout"; readonly timeoutMs: number }
    /** The server answered with more than `limitBytes`; the rest was not read. */
    | { readonly kind: "too-large"; readonly limitBytes: number }
    /** The caller's signal aborted the exchange. */
    | { readonly kind: "aborted" };

export interface SendOptions {
    /**
     * Use a new connection rather than a pooled one. Creates ask for it: a pooled connection the
     * server has just closed fails with ECONNRESET/EPIPE, which for a create is indistinguishable
     * from a lost response and would have to be reported as ambiguous.
     */
    readonly freshConnection?: boolean;
    /** Overrides the transport's timeoutMs for this exchange. */
    readonly timeoutMs?: number;
    /** Aborts the exchange (the outcome is then `aborted`). */
    readonly signal?: AbortSignal;
}

/** Responses larger than this are not ZEGO's (the biggest, a message list of 500 entries, is far smaller). */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export class Transport {
    private readonly http: AxiosInstance;
    private readonly pooled = { httpAgent: new http.Agent({ keepAlive: true }), httpsAgent: new https.Agent({ keepAlive: true }) };
    private readonly fresh = { httpAgent: new http.Agent({ keepAlive: false }), httpsAgent: new https.Agent({ keepAlive: false }) };

    constructor(
        readonly endpoint: string,
        readonly timeoutMs: number,
    ) {
        this.http = axios.create({
            // Status and Code are checked by the caller; an error status is an answer, not an exception.
            validateStatus: () => true,
            // A redirect would carry the signed query to another host.
            maxRedirects: 0,
            // Keep the raw text: a body that is not JSON must be reported, not silently passed on.
            responseType: "text",
            transformResponse: [(data: unknown) => data],
            maxContentLength: MAX_RESPONSE_BYTES,
            headers: { "Content-Type": "application/json", Accept: "application/json", "User-Agent": "pulumi-zego-aiagent" },
            // The emulator on loopback must not go through an HTTP(S)_PROXY from the environment;
            // elsewhere axios honours it (HTTPS goes through a CONNECT tunnel, so the query stays encrypted).
            ...(isLoopbackEndpoint(endpoint) ? { proxy: false as const } : {}),
            ...this.pooled,
        });
    }

    async send(query: SignedQuery, body: Record<string, unknown>, options: SendOptions = {}): Promise<RawOutcome> {
        const url = `${this.endpoint}/?${new URLSearchParams(stringValues(query)).toString()}`;
        // One wall-clock timer for the whole exchange (connect, send, wait, read). It is a Node
        // internal timer, so tests faking setTimeout don't make attempts time out early.
        const timeoutMs = options.timeoutMs ?? this.timeoutMs;
        const timeout = AbortSignal.timeout(timeoutMs);
        const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
        try {
            const res = await this.http.post<string>(url, JSON.stringify(body), {
                signal,
                ...(options.freshConnection ? this.fresh : {}),
            });
            return {
                kind: "response",
                status: res.status,
                contentType: headerValue(res.headers["content-type"]),
                retryAfter: headerValue(res.headers["retry-after"]),
                date: headerValue(res.headers["date"]),
                body: typeof res.data === "string" ? res.data : "",
            };
        } catch (err) {
            if (options.signal?.aborted) return { kind: "aborted" };
            if (timeout.aborted) return { kind: "timeout", timeoutMs };
            if (exceededSizeCap(err)) return { kind: "too-large", limitBytes: MAX_RESPONSE_BYTES };
            return { kind: "network", code: networkCode(err) };
        }
    }

    /** Closes pooled connections. The client stays usable: new connections are opened on demand. */
    close(): void {
        for (const agent of [this.pooled.httpAgent, this.pooled.httpsAgent, this.fresh.httpAgent, this.fresh.httpsAgent]) agent.destroy();
    }
}

/** axios stopped reading at maxContentLength (it says so only in its message, which holds no URL). */
function exceededSizeCap(err: unknown): boolean {
    const message = (err as { message?: unknown })?.message;
    return typeof message === "string" && /maxContentLength size of -?\d+ exceeded/.test(message);
}

/** The system error code of a failed request, without ever reading its message or URL. */
function networkCode(err: unknown): string {
    const e = err as { code?: unknown; cause?: { code?: unknown }; message?: unknown };
    const cause = typeof e?.cause?.code === "string" ? e.cause.code : undefined;
    const own = typeof e?.code === "string" ? e.code : undefined;
    // axios puts its own generic codes (ERR_BAD_RESPONSE, ...) on top; the cause's is more telling.
    const code = own && !own.startsWith("ERR_") ? own : (cause ?? own);
    // Node reports a connection closed before any response as "socket hang up" with ECONNRESET; be sure.
    if (!code && typeof e?.message === "string" && e.message.includes("socket hang up")) return "ECONNRESET";
    return code ?? "UNKNOWN";
}

function stringValues(query: SignedQuery): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(query)) out[key] = String(value);
    return out;
}

function headerValue(value: unknown): string | undefined {
    if (typeof value === "string") return value;
    if (Array.isArray(value) && typeof value[0] === "string") return value[0];
    return undefined;
}
