/**
 * The code the `__provider` text in state (`shim.ts`) loads at run time, in the provider process, as
 * `require("pulumi-zego-aiagent/runtime")`. Its exports are a contract with every `__provider`
 * ever written to state: add to them, never rename or remove. `provider(kind)` serves the
 * hand-written text (0.2.0 on); `providers` and `configure` serve the closure-serialized shim of 0.1.0.
 *
 * @internal Not public API: only the serialized provider calls it.
 */
import type * as pulumi from "@pulumi/pulumi";
import "./lifecycle/engineWatch"; // exits the provider process when its engine is gone
import { createLifecycleContext, LifecycleContext } from "./lifecycle/context";
import { LifecycleProvider } from "./lifecycle/provider";
import { lifecycleProviders } from "./lifecycle/providers";
import { ConfigReader } from "./lifecycle/settings";
import { ResourceKind } from "./schema/resources";

/**
 * The provider process's context: stack config (set once, by the engine's `configure`) and
 * process.env, real clients, stderr, the system clock. The plugin process serves these providers
 * too and configures it from its Configure call.
 */
export const defaultContext: LifecycleContext = createLifecycleContext();

/** Over the provider process's context. */
export const providers: Record<ResourceKind, LifecycleProvider> = lifecycleProviders(defaultContext);

/** Called by the engine once per provider process with the whole stack config. */
export function configure(config: ConfigReader): void {
    defaultContext.settings.configure(config);
}

/** The dynamic provider of a kind, as the host calls it (`configure` once, then the CRUD methods). */
export function provider(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
    const impl = providers[kind];
    if (!impl) throw new Error(`pulumi-zego-aiagent has no resource kind "${kind}" (known: ${Object.keys(providers).join(", ")})`);
    return {
        configure: async (request) => configure(request.config),
        check: (olds, news) => impl.check(olds, news),
        diff: (id, olds, news) => impl.diff(id, olds, news),
        create: (inputs) => impl.create(inputs),
        read: (id, props) => impl.read(id, props ?? {}),
        update: (id, olds, news) => impl.update(id, olds, news),
        delete: (id, props) => impl.delete(id, props),
    };
}
