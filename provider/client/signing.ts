/** ZEGO request signing, SignatureVersion 2.0 (docs: "Accessing Server APIs: signing the requests"). */
import { createHash, randomBytes } from "crypto";

/** md5(AppId + SignatureNonce + ServerSecret + Timestamp), 32 lower-case hex characters. */
export function computeSignature(appId: number, nonce: string, serverSecret: string, timestamp: number): string {
    return createHash("md5").update(`${appId}${nonce}${serverSecret}${timestamp}`).digest("hex");
}

/** A fresh SignatureNonce: 8 bytes from the CSPRNG, hex encoded (16 characters). */
export function newNonce(): string {
    return randomBytes(8).toString("hex");
}

export interface SignedQuery {
    readonly Action: string;
    readonly AppId: number;
    readonly SignatureNonce: string;
    readonly Timestamp: number;
    readonly Signature: string;
    readonly SignatureVersion: "2.0";
}

/** The common query parameters of one request; call once per attempt (every retry is re-signed). */
export function signedQuery(action: string, appId: number, serverSecret: string, nowMs: number = Date.now()): SignedQuery {
    const nonce = newNonce();
    const timestamp = Math.floor(nowMs / 1000);
    return {
        Action: action,
        AppId: appId,
        SignatureNonce: nonce,
        Timestamp: timestamp,
        Signature: computeSignature(appId, nonce, serverSecret, timestamp),
        SignatureVersion: "2.0",
    };
}
