/** The app and credentials the plugin tests configure, and the check that none of them leaks. */
import { expect } from "chai";
import { ASR_SECRET, LLM_API_KEY, TTS_TOKEN } from "../../harness/fixtures";
import { visible } from "./engine";

export const APP_ID = 1234567890;
export const SERVER_SECRET = "0123456789abcdef0123456789abcdef";
export const SECRETS = [LLM_API_KEY, TTS_TOKEN, ASR_SECRET, SERVER_SECRET];

/** Fails if any credential appears outside a secret-marked value. */
export function expectNoPlaintextSecret(value: unknown): void {
    const text = JSON.stringify(visible(value));
    for (const s of SECRETS) expect(text, `plaintext secret in ${text}`).not.to.contain(s);
}
