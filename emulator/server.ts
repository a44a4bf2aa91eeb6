/**
 * The emulator's HTTP server (127.0.0.1 only). Two surfaces:
 *
 *   /_emulator/...  the control API (controlRouter.ts): JSON, unsigned, never faulted or rate limited.
 *   anything else   the ZEGO AI Agent API: POST ?Action=...&AppId=...&Signature=... with a JSON body.
 *
 * A ZEGO request goes: request log → fault decision and latency → ["before" fault] → method →
 * gateway checks (gateway.ts) → rate limit → JSON body → validation and the action (actions.ts)
 * → ["after" fault] → `{Code, Message, RequestId, Data?}` with HTTP 200.
 */
import * as http from "http";
import type { Socket } from "net";
import { codeMeaning } from "../provider/client/codes";
import { MAX_REQUEST_BODY_BYTES } from "../provider/schema/bodySize";
import { dispatch, isKnownAction } from "./actions";
import type { Emulator } from "./emulator";
import type { FailureKind } from "./faults";
import { verifyRequest } from "./gateway";
import type { FaultPhase, RequestLogEntry } from "./types";

export const LISTEN_HOST = "127.0.0.1";
export const CONTROL_PREFIX = "/_emulator";
/** Bodies larger than this are not read (100000012 "Failed to read HTTP body"): ZEGO's limit, as the client knows it. */
export const MAX_BODY_BYTES = MAX_REQUEST_BODY_BYTES;

export type ControlHandler = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    body: Buffer,
    tooLarge: boolean,
) => Promise<void>;

interface Outcome {
    status: number;
    headers: Record<string, string>;
    payload: string;
    code?: number;
}

export class EmulatorServer {
    private readonly server: http.Server;
    private readonly sockets = new Set<Socket>();
    private readonly hung = new Set<http.ServerResponse>();
    private closed = false;

    constructor(
        private readonly emulator: Emulator,
        private readonly control: ControlHandler,
    ) {
        this.server = http.createServer((req, res) => this.onRequest(req, res));
        this.server.on("connection", (socket) => {
            this.sockets.add(socket);
            socket.on("close", () => this.sockets.delete(socket));
        });
        this.server.on("clientError", (_err, socket) => socket.destroy());
    }

    listen(port: number): Promise<number> {
        return new Promise((resolve, reject) => {
            this.server.once("error", reject);
            this.server.listen(port, LISTEN_HOST, () => {
                this.server.off("error", reject);
                resolve((this.server.address() as { port: number }).port);
            });
        });
    }

    address(): { address: string; port: number } {
        return this.server.address() as { address: string; port: number };
    }

    /** Requests a "hang" fault holds; reset() drops them. */
    dropHung(): void {
        for (const res of this.hung) res.socket?.destroy();
        this.hung.clear();
    }

    close(): Promise<void> {
        if (this.closed) return Promise.resolve();
        this.closed = true;
        this.dropHung();
        return new Promise((resolve) => {
            this.server.close(() => resolve());
            for (const socket of this.sockets) socket.destroy();
        });
    }

    private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
        const url = new URL(req.url ?? "/", `http://${LISTEN_HOST}`);
        readBody(req)
            .then(({ body, tooLarge, aborted }) => {
                if (aborted) return;
                if (url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`))
                    return this.control(req, res, url, body, tooLarge);
                return this.api(req, res, url, body, tooLarge);
            })
            .catch((err: unknown) => {
                this.emulator.logLine(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
                if (!res.headersSent && !res.destroyed) sendText(res, 500, "text/plain; charset=utf-8", "emulator internal error");
            });
    }

    private async api(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: Buffer, tooLarge: boolean): Promise<void> {
        const em = this.emulator;
        const started = Date.now();
        const method = req.method ?? "GET";
        const action = url.searchParams.get("Action") ?? "";
        const body = parseJson(raw);
        const entry = em.beginRequest(method, action, body.ok ? body.value : undefined);
        const finish = (status: number) => em.finishRequest(entry, status, Date.now() - started);

        const decision = em.faults.decide(action);
        if (decision?.spikeMs) {
            entry.fault = { kind: "latency-spike", phase: "before", delayMs: decision.spikeMs };
            em.countFault("latency-spike");
        }
        const delay = em.latencyMs + (decision?.delayMs ?? 0);
        const generation = em.generation;
        if (delay > 0) await sleep(delay);
        // A reset during the latency starts a new world: the request belonged to the old one.
        if (em.generation !== generation) return finish(0);
        // A client that gave up during the latency does not undo a request that has arrived: a real
        // service still carries it out (option abandonedRequests: "complete"), so a timeout here
        // leaks here as it would in production.
        if (this.closed || (res.destroyed && em.abandonedRequests === "drop")) return finish(0);

        const failure = decision?.failure;
        if (failure?.phase === "before") return finish(this.inject(res, entry, failure.kind, failure.phase, failure.httpStatus));

        const outcome = await this.process(method, url, action, body, tooLarge, entry);
        entry.code = outcome.code;
        if (this.closed || res.destroyed) return finish(0);
        if (failure) return finish(this.inject(res, entry, failure.kind, failure.phase, failure.httpStatus));
        // The emulator's clock, not Node's: clients learn clock skew from it (as from ZEGO's).
        send(res, { ...outcome, headers: { Date: new Date(em.now()).toUTCString(), ...outcome.headers } });
        finish(outcome.status);
    }

    private async process(
        method: string,
        url: URL,
        action: string,
        body: ParsedBody,
        tooLarge: boolean,
        entry: RequestLogEntry,
    ): Promise<Outcome> {
        const em = this.emulator;
        const reply = (code: number, message: string, data?: unknown, status = 200, headers: Record<string, string> = {}): Outcome => {
            const payload: Record<string, unknown> = { Code: code, Message: message, RequestId: entry.requestId };
            if (data !== undefined) payload.Data = data;
            return {
                status,
                code,
                headers: { "Content-Type": "application/json; charset=utf-8", ...headers },
                payload: JSON.stringify(payload),
            };
        };

        // Every AI Agent action is documented as POST with a JSON body.
        if (method !== "POST") {
            em.dropBody(entry);
            return reply(
                410000003,
                `${codeMeaning(410000003)}: the AI Agent API takes POST with a JSON body; got ${method}.`,
                undefined,
                405,
                { Allow: "POST" },
            );
        }
        if (tooLarge) return reply(100000012, `${codeMeaning(100000012)}: the body exceeds ${MAX_BODY_BYTES} bytes.`);

        const gateway = verifyRequest(
            url.searchParams,
            {
                appId: em.appId,
                serverSecret: em.serverSecret,
                windowSeconds: em.timestampWindowSeconds,
                nowMs: em.now(),
                isKnownAction,
            },
            em.nonces,
        );
        if (!gateway.ok) {
            em.dropBody(entry);
            return reply(gateway.code, gateway.message);
        }

        if (!em.limiter.take(action, em.now(), em.rateLimitPerSecond)) {
            entry.throttled = true;
            em.countThrottled();
            return this.throttled(entry);
        }

        if (!body.ok) return reply(410000004, `${codeMeaning(410000004)}: ${body.error}`);
        const result = dispatch(em.state, action, body.value as Record<string, unknown>);
        if (result.wait) await result.wait;
        return reply(result.code, result.message, result.data);
    }

    private throttled(entry: RequestLogEntry): Outcome {
        const t = this.emulator.throttleResponse;
        const headers: Record<string, string> = {};
        if (t.retryAfterSeconds > 0) headers["Retry-After"] = String(t.retryAfterSeconds);
        const message = `Too many requests: more than ${this.emulator.rateLimitPerSecond} ${entry.action || "requests"} per second.`;
        if (t.code === undefined) {
            return { status: t.httpStatus, headers: { ...headers, "Content-Type": "text/plain; charset=utf-8" }, payload: message };
        }
        return {
            status: t.httpStatus,
            code: t.code,
            headers: { ...headers, "Content-Type": "application/json; charset=utf-8" },
            payload: JSON.stringify({ Code: t.code, Message: message, RequestId: entry.requestId }),
        };
    }

    /** Apply an injected failure; returns the HTTP status sent (0: none). */
    private inject(res: http.ServerResponse, entry: RequestLogEntry, kind: FailureKind, phase: FaultPhase, httpStatus?: number): number {
        const em = this.emulator;
        em.countFault(kind);
        switch (kind) {
            case "hang":
                entry.fault = { kind, phase };
                this.hung.add(res);
                res.on("close", () => this.hung.delete(res));
                return 0;
            case "reset":
                entry.fault = { kind, phase };
                res.socket?.destroy();
                return 0;
            case "http5xx": {
                const status = httpStatus ?? 500;
                entry.fault = { kind, phase, httpStatus: status };
                const text = `${status} ${http.STATUS_CODES[status] ?? "Server Error"}`;
                sendText(
                    res,
                    status,
                    "text/html; charset=utf-8",
                    `<html><head><title>${text}</title></head><body><center><h1>${text}</h1></center></body></html>\n`,
                );
                return status;
            }
            case "throttle": {
                const outcome = this.throttled(entry);
                entry.fault = { kind, phase, httpStatus: outcome.status };
                entry.code = outcome.code;
                send(res, outcome);
                return outcome.status;
            }
        }
    }
}

type ParsedBody = { ok: true; value: unknown } | { ok: false; error: string };

function parseJson(raw: Buffer): ParsedBody {
    const text = raw.toString("utf8");
    if (text.trim() === "") return { ok: false, error: "the body is empty; send a JSON object." };
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (err) {
        return { ok: false, error: `the body is not JSON (${(err as Error).message}).` };
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return {
            ok: false,
            error: `the body must be a JSON object; got ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}.`,
        };
    }
    return { ok: true, value };
}

/** The whole body; `aborted` when the client went away before sending it all. */
function readBody(req: http.IncomingMessage): Promise<{ body: Buffer; tooLarge: boolean; aborted: boolean }> {
    return new Promise((resolve) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let tooLarge = false;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) tooLarge = true;
            else chunks.push(chunk);
        });
        req.on("end", () => resolve({ body: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge, aborted: false }));
        req.on("error", () => resolve({ body: Buffer.alloc(0), tooLarge, aborted: true }));
        req.on("close", () => resolve({ body: Buffer.alloc(0), tooLarge, aborted: !req.complete }));
    });
}

function send(res: http.ServerResponse, outcome: Outcome): void {
    res.writeHead(outcome.status, { ...outcome.headers, "Content-Length": String(Buffer.byteLength(outcome.payload)) });
    res.end(outcome.payload);
}

function sendText(res: http.ServerResponse, status: number, contentType: string, text: string): void {
    res.writeHead(status, { "Content-Type": contentType, "Content-Length": String(Buffer.byteLength(text)) });
    res.end(text);
}

export function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
    sendText(res, status, "application/json; charset=utf-8", JSON.stringify(value));
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
