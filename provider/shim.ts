/**
 * What Pulumi stores in state as each resource's `__provider`: a module text, written here by hand
 * instead of produced by closure serialization, that the dynamic provider host evaluates
 * (`requireFromString(text).handler()`) and that loads this package's `runtime` entry in the
 * provider process. So `__provider` is under 100 bytes, captures no secret and no client, is the same in
 * every version (no `~__provider` diffs), and fixes in a newer package reach `delete` and `refresh`
 * of resources created by an older one, without an `up`.
 *
 * `pulumi.dynamic.Resource` always serializes the provider object it is given, so the resource
 * classes extend `ZegoResource` instead: a CustomResource with the same type token
 * (`pulumi-nodejs:dynamic/zego:<Kind>`) and our text as `__provider`, which is all that
 * `dynamic.Resource` adds to a CustomResource.
 */
import * as pulumi from "@pulumi/pulumi";
import { PROVIDER_PROPERTY, ResourceKind } from "./schema/resources";

/**
 * The `__provider` text for a kind. A contract with state written by every version: never change
 * it (tests/unit/serialization pins it byte for byte). It needs only `runtime.provider(kind)`. It is
 * stored twice per resource and the engine rewrites the whole checkpoint on every step, so every
 * byte counts: when the package is missing, Node's own error names the module that cannot be found.
 */
export function providerText(kind: ResourceKind): string {
    return `exports.handler=()=>require("pulumi-zego-aiagent/runtime").provider(${JSON.stringify(kind)})`;
}

const MODULE = "zego";

/** The base of the resource classes: a dynamic resource of `kind` whose `__provider` is `providerText(kind)`. */
export abstract class ZegoResource extends pulumi.CustomResource {
    constructor(kind: ResourceKind, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
        if (props[PROVIDER_PROPERTY] !== undefined) throw new Error(`A dynamic resource must not define the ${PROVIDER_PROPERTY} key`);
        super(`pulumi-nodejs:dynamic/${MODULE}:${kind}`, name, { ...props, [PROVIDER_PROPERTY]: providerText(kind) }, opts);
    }
}
