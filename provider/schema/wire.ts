/**
 * The one place where camelCase (our public API) becomes PascalCase (ZEGO's wire format) and back,
 * driven by the field declarations. Pass-through objects go over the wire untouched.
 */
import { FieldSpec, ObjectSpec } from "./spec";
import { isPlainObject } from "./validate";

/** camelCase value → ZEGO wire value. Provider-only fields (no `wire` name) and unknown keys are dropped. */
export function toWire(spec: FieldSpec, value: unknown): unknown {
    if (value === undefined || value === null) return undefined;
    switch (spec.kind) {
        case "object": {
            if (!isPlainObject(value)) return value;
            const out: Record<string, unknown> = {};
            for (const [key, field] of Object.entries(spec.fields)) {
                if (!field.wire) continue;
                const mapped = toWire(field, value[key]);
                if (mapped !== undefined) out[field.wire] = mapped;
            }
            return out;
        }
        case "array":
            return Array.isArray(value) ? value.map((item) => toWire(spec.items, item)) : value;
        default:
            return value;
    }
}

/** ZEGO wire value → camelCase value. Keys the spec does not declare are dropped. */
export function fromWire(spec: FieldSpec, value: unknown): unknown {
    if (value === undefined || value === null) return undefined;
    switch (spec.kind) {
        case "object": {
            if (!isPlainObject(value)) return value;
            const out: Record<string, unknown> = {};
            for (const [key, field] of Object.entries(spec.fields)) {
                if (!field.wire) continue;
                const mapped = fromWire(field, value[field.wire]);
                if (mapped !== undefined) out[key] = mapped;
            }
            return out;
        }
        case "array":
            return Array.isArray(value) ? value.map((item) => fromWire(spec.items, item)) : value;
        default:
            return value;
    }
}

export function objectToWire(spec: ObjectSpec, value: object): Record<string, unknown> {
    return (toWire(spec, value) as Record<string, unknown>) ?? {};
}
