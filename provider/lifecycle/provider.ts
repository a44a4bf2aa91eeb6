/** The provider-method signatures our lifecycle modules implement (the dynamic host's contract). */
import type * as pulumi from "@pulumi/pulumi";
import { PROVIDER_PROPERTY } from "../schema/resources";
import type { OperationOptions } from "./timeouts";

export type Props = Record<string, unknown>;

/** Inputs without the engine's `__provider` (the host re-attaches it to outputs). */
export function withoutPlumbing(inputs: Props): Props {
    const { [PROVIDER_PROPERTY]: _ignored, ...rest } = inputs;
    return rest;
}

/** The listed keys of `args` that have a value. */
export function pick(args: Props, keys: readonly string[]): Props {
    const out: Props = {};
    for (const key of keys) if (args[key] !== undefined && args[key] !== null) out[key] = args[key];
    return out;
}

/** The engine's diff result, with the changed top-level properties (the dynamic host drops them; the plugin reports them, so `replaceOnChanges` works there). */
export interface LifecycleDiff extends pulumi.dynamic.DiffResult {
    readonly diffs?: string[];
}

/**
 * One resource kind's lifecycle, as both hosts drive it (the dynamic host through runtime.ts, the plugin
 * through plugin/server.ts, which only translate calls). `options`: the resource's customTimeouts for the
 * operation (the plugin passes them; the dynamic host has none).
 */
export interface LifecycleProvider {
    check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult<Props>>;
    diff(id: string, olds: Props, news: Props): Promise<LifecycleDiff>;
    /**
     * The outputs at preview, with no call made: of a create (no `olds`), the inputs and the outputs the
     * service assigns unknown; of an update, the stored outputs with the new inputs over them.
     */
    preview(news: Props, olds?: Props): Props;
    create(inputs: Props, options?: OperationOptions): Promise<pulumi.dynamic.CreateResult<Props>>;
    read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult<Props>>;
    /** `pulumi import`: the resource read from ZEGO by its id alone, its inputs all it holds (or a refusal saying why not). */
    import(id: string): Promise<pulumi.dynamic.ReadResult<Props>>;
    update(id: string, olds: Props, news: Props, options?: OperationOptions): Promise<pulumi.dynamic.UpdateResult<Props>>;
    delete(id: string, props: Props, options?: OperationOptions): Promise<void>;
}

/**
 * Thrown from `create` when the remote object exists but a later step failed: the dynamic host
 * turns an error with `id` and `properties` into "created but failed to initialize", so Pulumi
 * keeps the id in state and `destroy` can still clean it up. The host stores `properties` as
 * they are, so they must carry `__provider` for later operations to load the provider.
 */
export class PartialCreateError extends Error {
    readonly reasons: string[];
    constructor(
        readonly id: string,
        readonly properties: Props,
        cause: Error,
    ) {
        super(`${cause.message} (the instance ${id} was created and is kept in state so that destroy can delete it)`);
        this.name = "PartialCreateError";
        this.reasons = [cause.message];
    }
}
