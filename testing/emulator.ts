/**
 * Emulator-side helpers for testing a stack against the bundled emulator: start one, point a stack
 * at it, and check that no secret appears in what a run printed or stored.
 */
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { DEFAULT_APP_ID, DEFAULT_SERVER_SECRET, EmulatorHandle, EmulatorOptions, startEmulator } from "../emulator";

/** Emulators started by startTestEmulator, by URL (a stack's harness finds its emulator from zego:endpoint). */
const emulatorsByUrl = new Map<string, EmulatorHandle>();

/**
 * An emulator on 127.0.0.1 with the emulator's default credentials (DEFAULT_APP_ID /
 * DEFAULT_SERVER_SECRET) and rate limiting off, unless `options` say otherwise. Close it when done.
 */
export async function startTestEmulator(options: Partial<EmulatorOptions> = {}): Promise<EmulatorHandle> {
    const emulator = await startEmulator({ appId: DEFAULT_APP_ID, serverSecret: DEFAULT_SERVER_SECRET, rateLimitPerSecond: 0, ...options });
    emulatorsByUrl.set(emulator.url, emulator);
    const close = emulator.close;
    emulator.close = async () => {
        emulatorsByUrl.delete(emulator.url);
        await close();
    };
    return emulator;
}

/** @internal The running emulator started by startTestEmulator at `url`, if any. */
export function emulatorAt(url: string): EmulatorHandle | undefined {
    return emulatorsByUrl.get(url);
}

/**
 * Stack config (Automation API) pointing the provider at `emulator`, the server secret marked
 * secret. The secret is the emulator's default unless given (the emulator never reveals its own).
 */
export function emulatorConfig(emulator: Pick<EmulatorHandle, "url" | "appId">, serverSecret: string = DEFAULT_SERVER_SECRET): ConfigMap {
    return {
        "zego:appId": { value: String(emulator.appId) },
        "zego:serverSecret": { value: serverSecret, secret: true },
        "zego:endpoint": { value: emulator.url },
    };
}

/**
 * Throws if any of `texts` (engine output, a raw state file as the backend stores it, a stack
 * export) contains any of `secrets` in plaintext. The error shows only what precedes the secret.
 */
export function assertNoSecrets(texts: readonly string[], secrets: readonly string[]): void {
    for (const text of texts) {
        for (const secret of secrets) {
            if (text.includes(secret)) {
                const at = text.indexOf(secret);
                throw new Error(`secret leaked in plaintext near: ${JSON.stringify(text.slice(Math.max(0, at - 80), at))}…`);
            }
        }
    }
}
