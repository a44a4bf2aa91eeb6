/**
 * The provider object Pulumi serializes into state as `__provider` (SST's pattern): a class with
 * one field, whose methods load this package's `runtime` entry in the provider process and
 * delegate to it. So `__provider` is small and stable (no spurious `~__provider` diffs), captures
 * no secret and no client, and fixes in a newer package version reach `delete` and `refresh` of
 * resources created by an older one, without an `up`.
 *
 * Everything here is serialized by value into every resource's state, twice: keep it minimal and
 * free of imports that emit code. Terse parameter names are deliberate (they are bytes in state).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ResourceKind } from "./schema/resources";

type Runtime = typeof import("./runtime");
type P = Record<string, unknown>;
type Impl = Runtime["providers"][ResourceKind];

export class ZegoProviderShim implements pulumi.dynamic.ResourceProvider {
    constructor(readonly kind: ResourceKind) {}

    async configure(r: pulumi.dynamic.ConfigureRequest) {
        runtime().configure(r.config);
    }
    check(o: P, n: P) {
        return impl(this).check(o, n);
    }
    diff(i: string, o: P, n: P) {
        return impl(this).diff(i, o, n);
    }
    create(n: P) {
        return impl(this).create(n);
    }
    read(i: string, p: P) {
        return impl(this).read(i, p);
    }
    update(i: string, o: P, n: P) {
        return impl(this).update(i, o, n);
    }
    delete(i: string, p: P) {
        return impl(this).delete(i, p);
    }
}

function runtime(): Runtime {
    try {
        return require("pulumi-zego-aiagent/runtime");
    } catch (e) {
        throw new Error(`pulumi-zego-aiagent must be installed in ${process.cwd()}: ${(e as Error).message}`);
    }
}

function impl(shim: ZegoProviderShim): Impl {
    return runtime().providers[shim.kind];
}
