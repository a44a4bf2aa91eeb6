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
    /** What the field is, for the plugin schema and docs/api.md (the wire name and the constraints are said already). */
    readonly description?: string;
    /**
     * A value the field accepts, shown in the plugin schema and docs/api.md (tests check the spec accepts it).
     * Absent: derived from the constraints (plugin/describe.ts exampleOf).
     */
    readonly example?: unknown;
}

export interface StringSpec<E extends string = string, S extends string = string> extends Base {
    readonly kind: "string";
    readonly minLength?: number;
    /** Maximum length in UTF-8 bytes (the docs state ID limits in bytes). */
    readonly maxBytes?: number;
    /** Maximum length in characters (TerminatorText, CharacterFilter, TTS text). */
    readonly maxChars?: number;
    readonly charset?: Charset;
    readonly enum?: readonly E[];
    /** Known values offered as suggestions but not enforced (the type is `S | string`). */
    readonly suggestions?: readonly S[];
}

export interface Charset {
    readonly pattern: RegExp;
    /** Human description used in messages: "letters, digits, '-' and '_'". */
    readonly description: string;
}

export interface NumberSpec<E extends number = number, S extends number = number> extends Base {
    readonly kind: "number" | "integer";
    readonly min?: number;
    readonly max?: number;
    /** Allowed values when the API documents a set rather than a range and the provider acts on the value (closed). */
    readonly enum?: readonly E[];
    /**
     * The documented values of a value the provider only passes through (open: ZEGO adds values,
     * e.g. CommunicationMode 1, and a user must not need a new release to send one). The type is
     * `S | (number & {})`; `min`/`max` still apply.
     */
    readonly suggestions?: readonly S[];
}

export interface BooleanSpec extends Base {
    readonly kind: "boolean";
}

export type Fields = Readonly<Record<string, FieldSpec>>;

export interface ObjectSpec<F extends Fields = Fields> extends Base {
    readonly kind: "object";
    readonly fields: F;
}

export interface ArraySpec<I extends FieldSpec = FieldSpec> extends Base {
    readonly kind: "array";
    readonly items: I;
    readonly maxItems?: number;
}

/**
 * Vendor pass-through objects (LLM.Params, TTS.Params, AgentExtraInfo, ...): sent untouched. `T` is
 * the TypeScript type only (nothing checks it at run time beyond "an object with `requiredKeys`").
 */
export interface PassthroughSpec<T extends object = Record<string, unknown>> extends Base {
    readonly kind: "passthrough";
    /** Keys that must be present in the object (TTS.Params.app). */
    readonly requiredKeys?: readonly string[];
    /** Never set: carries `T` for `Infer`. */
    readonly __type?: T;
}

export type FieldSpec = StringSpec | NumberSpec | BooleanSpec | ObjectSpec | ArraySpec | PassthroughSpec;

type Opts<T> = Omit<T, "kind" | "wire">;

export const str = <const E extends string = string, const S extends string = string>(
    wire: string | undefined,
    opts: Opts<StringSpec<E, S>> = {},
): StringSpec<E, S> => ({ kind: "string", wire, ...opts });
export const int = <const E extends number = number, const S extends number = number>(
    wire: string | undefined,
    opts: Opts<NumberSpec<E, S>> = {},
): NumberSpec<E, S> => ({
    kind: "integer",
    wire,
    ...opts,
});
export const num = <const E extends number = number>(wire: string | undefined, opts: Opts<NumberSpec<E>> = {}): NumberSpec<E> => ({
    kind: "number",
    wire,
    ...opts,
});
export const bool = (wire: string | undefined, opts: Opts<BooleanSpec> = {}): BooleanSpec => ({ kind: "boolean", wire, ...opts });
export const passthrough = <T extends object = Record<string, unknown>>(
    wire: string | undefined,
    opts: Omit<Opts<PassthroughSpec<T>>, "__type" | "requiredKeys"> & { readonly requiredKeys?: readonly (keyof T & string)[] } = {},
): PassthroughSpec<T> => ({
    kind: "passthrough",
    wire,
    ...opts,
});
export const arr = <I extends FieldSpec>(wire: string | undefined, items: I, opts: Omit<Opts<ArraySpec>, "items"> = {}): ArraySpec<I> => ({
    kind: "array",
    wire,
    items,
    ...opts,
});
export const obj = <F extends Fields>(wire: string | undefined, fields: F, opts: Omit<Opts<ObjectSpec>, "fields"> = {}): ObjectSpec<F> => ({
    kind: "object",
    wire,
    fields,
    ...opts,
});

export function required<T extends FieldSpec>(spec: T): T & { readonly required: true } {
    return { ...spec, required: true };
}

/**
 * The TypeScript type of a value a spec accepts (camelCase), as zod's `z.infer`: the types in
 * `types.ts` are this, so the field table is the only place a field's name, type and optionality
 * are written.
 */
export type Infer<S> = S extends { readonly kind: "object"; readonly fields: infer F }
    ? InferFields<F>
    : S extends { readonly kind: "array"; readonly items: infer I }
      ? Infer<I>[]
      : S extends PassthroughSpec
        ? NonNullable<S["__type"]>
        : S extends StringSpec
          ? // No suggestions (`S` is plain string): the enum's values, or any string.
            string extends Known<S["suggestions"]>
              ? Known<S["enum"]>
              : // `string & {}` keeps the known names as editor suggestions while accepting any name.
                Known<S["suggestions"]> | (string & {})
          : S extends NumberSpec
            ? number extends Known<S["suggestions"]>
                ? Known<S["enum"]>
                : // `number & {}` keeps the documented values as editor suggestions while accepting others.
                  Known<S["suggestions"]> | (number & {})
            : S extends BooleanSpec
              ? boolean
              : never;

/** The element type of a spec's list of values (`enum`, `suggestions`). */
type Known<L> = NonNullable<L> extends readonly (infer V)[] ? V : never;

type RequiredKeys<F> = { [K in keyof F]: F[K] extends { readonly required: true } ? K : never }[keyof F];

/** Required fields plain, the others optional; one flat object type (what hover and errors show). */
export type InferFields<F> = Flatten<
    { -readonly [K in keyof F as K extends RequiredKeys<F> ? K : never]: Infer<F[K]> } & {
        -readonly [K in keyof F as K extends RequiredKeys<F> ? never : K]?: Infer<F[K]>;
    }
>;

type Flatten<T> = { [K in keyof T]: T[K] } & {};
