/**
 * Secrets never leave the emulator's introspection (instances(), agents(), the request log, log
 * lines): whatever the provider's credential rule (`isCredential`, provider/schema/secrets.ts) calls a
 * credential, at any depth, is replaced by "***".
 */
import { mapCredentials } from "../provider/schema/secrets";
import { isPlainObject } from "../provider/schema/validate";

export const REDACTED = "***";

/** A deep copy of `value` with every credential replaced by "***". */
export function redact(value: unknown, key?: string): unknown {
    return mapCredentials(value, () => REDACTED, key);
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
