/**
 * The shape of what we store in Pulumi state (the resource's outputs), and how state written by
 * older versions of this package is read. Outputs echo every input, so `delete`, `read` and `diff`
 * have everything they need from state alone.
 */
import { OUTPUT_KEYS, PROVIDER_PROPERTY, ResourceKind } from "../schema/resources";
import { joinSecrets, SECRETS_PROPERTY } from "../schema/secrets";
import { UNKNOWN } from "../schema/unknown";
import { withoutPlumbing } from "./provider";

/** Bump when the stored shape changes; `migrate` must then read every older version. */
export const STATE_VERSION = 2;

export type Props = Record<string, unknown>;

/** Read state of any version as the current shape. */
export function migrate(props: Props): Props {
    const version = typeof props.stateVersion === "number" ? props.stateVersion : 1;
    if (version > STATE_VERSION) {
        throw new Error(
            `This state was written by a newer pulumi-zego-aiagent (state version ${version}; this one reads up to ${STATE_VERSION}). Install the newer package version where you run pulumi.`,
        );
    }
    // Version 1 is the first published shape. Version 2 adds Agent's `keptFields`, which an older package
    // would take for an argument; absent (version 1) it means nothing kept (lifecycle/agent.ts keptOf).
    return { ...props, stateVersion: STATE_VERSION };
}

/**
 * The input part of stored outputs (what `read` hands back as inputs; the host re-attaches
 * `__provider`). Unlike `userArgs`, 0.1.0's `secrets` stays: it was an input then.
 */
export function inputsFromState(kind: ResourceKind, props: Props): Props {
    const inputs: Props = {};
    for (const [key, value] of Object.entries(props))
        if (key !== PROVIDER_PROPERTY && !OUTPUT_KEYS[kind].includes(key)) inputs[key] = value;
    return inputs;
}

/**
 * The outputs at preview (LifecycleProvider.preview): of a create, the inputs with the outputs the
 * service assigns not known yet; of an update, the stored outputs with the new inputs over them.
 */
export function previewOutputs(kind: ResourceKind, news: Props, olds?: Props): Props {
    if (olds !== undefined) return { ...olds, ...news };
    const outs: Props = { ...news };
    for (const key of OUTPUT_KEYS[kind]) outs[key] = UNKNOWN;
    return outs;
}

/**
 * State as the dynamic resources wrote it (`pulumi-nodejs:dynamic/zego:<Kind>`), which the engine
 * hands the plugin once a program moves a resource there with an alias: it carries the dynamic
 * host's `__provider` text and, written by 0.1.0, the credentials in a top-level `secrets`.
 */
export function isDynamicState(props: Props): boolean {
    return props[PROVIDER_PROPERTY] !== undefined || props[SECRETS_PROPERTY] !== undefined;
}

/**
 * Stored state in the plugin's shape: without `__provider`, a 0.1.0 `secrets` put back in place
 * (joinSecrets, as the dynamic read does; the plugin marks the credentials secret again on the wire).
 */
export function fromDynamicState(props: Props): Props {
    return isDynamicState(props) ? withoutPlumbing(joinSecrets(props, props[SECRETS_PROPERTY])) : props;
}
