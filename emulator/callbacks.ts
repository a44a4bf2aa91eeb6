/**
 * The agent callbacks the emulator POSTs to `callbackUrl`, as ZEGO's backend does to the address
 * its support configures (callbacks/receiving-callback.mdx): AgentInstanceCreated and
 * AgentInstanceDeleted with the deletion Code, signed with the CallbackSecret by the one
 * implementation of the documented algorithm (provider/callbacks.ts), and retried as documented:
 * up to 5 retries, 2, 4, 8, 16 and 32 s after the previous attempt, then dropped.
 */
import * as http from "http";
import * as https from "https";
import { randomBytes } from "crypto";
import { callbackSignature } from "../provider/callbacks";
import type { InstanceRecord } from "./instanceRecord";
import type { DeletedReason } from "./types";

/** receiving-callback.mdx, "Callback Retry Policy". */
export const DOCUMENTED_RETRY_DELAYS_MS = [2000, 4000, 8000, 16000, 32000];
/** How long an attempt waits for an answer ("does not receive a response"); the docs give no figure. */
const ATTEMPT_TIMEOUT_MS = 5000;

/** AgentInstanceDeleted Data.Code of each way the emulator deletes an instance (receiving-callback.mdx). */
export const DELETED_CODE: Record<DeletedReason, number> = {
    api: 0,
    // A graceful delete that ran to its timeout was still deleted by DeleteAgentInstance.
    "graceful-timeout": 0,
    idle: 1202,
    kicked: 1203,
    "stream-failed": 1206,
};

export interface CallbackEnv {
    appId: number;
    callbackSecret: string;
    /** The emulator clock, ms (Timestamp, CreatedTimestamp). */
    now(): number;
    url(): string | undefined;
    retryDelaysMs(): readonly number[];
    log(line: string): void;
}

export class CallbackSender {
    /** "Ordered, not necessarily continuous": one counter for the whole emulator. */
    private sequence = 0;
    private readonly timers = new Set<NodeJS.Timeout>();
    private readonly requests = new Set<http.ClientRequest>();
    private closed = false;

    constructor(private readonly env: CallbackEnv) {}

    created(inst: InstanceRecord): void {
        this.send("AgentInstanceCreated", inst, { CreatedTimestamp: inst.createdAt });
    }

    deleted(inst: InstanceRecord, reason: DeletedReason, at: number): void {
        // LatencyData in the documented shape; the emulator measures no model latency.
        const latency = { LLMTTFT: 0, LLMTPS: 0, TTSAudioFirstFrameTime: 0, TotalCost: 0 };
        this.send("AgentInstanceDeleted", inst, { Code: DELETED_CODE[reason], DeletedTimestamp: at, LatencyData: latency });
    }

    /** Stop retrying and abandon deliveries in flight (emulator close). */
    close(): void {
        this.closed = true;
        for (const t of this.timers) clearTimeout(t);
        this.timers.clear();
        for (const r of this.requests) r.destroy();
        this.requests.clear();
    }

    private send(event: string, inst: InstanceRecord, data: Record<string, unknown>): void {
        const url = this.env.url();
        if (!url || this.closed) return;
        const timestamp = this.env.now();
        const nonce = BigInt(`0x${randomBytes(8).toString("hex")}`).toString();
        const body: Record<string, unknown> = {
            AppId: this.env.appId,
            AgentInstanceId: inst.id,
            AgentId: inst.agentId,
            Sequence: ++this.sequence,
            Data: data,
            Event: event,
            Nonce: nonce,
            Timestamp: timestamp,
            Signature: callbackSignature(this.env.callbackSecret, timestamp, nonce),
        };
        if (typeof inst.rtc?.AgentUserId === "string") body.AgentUserId = inst.rtc.AgentUserId;
        if (typeof inst.rtc?.RoomId === "string") body.RoomId = inst.rtc.RoomId;
        // A retry resends the same body (same Timestamp, Nonce and Signature); the docs do not say
        // whether ZEGO re-signs, and the same body is the stricter test of a handler's time window.
        this.attempt(url, JSON.stringify(body), `${event} ${inst.id} #${body.Sequence as number}`, 0);
    }

    private attempt(url: string, text: string, what: string, retry: number): void {
        if (this.closed) return;
        const sentAt = Date.now();
        const done = (failure?: string) => {
            if (failure === undefined) return this.env.log(`callback ${what} delivered`);
            const delays = this.env.retryDelaysMs();
            const delay = delays[retry];
            if (delay === undefined || this.closed) return this.env.log(`callback ${what} lost after ${retry + 1} attempts: ${failure}`);
            this.env.log(`callback ${what} failed (${failure}); retry ${retry + 1} in ${delay} ms`);
            // "The interval between each retry request and the previous request": from the previous send.
            const timer = setTimeout(
                () => {
                    this.timers.delete(timer);
                    this.attempt(url, text, what, retry + 1);
                },
                Math.max(0, sentAt + delay - Date.now()),
            );
            this.timers.add(timer);
        };
        let settled = false;
        const settle = (failure?: string) => {
            if (settled) return;
            settled = true;
            this.requests.delete(req);
            done(failure);
        };
        const lib = url.startsWith("https:") ? https : http;
        const req = lib.request(url, {
            method: "POST",
            headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) },
            timeout: ATTEMPT_TIMEOUT_MS,
        });
        this.requests.add(req);
        req.on("response", (res) => {
            res.resume();
            const status = res.statusCode ?? 0;
            // "Return an HTTP status code of 2XX ... Any other response will be considered a failure."
            settle(status >= 200 && status < 300 ? undefined : `HTTP ${status}`);
        });
        req.on("timeout", () => req.destroy(new Error(`no response in ${ATTEMPT_TIMEOUT_MS} ms`)));
        req.on("error", (err) => settle(err.message));
        req.end(text);
    }
}
