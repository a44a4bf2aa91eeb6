/**
 * Secrets never leave the emulator's introspection (instances(), agents(), the request log, log
 * lines): whatever the provider's credential rule (`isCredential`, provider/schema/secrets.ts) calls a
 * credential, at any depth, is replaced by "***".
 */
import { isCredential } from "../provider/schema/secrets";
import { isPlainObject } from "../provider/schema/validate";

export const REDACTED = "***";

/** A deep copy of `value` with every credential replaced by "***". */
export function redact(value: unknown, key?: string): unknown {
    if (isCredential(key, value)) return REDACTED;
    if (Array.isArray(value)) return value.map((item) => redact(item, key));
    if (!isPlainObject(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redact(v, k);
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
