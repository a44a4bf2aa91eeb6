/**
 * The one place where camelCase (our public API) becomes PascalCase (ZEGO's wire format) and back,
 * driven by the field declarations. Pass-through objects go over the wire untouched.
 */
import { FieldSpec, ObjectSpec } from "./spec";
import { isPlainObject } from "./validate";

type Direction = "toWire" | "fromWire";

/**
 * Map a value between namings. Provider-only fields (no `wire` name) and keys the spec does not
 * declare are dropped.
 */
function mapValue(spec: FieldSpec, value: unknown, direction: Direction): unknown {
    if (value === undefined || value === null) return undefined;
    if (spec.kind === "array") return Array.isArray(value) ? value.map((item) => mapValue(spec.items, item, direction)) : value;
    if (spec.kind !== "object" || !isPlainObject(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [camel, field] of Object.entries(spec.fields)) {
        if (!field.wire) continue;
        const [from, to] = direction === "toWire" ? [camel, field.wire] : [field.wire, camel];
        const mapped = mapValue(field, value[from], direction);
        if (mapped !== undefined) out[to] = mapped;
    }
    return out;
}

/** camelCase value → ZEGO wire value. */
export function toWire(spec: FieldSpec, value: unknown): unknown {
    return mapValue(spec, value, "toWire");
}

/** ZEGO wire value → camelCase value. */
export function fromWire(spec: FieldSpec, value: unknown): unknown {
    return mapValue(spec, value, "fromWire");
}

export function objectToWire(spec: ObjectSpec, value: object): Record<string, unknown> {
    return (toWire(spec, value) as Record<string, unknown>) ?? {};
}
