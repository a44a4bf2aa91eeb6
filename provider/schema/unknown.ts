/**
 * During `pulumi preview`, inputs that depend on values not known yet reach the provider as this
 * sentinel string (@pulumi/pulumi runtime/rpc.ts `unknownValue`). check and diff must tolerate it.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
    return value === UNKNOWN;
}

/** True when the value or anything nested in it is still unknown. */
export function containsUnknown(value: unknown): boolean {
    if (isUnknown(value)) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
    return false;
}
