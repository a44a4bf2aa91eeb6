/**
 * Provider configuration (`zego:*` in the stack, or the explicit provider's arguments) mapped onto
 * the settings module, so the plugin has the same settings and precedence as the dynamic resources:
 * stack config, then the `ZEGO_*` environment (settings.ts).
 */
import {
    CONFIG_KEYS,
    ConfigReader,
    deleteWaitMarginSeconds,
    deletionSettingsWithoutEnv,
    SettingsError,
    setStackConfig,
} from "../lifecycle/settings";
import { isUnknown } from "../schema/unknown";
import { Failure } from "../schema/validate";
import { Props } from "./values";

export type ConfigName = keyof typeof CONFIG_KEYS;
export const CONFIG_NAMES = Object.keys(CONFIG_KEYS) as ConfigName[];
/** Config values that must be encrypted wherever the engine stores them. */
export const SECRET_CONFIG: readonly ConfigName[] = ["serverSecret"];

/** The engine hands provider args as strings or as JSON values (YAML numbers/booleans); settings parse text. */
function asText(value: unknown): string | undefined {
    if (value === undefined || value === null || isUnknown(value)) return undefined;
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** A reader over unwrapped provider args (keys without the `zego:` prefix) and, as fallback, `zego:`-keyed variables. */
export function configReader(args: Props, variables: Record<string, string> = {}): ConfigReader {
    return {
        get(key: string) {
            const name = key.startsWith("zego:") ? key.slice("zego:".length) : key;
            return asText(args[name]) ?? variables[key];
        },
    };
}

/** What Configure applied last: CheckConfig validates through the settings module and then puts it back. */
let applied: ConfigReader = configReader({});

export function applyConfig(reader: ConfigReader): void {
    applied = reader;
    setStackConfig(reader);
}

/** Offline validation of provider config: unknown keys and values the settings module would refuse. */
export function checkConfig(args: Props): Failure[] {
    const failures: Failure[] = [];
    for (const key of Object.keys(args)) {
        if (key === "version" || (CONFIG_NAMES as string[]).includes(key)) continue;
        failures.push({
            property: key,
            reason: `zego:${key} is not a setting of the zego provider; the settings are ${CONFIG_NAMES.map((n) => `zego:${n}`).join(", ")}.`,
        });
    }
    const appId = asText(args.appId);
    if (appId !== undefined && (!/^\d+$/.test(appId) || Number(appId) <= 0 || Number(appId) > 0xffffffff)) {
        failures.push({
            property: "appId",
            reason: `zego:appId must be a positive integer (your ZEGO AppID, up to 4294967295); got ${JSON.stringify(appId)}.`,
        });
    }
    // The deletion and pacing settings: parse them the way the lifecycle will (then the configured reader is put back).
    setStackConfig(configReader(args));
    try {
        failures.push(...settingsFailures());
    } finally {
        setStackConfig(applied);
    }
    for (const [name, min, max] of [
        ["maxRequestsPerSecond", 0, 10000],
        ["requestTimeoutMs", 1, 600000],
        ["throttleDeadlineSeconds", 1, 86400],
    ] as const) {
        const text = asText(args[name]);
        if (text === undefined) continue;
        const n = Number(text);
        if (text.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
            failures.push({ property: name, reason: `zego:${name} must be a number from ${min} to ${max}; got ${JSON.stringify(text)}.` });
        }
    }
    return failures;
}

/** The deletion settings as the lifecycle parses them; the failing setting is the one the message starts with. */
function settingsFailures(): Failure[] {
    const failures: Failure[] = [];
    for (const attempt of [() => deletionSettingsWithoutEnv({}), () => deleteWaitMarginSeconds()]) {
        try {
            attempt();
        } catch (e) {
            if (!(e instanceof SettingsError)) throw e;
            const name = CONFIG_NAMES.find((n) => e.message.startsWith(`${CONFIG_KEYS[n]} /`)) ?? "gracefulShutdown";
            failures.push({ property: name, reason: e.message });
        }
    }
    return failures;
}
