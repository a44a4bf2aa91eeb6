/**
 * Secrets never leave the emulator's introspection (instances(), agents(), the request log, log
 * lines): LLM.ApiKey, TTS/ASR Params.app, and any key matching /key|secret|token|password/i.
 */
import { isPlainObject } from "../provider/schema/validate";

export const REDACTED = "***";

const SECRET_KEY = /key|secret|token|password/i;
/** Keys that match the pattern but are documented, non-secret fields (AdvancedConfig.LLMMetaInfo.SendMetaKeys). */
const NOT_SECRET = new Set(["SendMetaKeys"]);

function isSecret(key: string, value: unknown, parentKey: string | undefined): boolean {
    if (value === undefined || value === null) return false;
    if (parentKey === "Params" && key === "app") return true;
    if (NOT_SECRET.has(key) || !SECRET_KEY.test(key)) return false;
    // Counts and switches (max_tokens, use_token) are not credentials.
    return typeof value !== "number" && typeof value !== "boolean";
}

/** A deep copy of `value` with every secret replaced by "***". */
export function redact(value: unknown, parentKey?: string): unknown {
    if (Array.isArray(value)) return value.map((item) => redact(item, parentKey));
    if (!isPlainObject(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = isSecret(key, v, parentKey) ? REDACTED : redact(v, key);
    return out;
}

/** JSON with object keys sorted, for comparing bodies regardless of key order. */
export function canonicalJson(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
    if (isPlainObject(value)) {
        const keys = Object.keys(value)
            .filter((k) => value[k] !== undefined)
            .sort();
        return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
    }
    return JSON.stringify(value) ?? "null";
}

export function deepCopy<T>(value: T): T {
    return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
