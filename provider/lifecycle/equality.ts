/** Structural equality for Pulumi property values: absent, undefined and null are the same. */
import { isPlainObject } from "../schema/validate";

export function sameValue(a: unknown, b: unknown): boolean {
    if (a === undefined || a === null) return b === undefined || b === null;
    if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
    if (isPlainObject(a)) {
        if (!isPlainObject(b)) return false;
        const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
        for (const key of keys) if (!sameValue(a[key], b[key])) return false;
        return true;
    }
    return a === b;
}
