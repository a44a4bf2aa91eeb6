/**
 * Provider configuration (`zego:*` in the stack, or the explicit provider's arguments) mapped onto
 * the settings module, so the plugin has the same settings and precedence as the dynamic resources:
 * stack config, then the `ZEGO_*` environment (settings.ts).
 */
import { CONFIG_KEYS, CONFIG_NAMESPACE, configName, ConfigReader, resolveSettings, SETTINGS } from "../lifecycle/settings";
import { isUnknown } from "../schema/unknown";
import { Failure } from "../schema/validate";
import { Props } from "./values";

export type ConfigName = keyof typeof CONFIG_KEYS;
export const CONFIG_NAMES = Object.keys(CONFIG_KEYS) as ConfigName[];
/** Config values that must be encrypted wherever the engine stores them. */
export const SECRET_CONFIG: readonly ConfigName[] = CONFIG_NAMES.filter((n) => "secret" in SETTINGS[n] && SETTINGS[n].secret);

/**
 * The engine hands provider args as strings (stack config, `variables`, a JSON-encoding SDK) or as
 * typed values (the schema's booleans and numbers from an SDK or YAML); settings parse text.
 */
export function asText(value: unknown): string | undefined {
    if (value === undefined || value === null || isUnknown(value)) return undefined;
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** Whether a setting kept its value: "30" (stack config, state written by 0.2.0) and 30 (a typed SDK) are the same. */
export function sameSetting(before: unknown, after: unknown): boolean {
    if (isUnknown(before) || isUnknown(after)) return isUnknown(before) && isUnknown(after);
    return asText(before) === asText(after);
}

/** A reader over unwrapped provider args (keys without the `zego:` prefix) and, as fallback, `zego:`-keyed variables. */
export function configReader(args: Props, variables: Record<string, string> = {}): ConfigReader {
    return {
        get(key: string) {
            const name = configName(key);
            return asText(args[name]) ?? variables[key];
        },
    };
}

/** Offline validation of provider config: unknown keys and values the settings module would refuse. */
export function checkConfig(args: Props): Failure[] {
    const failures: Failure[] = [];
    for (const key of Object.keys(args)) {
        if (key === "version" || (CONFIG_NAMES as string[]).includes(key)) continue;
        failures.push({
            property: key,
            reason: `${CONFIG_NAMESPACE}:${key} is not a setting of the ${CONFIG_NAMESPACE} provider; the settings are ${CONFIG_NAMES.map((n) => CONFIG_KEYS[n]).join(", ")}.`,
        });
    }
    failures.push(...settingsFailures(args));
    return failures;
}

/**
 * The settings in `args`, resolved alone by the settings module's own table, each failure
 * attributed to the setting it names. The `ZEGO_*` environment plays no part: its values are not
 * the config's, and the process's settings are not touched.
 */
function settingsFailures(args: Props): Failure[] {
    return resolveSettings({ stackConfig: configReader(args), env: {} }).failures.map((f) => ({ property: f.key, reason: f.message }));
}
