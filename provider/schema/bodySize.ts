/**
 * ZEGO's request body limit: a body over 1 MiB is not read and the call fails with 100000012
 * ("Failed to read HTTP body"). The one statement of that rule: the provider's `check` (so preview
 * refuses it) and the client (so nothing is sent) both call `bodySizeFailures`; the emulator refuses
 * at the same size. The size is that of the body exactly as the client sends it: the PascalCase
 * JSON of `objectToWire`, counted in UTF-8 bytes.
 */
import { ActionName, ACTIONS } from "./api";
import { FieldSpec, ObjectSpec } from "./spec";
import { containsUnknown, isUnknown } from "./unknown";
import { Failure, isPlainObject } from "./validate";
import { objectToWire, toWire } from "./wire";

/** 1 MiB: the largest request body ZEGO reads (bytes). */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/** How many of the largest fields a failure names. */
const NAMED_FIELDS = 3;

/** UTF-8 bytes of a value as JSON (what the client's JSON.stringify puts on the wire). */
export function jsonBytes(value: unknown): number {
    return Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");
}

/**
 * The failure of a camelCase `body` of `action` whose wire body would exceed the limit, naming its
 * largest fields; none when it fits. Values not known yet (preview) are left out, so the count is a
 * lower bound: a body is refused only when its known part is already too large. No value is ever
 * shown, only sizes, so a secret over the limit stays secret.
 */
export function bodySizeFailures(action: ActionName, body: Record<string, unknown>): Failure[] {
    const spec = ACTIONS[action].request;
    const known = withoutUnknowns(body) as Record<string, unknown>;
    const total = jsonBytes(objectToWire(spec, known));
    if (total <= MAX_REQUEST_BODY_BYTES) return [];
    const largest = fieldSizes(spec, known, "")
        .sort((a, b) => b.bytes - a.bytes)
        .slice(0, NAMED_FIELDS);
    const top = largest[0] ?? { path: "(body)", bytes: total };
    const partial = containsUnknown(body) ? " (not counting values not known yet)" : "";
    const list = largest.map((f) => `${f.path} ${f.bytes} bytes`).join(", ");
    return [
        {
            property: top.path,
            reason:
                `${top.path} is ${top.bytes} bytes, which makes the ${action} request body ${total} bytes${partial}: ` +
                `over ZEGO's limit of ${MAX_REQUEST_BODY_BYTES} bytes (1 MiB) per request body, which ZEGO refuses with 100000012 ` +
                `(Failed to read HTTP body). Largest fields (as JSON, UTF-8): ${list}. Shorten them.`,
        },
    ];
}

interface FieldSize {
    readonly path: string;
    readonly bytes: number;
}

/** Sizes of the body's leaves (strings, numbers, lists, pass-through objects) as they go on the wire. */
function fieldSizes(spec: FieldSpec, value: unknown, path: string): FieldSize[] {
    if (value === undefined || value === null) return [];
    if (spec.kind === "object" && isPlainObject(value)) {
        return Object.entries((spec as ObjectSpec).fields)
            .filter(([, field]) => field.wire !== undefined)
            .flatMap(([name, field]) => fieldSizes(field, value[name], path ? `${path}.${name}` : name));
    }
    return [{ path, bytes: jsonBytes(toWire(spec, value)) }];
}

/** The value with every not-yet-known part removed (a lower bound of what will be sent). */
function withoutUnknowns(value: unknown): unknown {
    if (!containsUnknown(value)) return value;
    if (Array.isArray(value)) return value.filter((v) => !isUnknown(v)).map(withoutUnknowns);
    return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
            .filter(([, v]) => !isUnknown(v))
            .map(([k, v]) => [k, withoutUnknowns(v)]),
    );
}
