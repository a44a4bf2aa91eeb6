/**
 * The engine's property values on the wire (google.protobuf.Struct) with `keepSecrets` and
 * `keepUnknowns`: a secret is an object carrying the secret signature, an unknown is the sentinel
 * string (sdk/go/common/resource/plugin/rpc.go; @pulumi/pulumi runtime/rpc.ts). The lifecycle
 * works on plain values, so secrets are unwrapped on the way in (their paths remembered) and
 * re-marked on the way out.
 */
import { isPlainObject } from "../schema/validate";
import { isSecret, Path, secret } from "../schema/secrets";

// The wrapper and its walker are the provider's one declaration of them (schema/secrets.ts).
export { isSecret, Path, SECRET_SIG, secret, SIG_KEY, unwrapSecrets } from "../schema/secrets";

export type Props = Record<string, unknown>;

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
