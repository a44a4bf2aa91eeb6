/**
 * Which argument values are secret, and how they travel.
 *
 * Pulumi only encrypts whole top-level properties, and a secret nested in `llm` would hide the
 * whole `llm` object in every diff. So the resource classes hoist each secret value out of its
 * object into one top-level `secrets` property (marked secret), keyed by its path, and the
 * provider joins them back before talking to ZEGO. Everything else in `llm`/`tts`/`asr` stays
 * visible in `pulumi preview --diff`.
 */
import { UNKNOWN, isUnknown } from "./unknown";
import { isPlainObject } from "./validate";

export const SECRETS_PROPERTY = "secrets";

/** Secret leaves by path. */
const SECRET_LEAVES = ["llm.apiKey"] as const;
/** Vendor parameter objects whose credential-looking keys are secret (`app` is "vendor auth" in the docs). */
const VENDOR_PARAMS = ["llm.params", "tts.params", "asr.params"] as const;
const SENSITIVE_KEY = /^app$|key|secret|token|password|passwd|credential|auth|signature|cert/i;
/** Secret leaves that are required when their parent object is present (so check sees them during preview). */
const REQUIRED_SECRETS = ["llm.apiKey", "tts.params.app"] as const;

export type SecretValues = Record<string, unknown>;
type Obj = Record<string, unknown>;

export function isSensitiveKey(key: string): boolean {
    return SENSITIVE_KEY.test(key);
}

/** The secret paths inside one top-level argument value (e.g. `llm`), with their values. */
export function secretsOf(top: string, value: unknown): SecretValues {
    const found: SecretValues = {};
    if (!isPlainObject(value)) return found;
    for (const path of SECRET_LEAVES) {
        const [owner, leaf] = path.split(".");
        if (owner === top && value[leaf] !== undefined) found[path] = value[leaf];
    }
    for (const path of VENDOR_PARAMS) {
        const [owner, leaf] = path.split(".");
        const params = value[leaf];
        if (owner !== top || !isPlainObject(params)) continue;
        for (const key of Object.keys(params)) {
            if (isSensitiveKey(key) && isCredentialValue(params[key])) found[`${path}.${key}`] = params[key];
        }
    }
    return found;
}

/** Numbers and booleans under credential-looking vendor keys are counts and switches (max_tokens, use_token), not credentials. */
function isCredentialValue(value: unknown): boolean {
    return value !== undefined && value !== null && typeof value !== "number" && typeof value !== "boolean";
}

/** `value` (one top-level argument) without its secret values. */
export function withoutSecrets(top: string, value: unknown): unknown {
    const paths = Object.keys(secretsOf(top, value));
    if (paths.length === 0) return value;
    const copy = deepCopy(value) as Obj;
    for (const path of paths) removePath(copy, path.split(".").slice(1));
    return copy;
}

/** Split all top-level arguments into public values and the secrets map. */
export function splitSecrets(args: Obj): { publicArgs: Obj; secrets: SecretValues } {
    const publicArgs: Obj = {};
    let secrets: SecretValues = {};
    for (const [key, value] of Object.entries(args)) {
        secrets = { ...secrets, ...secretsOf(key, value) };
        publicArgs[key] = withoutSecrets(key, value);
    }
    return { publicArgs, secrets };
}

/**
 * Public arguments + secrets map → the full arguments. When the secrets are not known yet
 * (preview), required secret leaves are filled with the unknown sentinel so validation skips them.
 */
export function joinSecrets(publicArgs: Obj, secrets: unknown): Obj {
    const full = deepCopy(publicArgs) as Obj;
    delete full[SECRETS_PROPERTY];
    if (isUnknown(secrets)) {
        for (const path of REQUIRED_SECRETS) {
            const segments = path.split(".");
            if (isPlainObject(full[segments[0]])) setPath(full, segments, UNKNOWN, false);
        }
        return full;
    }
    if (!isPlainObject(secrets)) return full;
    for (const [path, value] of Object.entries(secrets)) {
        const segments = path.split(".");
        if (isPlainObject(full[segments[0]]) || isUnknown(full[segments[0]])) setPath(full, segments, value, true);
    }
    return full;
}

function setPath(target: Obj, segments: string[], value: unknown, overwrite: boolean): void {
    let node: Obj = target;
    for (const segment of segments.slice(0, -1)) {
        if (isUnknown(node[segment])) return;
        if (!isPlainObject(node[segment])) node[segment] = {};
        node = node[segment] as Obj;
    }
    const leaf = segments[segments.length - 1];
    if (overwrite || node[leaf] === undefined) node[leaf] = value;
}

function removePath(target: Obj, segments: string[]): void {
    let node: Obj = target;
    for (const segment of segments.slice(0, -1)) {
        if (!isPlainObject(node[segment])) return;
        node = node[segment] as Obj;
    }
    delete node[segments[segments.length - 1]];
}

function deepCopy<T>(value: T): T {
    if (Array.isArray(value)) return value.map(deepCopy) as unknown as T;
    if (isPlainObject(value)) {
        const out: Obj = {};
        for (const [k, v] of Object.entries(value)) out[k] = deepCopy(v);
        return out as T;
    }
    return value;
}
