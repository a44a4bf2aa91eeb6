/**
 * A scripted ZEGO peer for the client's unit tests: a real HTTP server on 127.0.0.1:0 that records
 * every request and answers from a queue of scripted responses (then with a default success).
 * It knows nothing of ZEGO's logic; the emulator (emulator/) does that for integration tests.
 */
import http from "http";
import { AddressInfo } from "net";

export interface Scripted {
    /** Default 200. */
    readonly status?: number;
    readonly headers?: Record<string, string>;
    /** An object is sent as JSON; a string as is (with the given or a text/plain content type). */
    readonly body?: unknown;
    /** Read the request, then drop the connection without answering (ECONNRESET / socket hang up). */
    readonly destroy?: boolean;
    /** Read the request and never answer. */
    readonly hang?: boolean;
    /** false: no Date header (Node adds one from the real clock unless `headers` has one). */
    readonly sendDate?: boolean;
}

export type Script = Scripted | ((request: Received) => Scripted);

export interface Received {
    readonly method: string;
    readonly path: string;
    /** The query as sent, in order. */
    readonly query: Array<[string, string]>;
    readonly params: Record<string, string>;
    readonly action: string;
    readonly headers: http.IncomingHttpHeaders;
    readonly rawBody: string;
    readonly body: unknown;
    /** Date.now() when it arrived (fake time under sinon fake timers). */
    readonly receivedAt: number;
}

/** Every Signature any peer has seen, so tests can check none ever shows up in an error. */
export const SEEN_SIGNATURES = new Set<string>();

export const ok = (data: unknown = null, requestId = "req-ok"): Scripted => ({
    body: { Code: 0, Message: "Succeed", RequestId: requestId, Data: data },
});

export const zego = (
    code: number,
    message = `scripted failure ${code}`,
    extra: { status?: number; headers?: Record<string, string>; requestId?: string } = {},
): Scripted => ({
    status: extra.status,
    headers: extra.headers,
    body: { Code: code, Message: message, RequestId: extra.requestId ?? `req-${code}` },
});

export class ScriptedPeer {
    readonly received: Received[] = [];
    private readonly queue: Script[] = [];
    /** Used once the queue is empty. */
    fallback: Script = ok();

    private constructor(
        private readonly server: http.Server,
        readonly url: string,
    ) {}

    static async start(): Promise<ScriptedPeer> {
        let peer: ScriptedPeer | undefined;
        const server = http.createServer((req, res) => peer!.handle(req, res));
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const { port } = server.address() as AddressInfo;
        peer = new ScriptedPeer(server, `http://127.0.0.1:${port}`);
        return peer;
    }

    /** Answers for the next requests, in order. */
    script(...responses: Script[]): this {
        this.queue.push(...responses);
        return this;
    }

    get actions(): string[] {
        return this.received.map((r) => r.action);
    }

    async stop(): Promise<void> {
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const rawBody = Buffer.concat(chunks).toString("utf8");
            const url = new URL(req.url ?? "/", "http://peer");
            const query = [...url.searchParams.entries()];
            const params = Object.fromEntries(query);
            if (params.Signature) SEEN_SIGNATURES.add(params.Signature);
            let body: unknown;
            try {
                body = JSON.parse(rawBody);
            } catch {
                body = undefined;
            }
            const received: Received = {
                method: req.method ?? "",
                path: url.pathname,
                query,
                params,
                action: params.Action ?? "",
                headers: req.headers,
                rawBody,
                body,
                receivedAt: Date.now(),
            };
            this.received.push(received);
            const next = this.queue.length > 0 ? this.queue.shift()! : this.fallback;
            const scripted = typeof next === "function" ? next(received) : next;
            this.respond(scripted, req, res);
        });
    }

    private respond(s: Scripted, req: http.IncomingMessage, res: http.ServerResponse): void {
        if (s.hang) return;
        if (s.destroy) return void req.socket.destroy();
        const isText = typeof s.body === "string";
        const payload = s.body === undefined ? "" : isText ? (s.body as string) : JSON.stringify(s.body);
        const headers: Record<string, string> = { "Content-Type": isText ? "text/plain" : "application/json", ...s.headers };
        if (s.sendDate === false) res.sendDate = false;
        res.writeHead(s.status ?? 200, headers);
        res.end(payload);
    }
}

/** A port on loopback where nothing listens (connecting to it is refused). */
export async function refusedUrl(): Promise<string> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return `http://127.0.0.1:${port}`;
}
