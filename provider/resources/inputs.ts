/** Helpers shared by the resource classes: Pulumi input types, credential marking, options. */
import * as pulumi from "@pulumi/pulumi";
import { OUTPUT_KEYS, ResourceKind, ZegoConnection } from "../schema/resources";
import { isCredential } from "../schema/secrets";
import { isPlainObject } from "../schema/validate";

/** Every field of T (deeply) may be a `pulumi.Input`. */
export type DeepInput<T> = T extends (infer U)[]
    ? pulumi.Input<pulumi.Input<DeepInput<U>>[]>
    : T extends object
      ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>
      : pulumi.Input<T>;

/** The argument every resource has: another ZEGO app than the stack config's (schema/resources.ts CONNECTION_FIELDS). */
export interface ConnectionArgs {
    /**
     * The ZEGO app this resource lives in, instead of the stack config's `zego:appId`, `zego:serverSecret`,
     * `zego:endpoint`/`zego:region` (and `ZEGO_*`): appId and serverSecret required, endpoint or region
     * optional (the unified host when both are omitted). Stored in state, `serverSecret` encrypted, so refresh
     * and destroy need no config. A new serverSecret only updates the state; another app or endpoint replaces the resource.
     */
    connection?: DeepInput<ZegoConnection>;
}

/**
 * The props handed to the dynamic resource: the user's arguments unchanged in shape, with every
 * credential (`isCredential`, at any depth, also inside an Output) wrapped in `pulumi.secret` where
 * it is. What the user marked secret stays marked: the engine keeps a nested secret nested (state
 * holds a ciphertext at that path) and the provider, which gets plain values, echoes each input at
 * its path, so the engine carries the mark over to the outputs (annotateSecrets in the engine's
 * provider_plugin.go). Nothing is moved, so the body sent to ZEGO is exactly what was written.
 */
export function markCredentials(value: unknown, key?: string): pulumi.Input<unknown> {
    if (pulumi.Output.isInstance(value) || value instanceof Promise) {
        // Decided when the value is known; unknown at preview stays unknown (and keeps the user's mark).
        return pulumi.output(value).apply((resolved) => markCredentials(resolved, key));
    }
    if (isCredential(key, value)) return pulumi.secret(value);
    if (Array.isArray(value)) return value.map((item) => markCredentials(item, key));
    if (!isPlainObject(value)) return value;
    const out: Record<string, pulumi.Input<unknown>> = {};
    for (const [k, v] of Object.entries(value)) out[k] = markCredentials(v, k);
    return out;
}

/** The props of a resource: every argument with its credentials marked. */
export function secretProps(args: object): Record<string, pulumi.Input<unknown>> {
    return markCredentials(args) as Record<string, pulumi.Input<unknown>>;
}

/**
 * The engine's `import` cannot work for these resources: the dynamic host reads with empty state
 * (no endpoint, no app) and fails with a TypeError. Say so, and what to do instead.
 */
export function refuseImport(type: string, opts: pulumi.CustomResourceOptions | undefined): void {
    if (opts?.import === undefined) return;
    const instead =
        type === "Agent"
            ? "declare the Agent with adoptExisting: true (the registered agent is taken over and updated to the declared configuration)"
            : "let Pulumi create a new instance (a running instance cannot be taken over; Agent has adoptExisting for registered agents)";
    throw new Error(
        `zego:${type}: the import resource option is not supported (Pulumi dynamic providers cannot import resources); got import: ${JSON.stringify(String(opts.import))}. Remove it and ${instead}.`,
    );
}

/** The props to register for a resource: its arguments (credentials marked) and every output, to be computed. */
export function resourceProps(kind: ResourceKind, args: object): Record<string, pulumi.Input<unknown>> {
    const props = { ...secretProps(args) };
    for (const key of OUTPUT_KEYS[kind]) props[key] = undefined;
    return props;
}

/**
 * The replace rules every resource kind needs, whatever plans the replace: delete before replace by
 * default (a new instance with the old one's AgentUserId would kick it out mid-sentence, bypassing
 * the graceful delete, and a new Agent would take the old one's AgentId), because the engine never
 * asks the provider about a replace it chooses itself (`pulumi up --replace`, a `replaceOnChanges`
 * option): its step generator then uses this option alone. An explicit `deleteBeforeReplace` wins.
 * `replaceOnChanges` is refused: the dynamic provider host reports no changed properties, so the
 * engine would ignore it silently (the zego plugin supports it).
 */
export function withReplaceRules(type: string, opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions {
    if (opts?.replaceOnChanges !== undefined && opts.replaceOnChanges.length > 0) {
        throw new Error(
            `zego:${type}: the replaceOnChanges resource option is not supported by the dynamic resources (the Pulumi dynamic provider host ` +
                `does not report which properties changed, so the engine would ignore it); got replaceOnChanges: ${JSON.stringify(opts.replaceOnChanges)}. ` +
                `Remove it and use \`pulumi up --replace <urn>\` when a replacement is wanted, or use the zego plugin's resources (zego:index:${type}), which support it.`,
        );
    }
    return { ...opts, deleteBeforeReplace: opts?.deleteBeforeReplace ?? true };
}

/** Resource options with our secret outputs (`secretOutputs(kind)`) added to the caller's. */
export function withSecretOutputs(opts: pulumi.CustomResourceOptions | undefined, names: string[]): pulumi.CustomResourceOptions {
    return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...names] };
}
