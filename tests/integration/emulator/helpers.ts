/**
 * Test helpers: a tiny signed-request client for the emulator (independent of the real
 * ZegoClient), and a fixture that starts one emulator per test.
 */
import { signedQuery } from "../../../provider/client/signing";
import { startEmulator, EmulatorHandle, EmulatorOptions } from "../../../emulator";

export const APP_ID = 1234567890;
export const SECRET = "0123456789abcdef0123456789abcdef";

export type Emulator = EmulatorHandle;

export interface CallOptions {
    appId?: number;
    secret?: string;
    /** Clock used for the Timestamp (ms). */
    nowMs?: number;
    /** Override query parameters; `undefined` removes one. */
    query?: Record<string, string | undefined>;
    method?: string;
    /** Sent instead of JSON.stringify(body). */
    rawBody?: string;
    timeoutMs?: number;
}

export interface ZegoResponse {
    status: number;
    headers: Headers;
    text: string;
    /** The parsed body when it was JSON. */
    json?: { Code: number; Message: string; RequestId: string; Data?: any };
    code?: number;
    data?: any;
}

export function signedUrl(base: string, action: string, options: CallOptions = {}): URL {
    const q = signedQuery(action, options.appId ?? APP_ID, options.secret ?? SECRET, options.nowMs ?? Date.now());
    const url = new URL(base);
    for (const [k, v] of Object.entries(q)) url.searchParams.set(k, String(v));
    for (const [k, v] of Object.entries(options.query ?? {})) {
        if (v === undefined) url.searchParams.delete(k);
        else url.searchParams.set(k, v);
    }
    return url;
}

export async function zego(base: string, action: string, body: unknown = {}, options: CallOptions = {}): Promise<ZegoResponse> {
    const method = options.method ?? "POST";
    const response = await fetch(signedUrl(base, action, options), {
        method,
        headers: method === "GET" ? undefined : { "Content-Type": "application/json" },
        body: method === "GET" ? undefined : (options.rawBody ?? JSON.stringify(body)),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    const text = await response.text();
    let json: ZegoResponse["json"];
    try {
        json = JSON.parse(text);
    } catch {
        json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json, code: json?.Code, data: json?.Data };
}

/** A fresh emulator for each test of the calling `describe`; closed afterwards. */
export function useEmulator(options: Partial<EmulatorOptions> = {}): { readonly em: Emulator; readonly url: string } {
    let current: Emulator | undefined;
    beforeEach(async () => {
        current = await startEmulator({ appId: APP_ID, serverSecret: SECRET, rateLimitPerSecond: 0, ...options });
    });
    afterEach(async () => {
        await current?.close();
        current = undefined;
    });
    return {
        get em() {
            return current!;
        },
        get url() {
            return current!.url;
        },
    };
}

export const LLM = { Url: "https://llm.example.com/v1/chat/completions", ApiKey: "sk-test-secret", Model: "test-model" };
export const TTS = { Vendor: "ByteDanceV3", Params: { app: { appid: "1", token: "tts-secret" }, speaker: "x" } };

export function rtc(n: number | string) {
    return { RoomId: `room${n}`, AgentStreamId: `agent_stream_${n}`, AgentUserId: `agent_user_${n}`, UserStreamId: `user_stream_${n}` };
}

export function instanceBody(n: number | string, extra: Record<string, unknown> = {}) {
    return { AgentId: "agent-1", UserId: `user_${n}`, RTC: rtc(n), ...extra };
}

export async function registerAgent(url: string, agentId = "agent-1", extra: Record<string, unknown> = {}): Promise<void> {
    const r = await zego(url, "RegisterAgent", { AgentId: agentId, Name: "Test agent", LLM, TTS, ...extra });
    if (r.code !== 0) throw new Error(`RegisterAgent failed: ${r.text}`);
}

export async function createInstance(
    url: string,
    n: number | string,
    extra: Record<string, unknown> = {},
    options: CallOptions = {},
): Promise<string> {
    const r = await zego(url, "CreateAgentInstance", instanceBody(n, extra), options);
    if (r.code !== 0) throw new Error(`CreateAgentInstance failed: ${r.text}`);
    return r.data.AgentInstanceId as string;
}

/** Until the emulator has received `count` requests for `action` (they travel by real I/O). */
export async function arrived(em: Emulator, action: string, count = 1): Promise<void> {
    while (em.requests().filter((r) => r.action === action).length < count) await new Promise((resolve) => setTimeout(resolve, 5));
}
