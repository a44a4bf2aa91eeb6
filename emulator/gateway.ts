/**
 * The ZEGO API gateway's checks of the common query parameters (Action, AppId, SignatureNonce,
 * Timestamp, Signature, SignatureVersion), in the order a gateway would make them: presence and
 * format first, then the app and the action, then freshness and the signature.
 *
 *   md5(AppId + SignatureNonce + ServerSecret + Timestamp), lower-case hex (SignatureVersion 2.0)
 */
import { computeSignature } from "../provider/client/signing";
import { codeMeaning } from "../provider/client/codes";

export interface GatewayConfig {
    appId: number;
    serverSecret: string;
    windowSeconds: number;
    nowMs: number;
    isKnownAction(action: string): boolean;
}

export type GatewayResult = { ok: true; action: string } | { ok: false; code: number; message: string };

/** Nonces seen in signed requests, kept while their timestamp is inside the window. */
export class NonceCache {
    private readonly expiries = new Map<string, number>();
    private sincePurge = 0;

    has(nonce: string, nowMs: number): boolean {
        const expiry = this.expiries.get(nonce);
        return expiry !== undefined && expiry >= nowMs;
    }

    remember(nonce: string, expiresAtMs: number, nowMs: number): void {
        this.expiries.set(nonce, expiresAtMs);
        if (++this.sincePurge >= 256) {
            this.sincePurge = 0;
            for (const [n, e] of this.expiries) if (e < nowMs) this.expiries.delete(n);
        }
    }

    clear(): void {
        this.expiries.clear();
    }
}

const fail = (code: number, detail: string): GatewayResult => ({ ok: false, code, message: `${codeMeaning(code)}: ${detail}` });
const UINT32_MAX = 4294967295;

export function verifyRequest(query: URLSearchParams, config: GatewayConfig, nonces: NonceCache): GatewayResult {
    const action = query.get("Action") ?? "";
    const nonce = query.get("SignatureNonce") ?? "";
    const signature = query.get("Signature") ?? "";
    const timestamp = query.get("Timestamp") ?? "";
    const version = query.get("SignatureVersion") ?? "";
    const appId = query.get("AppId") ?? "";

    if (!action) return fail(100000006, "the Action query parameter is missing or empty.");
    if (!nonce) return fail(100000008, "the SignatureNonce query parameter is missing or empty.");
    if (!signature) return fail(100000009, "the Signature query parameter is missing or empty.");
    if (!timestamp) return fail(100000002, "the Timestamp query parameter is missing or empty.");
    if (!/^-?\d{1,16}$/.test(timestamp)) {
        return fail(100000003, `Timestamp must be Unix time in whole seconds; got ${JSON.stringify(timestamp.slice(0, 40))}.`);
    }
    if (!version) return fail(100000013, "the SignatureVersion query parameter is missing or empty.");
    if (version !== "2.0") return fail(100000014, `only SignatureVersion 2.0 is supported; got ${JSON.stringify(version.slice(0, 40))}.`);
    if (!/^\d{1,10}$/.test(appId) || Number(appId) > UINT32_MAX) {
        return fail(100000001, `AppId must be an unsigned 32-bit decimal number; got ${JSON.stringify(appId.slice(0, 40))}.`);
    }
    if (Number(appId) !== config.appId) return fail(100000010, `no app with AppId ${appId} (check the AppId).`);
    if (!config.isKnownAction(action)) return fail(100000007, `${JSON.stringify(action.slice(0, 80))} is not an AI Agent action.`);

    const ts = Number(timestamp);
    const skewMs = ts * 1000 - config.nowMs;
    if (Math.abs(skewMs) > config.windowSeconds * 1000) {
        const skew = Math.round(skewMs / 1000);
        return fail(
            100000004,
            `Timestamp ${timestamp} is ${Math.abs(skew)} s ${skew < 0 ? "behind" : "ahead of"} the server clock (allowed: ${config.windowSeconds} s); sign again with the current time.`,
        );
    }
    const expected = computeSignature(config.appId, nonce, config.serverSecret, ts);
    if (signature !== expected) {
        return fail(
            100000005,
            "Signature does not match md5(AppId + SignatureNonce + ServerSecret + Timestamp) in lower-case hex (check the ServerSecret).",
        );
    }
    if (nonces.has(nonce, config.nowMs)) {
        return fail(
            100000005,
            `SignatureNonce ${JSON.stringify(nonce)} was already used within the last ${config.windowSeconds} s (a replayed request): sign every request with a fresh nonce.`,
        );
    }
    nonces.remember(nonce, ts * 1000 + config.windowSeconds * 1000, config.nowMs);
    return { ok: true, action };
}
