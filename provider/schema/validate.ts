/**
 * Validation of values against the declarative specs. Messages name the property path, what is
 * allowed and what was given, and never echo a secret.
 */
import { isUnknown } from "./unknown";
import { FieldSpec, NumberSpec, ObjectSpec, StringSpec } from "./spec";

/**
 * This package's version, for the failure of a closed enum: a value ZEGO documented after this
 * release needs a newer package there (open ones, `suggestions`, pass new values through).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const PACKAGE_VERSION: string = (require("../../../package.json") as { version: string }).version;

export interface Failure {
    /** Property path in the naming of the caller: `llm.temperature` (camel) or `LLM.Temperature` (wire). */
    readonly property: string;
    readonly reason: string;
}

export type Naming = "camel" | "wire";

export interface ValidateOptions {
    readonly naming: Naming;
    /** Where the value sits (prefix for property paths). */
    readonly path?: string;
    /** Reject keys the spec does not declare (the provider does; the real service ignores them). */
    readonly rejectUnknownFields?: boolean;
}

export function validate(spec: ObjectSpec, value: unknown, options: ValidateOptions): Failure[] {
    const failures: Failure[] = [];
    visit(spec, value, options.path ?? "", options, failures, true);
    return failures;
}

function visit(spec: FieldSpec, value: unknown, path: string, options: ValidateOptions, out: Failure[], root = false): void {
    if (isUnknown(value)) return;
    if (value === undefined || value === null) {
        if (spec.required) out.push(fail(path, spec, value));
        return;
    }
    switch (spec.kind) {
        case "string":
            return checkString(spec, value, path, out);
        case "integer":
        case "number":
            return checkNumber(spec, value, path, out);
        case "boolean":
            if (typeof value !== "boolean") out.push(fail(path, spec, value));
            return;
        case "passthrough":
            if (!isPlainObject(value)) return void out.push(fail(path, spec, value));
            for (const key of spec.requiredKeys ?? []) {
                const v = (value as Record<string, unknown>)[key];
                if (v === undefined || v === null) {
                    out.push({
                        property: join(path, key),
                        reason: `${join(path, key)} is required (the vendor credentials object); got nothing.`,
                    });
                }
            }
            return;
        case "array":
            if (!Array.isArray(value)) return void out.push(fail(path, spec, value));
            if (spec.maxItems !== undefined && value.length > spec.maxItems) out.push(fail(path, spec, value));
            value.forEach((item, i) => visit(spec.items, item, `${path}[${i}]`, options, out));
            return;
        case "object": {
            if (!isPlainObject(value)) return void out.push(fail(path, spec, value));
            const record = value as Record<string, unknown>;
            const byName = options.naming === "camel" ? camelIndex(spec) : wireIndex(spec);
            if (options.rejectUnknownFields) {
                for (const key of Object.keys(record)) {
                    if (!byName.has(key)) {
                        const allowed = [...byName.keys()].join(", ");
                        const where = root || path === "" ? "" : ` of ${path}`;
                        out.push({
                            property: join(path, key),
                            reason: `${join(path, key)} is not a known field${where}; allowed: ${allowed}; got "${key}".`,
                        });
                    }
                }
            }
            for (const [name, field] of byName) visit(field, record[name], join(path, name), options, out);
            return;
        }
    }
}

function checkString(spec: StringSpec, value: unknown, path: string, out: Failure[]): void {
    if (typeof value !== "string") return void out.push(fail(path, spec, value));
    const ok =
        (spec.minLength === undefined || value.length >= spec.minLength) &&
        (spec.maxBytes === undefined || Buffer.byteLength(value, "utf8") <= spec.maxBytes) &&
        (spec.maxChars === undefined || [...value].length <= spec.maxChars) &&
        (spec.charset === undefined || spec.charset.pattern.test(value)) &&
        (spec.enum === undefined || spec.enum.includes(value));
    if (!ok) out.push(fail(path, spec, value));
}

function checkNumber(spec: NumberSpec, value: unknown, path: string, out: Failure[]): void {
    const ok =
        typeof value === "number" &&
        Number.isFinite(value) &&
        (spec.kind === "number" || Number.isInteger(value)) &&
        (spec.min === undefined || value >= spec.min) &&
        (spec.max === undefined || value <= spec.max) &&
        (spec.enum === undefined || spec.enum.includes(value));
    if (!ok) out.push(fail(path, spec, value));
}

function fail(path: string, spec: FieldSpec, value: unknown): Failure {
    const verb = value === undefined || value === null ? "is required" : "must be";
    const allowed = describe(spec);
    const reason =
        verb === "is required"
            ? `${path} is required (${allowed}); got nothing.`
            : `${path} must be ${allowed}; got ${describeGiven(value, spec.secret)}.${closedEnumNote(spec)}`;
    return { property: path, reason };
}

function closedEnumNote(spec: FieldSpec): string {
    const closed = (spec.kind === "string" || spec.kind === "integer" || spec.kind === "number") && spec.enum !== undefined;
    return closed ? ` pulumi-zego-aiagent ${PACKAGE_VERSION} knows only these; a value ZEGO documented later needs a newer version.` : "";
}

/** What a spec allows, in words: "an integer from 1 to 120 (seconds)". */
export function describe(spec: FieldSpec): string {
    const note = spec.note ? ` (${spec.note})` : "";
    switch (spec.kind) {
        case "string": {
            if (spec.enum) return `one of ${spec.enum.map((e) => `"${e}"`).join(", ")}${note}`;
            const parts: string[] = [];
            const min = spec.minLength ?? 0;
            if (spec.maxBytes !== undefined) parts.push(`${min} to ${spec.maxBytes} bytes`);
            else if (spec.maxChars !== undefined) parts.push(`${min} to ${spec.maxChars} characters`);
            else if (min > 0) parts.push("non-empty");
            if (spec.charset) parts.push(spec.charset.description);
            return `a string${parts.length ? ` (${parts.join(": ")})` : ""}${note}`;
        }
        case "integer":
        case "number": {
            const noun = spec.kind === "integer" ? "an integer" : "a number";
            if (spec.enum) return `${noun}, one of ${spec.enum.join(", ")}${note}`;
            if (spec.suggestions) {
                const range =
                    spec.max !== undefined
                        ? ` from ${spec.min ?? 0} to ${spec.max}`
                        : spec.min !== undefined
                          ? `, ${spec.min} or more`
                          : "";
                return `${noun}${range} (documented: ${spec.suggestions.join(", ")}; a value ZEGO documents later is sent as given)${note}`;
            }
            if (spec.min !== undefined && spec.max !== undefined) return `${noun} from ${spec.min} to ${spec.max}${note}`;
            return `${noun}${note}`;
        }
        case "boolean":
            return `true or false${note}`;
        case "array":
            return `a list${spec.maxItems !== undefined ? ` of at most ${spec.maxItems} items` : ""}${note}`;
        case "object":
            return `an object${note}`;
        case "passthrough":
            return `an object (passed to the vendor unchanged)${note}`;
    }
}

/** A safe, short rendering of a given value: secrets are described, never shown. */
export function describeGiven(value: unknown, secret = false): string {
    if (value === undefined) return "nothing";
    if (value === null) return "null";
    // A secret given with the wrong type is still a secret: say what it is, never what it holds.
    if (secret && typeof value !== "string")
        return Array.isArray(value) ? "a list" : typeof value === "object" ? "an object" : `a ${typeof value}`;
    if (typeof value === "string") {
        if (secret) return `a secret string of ${value.length} characters`;
        const shown =
            value.length > 60 ? `${JSON.stringify(value.slice(0, 60))}… (${Buffer.byteLength(value)} bytes)` : JSON.stringify(value);
        return `the string ${shown}`;
    }
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    if (Array.isArray(value)) return `a list of ${value.length} items`;
    return "an object";
}

const camelIndexes = new WeakMap<ObjectSpec, Map<string, FieldSpec>>();
const wireIndexes = new WeakMap<ObjectSpec, Map<string, FieldSpec>>();

function camelIndex(spec: ObjectSpec): Map<string, FieldSpec> {
    let index = camelIndexes.get(spec);
    if (!index) camelIndexes.set(spec, (index = new Map(Object.entries(spec.fields))));
    return index;
}

function wireIndex(spec: ObjectSpec): Map<string, FieldSpec> {
    let index = wireIndexes.get(spec);
    if (!index) {
        index = new Map();
        for (const field of Object.values(spec.fields)) if (field.wire) index.set(field.wire, field);
        wireIndexes.set(spec, index);
    }
    return index;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

function join(path: string, key: string): string {
    return path ? `${path}.${key}` : key;
}
