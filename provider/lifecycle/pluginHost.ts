/**
 * The lifecycle as the zego plugin serves it (plugin/server.ts only translates gRPC to these calls).
 * What differs from the dynamic host, decided here: state the dynamic resources wrote (moved to
 * `zego:index:<Kind>` with an alias) is read in the plugin's shape and rewritten by an update; a Read
 * without state is `pulumi import`; the TypeScript resources' `connection` argument is refused.
 */
import { CONNECTION_KEY, ResourceKind } from "../schema/resources";
import type { LifecycleProvider, Props } from "./provider";
import { fromDynamicState, isDynamicState } from "./state";

/**
 * `connection` is the TypeScript resources' way to another ZEGO app; the plugin's is an explicit
 * provider per app (the engine runs one plugin process per provider, each with its own settings).
 * No property named: the engine would print the value, secret included.
 */
function connectionFailures(kind: ResourceKind, news: Props): { property: string; reason: string }[] {
    if (news[CONNECTION_KEY] === undefined) return [];
    return [
        {
            property: "",
            reason:
                `${CONNECTION_KEY} is not an argument of zego:index:${kind} (it is the TypeScript resources' way to another ZEGO app); got one. ` +
                `Declare a provider per app (type pulumi:providers:zego with appId, serverSecret and endpoint or region) and give the resource the provider option.`,
        },
    ];
}

export function pluginLifecycle(kind: ResourceKind, core: LifecycleProvider): LifecycleProvider {
    return {
        async check(olds, news) {
            const result = await core.check(olds, news);
            return { ...result, failures: [...(result.failures ?? []), ...connectionFailures(kind, news)] };
        },
        async diff(id, olds, news) {
            const result = await core.diff(id, fromDynamicState(olds), news);
            // Moved here from the dynamic resources: an update (no API call when nothing else changed) writes
            // the state in the plugin's shape at once; "no change" would keep the dynamic outputs as they are.
            return isDynamicState(olds) ? { ...result, changes: true } : result;
        },
        preview: (news, olds) => core.preview(news, olds === undefined ? undefined : fromDynamicState(olds)),
        create: (inputs, options) => core.create(inputs, options),
        read(id, props) {
            const state = fromDynamicState(props);
            // State written by create always has a stateVersion; `pulumi import` sends none (v3.248.0 sends
            // no usable properties), so everything is read from ZEGO.
            return state.stateVersion === undefined ? core.import(id) : core.read(id, state);
        },
        import: (id) => core.import(id),
        update: (id, olds, news, options) => core.update(id, fromDynamicState(olds), news, options),
        delete: (id, props, options) => core.delete(id, fromDynamicState(props), options),
    };
}

/** Every kind's lifecycle as the plugin serves it. */
export function pluginLifecycles(core: Record<ResourceKind, LifecycleProvider>): Record<ResourceKind, LifecycleProvider> {
    const out = {} as Record<ResourceKind, LifecycleProvider>;
    for (const kind of Object.keys(core) as ResourceKind[]) out[kind] = pluginLifecycle(kind, core[kind]);
    return out;
}
