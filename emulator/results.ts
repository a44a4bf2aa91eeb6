/**
 * What the emulated API answers ({Code, Message, Data} before the gateway wraps it) and how the
 * control operations fail: the shapes every state module returns or throws.
 */
import { codeMeaning } from "../provider/client/codes";

/** A wire (PascalCase) body, validated against its action's request spec before it gets here. */
export type Wire = Record<string, unknown>;

export interface ApiResult {
    code: number;
    message: string;
    data?: Wire;
    /** deleteMode "wait": the response is held until this settles. */
    wait?: Promise<void>;
}

/** A control-API style failure: 404 for an unknown instance, 400 for bad input. */
export class EmulatorRequestError extends Error {
    constructor(
        message: string,
        readonly status: 400 | 404,
    ) {
        super(message);
        this.name = "EmulatorRequestError";
    }
}

export const ok = (data?: Wire): ApiResult =>
    data === undefined ? { code: 0, message: "Succeed" } : { code: 0, message: "Succeed", data };
export const failure = (code: number, detail: string): ApiResult => ({ code, message: `${codeMeaning(code)}: ${detail}` });
export const invalid = (detail: string): ApiResult => failure(410000003, detail);

export const asObject = (value: unknown): Wire | undefined =>
    value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Wire) : undefined;

/** A value as an error message quotes it: short, and "not set" for nothing. */
export function shown(value: unknown): string {
    if (value === undefined) return "not set";
    return JSON.stringify(value).slice(0, 80);
}
