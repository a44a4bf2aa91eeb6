/**
 * Which argument values are credentials, and how state written by 0.1.0 kept them.
 *
 * One rule (`isCredential`) decides what is a credential, at any depth: the resource classes mark
 * such values secret where they are, the emulator redacts them in its log and views. The Pulumi
 * engine keeps a nested secret nested (state holds a ciphertext at that path; `preview --diff`
 * shows `[secret]` there and everything around it in plaintext), so nothing is moved and the body
 * sent to ZEGO is exactly what the user wrote.
 *
 * 0.1.0 instead moved credentials of llm/tts/asr into a top-level `secrets` property keyed by
 * dotted path; `joinSecrets` still reads that shape, so older state keeps working.
 */
import { isPlainObject } from "./validate";

export const SECRETS_PROPERTY = "secrets";

/** Key names that hold credentials (`app` is the TTS/ASR "vendor auth" object in the docs). */
const CREDENTIAL_KEY = /^app$|key|secret|token|password|passwd|credential|auth|signature|cert|cookie|session/i;
/** Documented fields that match the pattern but hold no credential (AdvancedConfig.LLMMetaInfo.SendMetaKeys: names, not keys). */
const NOT_CREDENTIAL = new Set(["sendmetakeys"]);
/** Query parameters that carry a credential in a URL (besides the key names above): `?sig=`, `?code=`. */
const CREDENTIAL_QUERY = /^(sig|code|pwd|pass)$/i;

export function isCredentialKey(key: string): boolean {
    return CREDENTIAL_KEY.test(key) && !NOT_CREDENTIAL.has(key.toLowerCase());
}

/** A URL query (or fragment) parameter that carries a credential. */
function isCredentialParam(name: string): boolean {
    return isCredentialKey(name) || CREDENTIAL_QUERY.test(name);
}

/** Numbers and booleans under credential-looking keys are counts and switches (max_tokens, use_token), not credentials. */
function isCredentialValue(value: unknown): boolean {
    return value !== undefined && value !== null && typeof value !== "number" && typeof value !== "boolean";
}

/** A URL with user-info (`https://user:pw@host`) or a credential query parameter (`?token=`, `?api_key=`, `?sig=`). */
export function isCredentialUrl(value: unknown): boolean {
    if (typeof value !== "string" || !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return false;
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        // Not parseable, but it looks like a URL: user-info or a credential parameter may still be in it.
        if (/\/\/[^/?#]*@/.test(value)) return true;
        return [...value.matchAll(/[?&#]([^?&#=]*)=/g)].some(([, name]) => name !== undefined && isCredentialParam(name));
    }
    if (url.username !== "" || url.password !== "") return true;
    const params = [...url.searchParams.keys(), ...new URLSearchParams(url.hash.slice(1)).keys()];
    return params.some(isCredentialParam);
}

/** The one credential rule: a value under a credential key, or a string that is a URL carrying a credential. */
export function isCredential(key: string | undefined, value: unknown): boolean {
    if (key !== undefined && isCredentialKey(key) && isCredentialValue(value)) return true;
    return isCredentialUrl(value);
}

type Obj = Record<string, unknown>;

/** The `secrets` map as 0.1.0 stored it: `llm.apiKey`, `<llm|tts|asr>.params.<key>` (the key may contain dots). */
function legacyPath(path: string): { top: string; parents: string[]; key: string } {
    const [top = "", second = "", ...rest] = path.split(".");
    if (second === "params" && rest.length > 0) return { top, parents: [top, second], key: rest.join(".") };
    return { top, parents: [top], key: [second, ...rest].join(".") };
}

/** Props as stored or sent → the user's arguments, with a 0.1.0 `secrets` property joined back. */
export function joinSecrets(props: Obj, secrets: unknown): Obj {
    const full = structuredClone(props);
    delete full[SECRETS_PROPERTY];
    if (!isPlainObject(secrets)) return full;
    for (const [path, value] of Object.entries(secrets)) {
        const { top, parents, key } = legacyPath(path);
        if (isPlainObject(full[top])) setPath(full, parents, key, value);
    }
    return full;
}

/**
 * Arguments → the 0.1.0 state shape (credentials of llm/tts/asr moved into `secrets`). Only for
 * reading and testing state written by 0.1.0; nothing writes this shape any more.
 */
export function splitSecrets(args: Obj): { publicArgs: Obj; secrets: Obj } {
    const publicArgs = structuredClone(args);
    const secrets: Obj = {};
    for (const top of ["llm", "tts", "asr"]) {
        const value = publicArgs[top];
        if (!isPlainObject(value)) continue;
        if (top === "llm" && value.apiKey !== undefined) {
            secrets["llm.apiKey"] = value.apiKey;
            delete value.apiKey;
        }
        if (!isPlainObject(value.params)) continue;
        for (const [key, v] of Object.entries(value.params)) {
            if (!isCredential(key, v)) continue;
            secrets[`${top}.params.${key}`] = v;
            delete value.params[key];
        }
    }
    return { publicArgs, secrets };
}

function setPath(target: Obj, parents: string[], key: string, value: unknown): void {
    let node: Obj = target;
    for (const segment of parents) {
        if (!isPlainObject(node[segment])) node[segment] = {};
        node = node[segment] as Obj;
    }
    node[key] = value;
}

/** The engine's secret wrapper (@pulumi/pulumi runtime/rpc.ts `specialSigKey`/`specialSecretSig`), declared once. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Whether `value` is the engine's secret wrapper. */
export function isSecret(value: unknown): value is { value: unknown } {
    return isPlainObject(value) && value[SIG_KEY] === SECRET_SIG;
}

/** `value` wrapped as an engine secret. */
export function secret(value: unknown): Obj {
    return { [SIG_KEY]: SECRET_SIG, value };
}

/**
 * The credential walker: `value` with every credential in it (`isCredential`), at any depth, replaced
 * by `replace(credential)`. (The resource classes' markCredentials walks Outputs too, so it has its own.)
 */
export function mapCredentials(value: unknown, replace: (credential: unknown) => unknown, key?: string): unknown {
    if (isCredential(key, value)) return replace(value);
    if (Array.isArray(value)) return value.map((item) => mapCredentials(item, replace, key));
    if (!isPlainObject(value)) return value;
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapCredentials(v, replace, k);
    return out;
}

/**
 * `value` with every credential in it, at any depth, wrapped as an engine secret. For values the
 * provider returns that the program never declared (what `read` finds at ZEGO): the dynamic host
 * passes the wrapper through and the engine stores the value encrypted.
 */
export function withCredentialsSecret(value: unknown): unknown {
    return mapCredentials(value, secret);
}

export type Path = readonly (string | number)[];

/** The value without secret wrappers, and the paths at which one was found. */
export function unwrapSecrets(value: unknown, at: Path = [], found: Path[] = []): { value: unknown; secretPaths: Path[] } {
    const walk = (v: unknown, path: Path): unknown => {
        if (isSecret(v)) {
            found.push(path);
            return walk(v.value, path);
        }
        if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, i]));
        if (isPlainObject(v)) {
            const out: Obj = {};
            for (const [k, item] of Object.entries(v)) out[k] = walk(item, [...path, k]);
            return out;
        }
        return v;
    };
    return { value: walk(value, at), secretPaths: found };
}

/**
 * `value` with every engine secret wrapper, at any depth, replaced by what it wraps: what the
 * dynamic host hands the provider on the next call for outputs it marked secret (the host keeps
 * no secrets).
 */
export function withoutSecretWrappers(value: unknown): unknown {
    return unwrapSecrets(value).value;
}
