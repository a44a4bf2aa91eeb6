/**
 * A tiny declarative schema language for the ZEGO wire format.
 *
 * Each field is declared once, with its camelCase name (the key in the parent `fields` map: the
 * public, Pulumi-facing name) and its PascalCase `wire` name (ZEGO's), plus the documented
 * constraints. Validation (`validate.ts`) and the camelCase <-> PascalCase mapping (`wire.ts`) are
 * both driven by these declarations, so the mapping lives in exactly one place, and the client,
 * the provider's `check` and the emulator all enforce the same documented limits.
 */

interface Base {
    /** The ZEGO (PascalCase) name. `undefined` for provider-only settings that never go on the wire. */
    readonly wire?: string;
    readonly required?: boolean;
    /** Never echo the given value in an error message, a diff or a log. */
    readonly secret?: boolean;
    /** One line for error messages and the README ("seconds", "see TTS vendor docs"). */
    readonly note?: string;
}

export interface StringSpec extends Base {
    readonly kind: "string";
    readonly minLength?: number;
    /** Maximum length in UTF-8 bytes (the docs state ID limits in bytes). */
    readonly maxBytes?: number;
    /** Maximum length in characters (TerminatorText, CharacterFilter, TTS text). */
    readonly maxChars?: number;
    readonly charset?: Charset;
    readonly enum?: readonly string[];
}

export interface Charset {
    readonly pattern: RegExp;
    /** Human description used in messages: "letters, digits, '-' and '_'". */
    readonly description: string;
}

export interface NumberSpec extends Base {
    readonly kind: "number" | "integer";
    readonly min?: number;
    readonly max?: number;
    /** Allowed values when the API documents a set rather than a range (e.g. 0 | 2). */
    readonly enum?: readonly number[];
}

export interface BooleanSpec extends Base {
    readonly kind: "boolean";
}

export interface ObjectSpec extends Base {
    readonly kind: "object";
    readonly fields: Readonly<Record<string, FieldSpec>>;
}

export interface ArraySpec extends Base {
    readonly kind: "array";
    readonly items: FieldSpec;
    readonly maxItems?: number;
}

/** Vendor pass-through objects (LLM.Params, TTS.Params, AgentExtraInfo, ...): sent untouched. */
export interface PassthroughSpec extends Base {
    readonly kind: "passthrough";
    /** Keys that must be present in the object (TTS.Params.app). */
    readonly requiredKeys?: readonly string[];
}

export type FieldSpec = StringSpec | NumberSpec | BooleanSpec | ObjectSpec | ArraySpec | PassthroughSpec;

type Opts<T> = Omit<T, "kind" | "wire">;

export const str = (wire: string | undefined, opts: Opts<StringSpec> = {}): StringSpec => ({ kind: "string", wire, ...opts });
export const int = (wire: string | undefined, opts: Opts<NumberSpec> = {}): NumberSpec => ({ kind: "integer", wire, ...opts });
export const num = (wire: string | undefined, opts: Opts<NumberSpec> = {}): NumberSpec => ({ kind: "number", wire, ...opts });
export const bool = (wire: string | undefined, opts: Opts<BooleanSpec> = {}): BooleanSpec => ({ kind: "boolean", wire, ...opts });
export const passthrough = (wire: string | undefined, opts: Opts<PassthroughSpec> = {}): PassthroughSpec => ({
    kind: "passthrough",
    wire,
    ...opts,
});
export const arr = (wire: string | undefined, items: FieldSpec, opts: Omit<Opts<ArraySpec>, "items"> = {}): ArraySpec => ({
    kind: "array",
    wire,
    items,
    ...opts,
});
export const obj = (
    wire: string | undefined,
    fields: Record<string, FieldSpec>,
    opts: Omit<Opts<ObjectSpec>, "fields"> = {},
): ObjectSpec => ({ kind: "object", wire, fields, ...opts });

export function required<T extends FieldSpec>(spec: T): T {
    return { ...spec, required: true };
}
