/**
 * The engine's property values on the wire (google.protobuf.Struct) with `keepSecrets` and
 * `keepUnknowns`: a secret is an object carrying the secret signature, an unknown is the sentinel
 * string (sdk/go/common/resource/plugin/rpc.go; @pulumi/pulumi runtime/rpc.ts). The lifecycle
 * works on plain values, so secrets are unwrapped on the way in (their paths remembered) and
 * re-marked on the way out.
 */
import { isPlainObject } from "../schema/validate";

export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export type Props = Record<string, unknown>;
export type Path = readonly (string | number)[];

export function isSecret(value: unknown): value is { value: unknown } {
    return isPlainObject(value) && value[SIG_KEY] === SECRET_SIG;
}

export function secret(value: unknown): Props {
    return { [SIG_KEY]: SECRET_SIG, value };
}

/** The value without secret markers, and the paths at which a secret was found. */
export function unwrapSecrets(value: unknown, at: Path = [], found: Path[] = []): { value: unknown; secretPaths: Path[] } {
    const walk = (v: unknown, path: Path): unknown => {
        if (isSecret(v)) {
            found.push(path);
            return walk(v.value, path);
        }
        if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, i]));
        if (isPlainObject(v)) {
            const out: Props = {};
            for (const [k, item] of Object.entries(v)) out[k] = walk(item, [...path, k]);
            return out;
        }
        return v;
    };
    return { value: walk(value, at), secretPaths: found };
}

/** Mark the values at `paths` secret (paths that do not exist in `value` are ignored). */
export function markSecrets(value: Props, paths: readonly Path[]): Props {
    let out: unknown = value;
    // Deepest first, so that marking a parent wraps children that are already marked.
    for (const path of [...paths].sort((a, b) => b.length - a.length)) out = markAt(out, path);
    return out as Props;
}

function markAt(node: unknown, path: Path): unknown {
    if (path.length === 0) return isSecret(node) || node === undefined ? node : secret(node);
    const [head, ...rest] = path;
    if (Array.isArray(node) && typeof head === "number" && head < node.length) {
        const copy = [...node];
        copy[head] = markAt(copy[head], rest);
        return copy;
    }
    if (isPlainObject(node) && typeof head === "string" && head in node) return { ...node, [head]: markAt(node[head], rest) };
    return node;
}
