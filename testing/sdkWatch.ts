/**
 * Watches, during an engine operation, for the ways the Pulumi Node SDK can lose an inline
 * program's resource registration without failing the program (the engine, seeing the program
 * end, then plans deletes of what it never heard of: tests/e2e/sdkWatch.test.ts shows it):
 * - no resource monitor at registration (`settings.getMonitor()` undefined): the SDK registers
 *   against a mock;
 * - registration outside the run's async-local store (then the SDK uses its global settings,
 *   which hold no monitor of this run: a mock at best);
 * - a registration RPC answered UNAVAILABLE or CANCELLED: the SDK takes the engine for shutting
 *   down (`settings.terminateRpcs`) and drops the resource.
 * None of these can come from this provider (it runs in its own process). The harness uses them to
 * tell an engine run the SDK spoiled from a preview that really differs from its up. Test tooling:
 * it patches the SDK modules' exports, through which the SDK's own modules call them.
 */
import * as settings from "@pulumi/pulumi/runtime/settings";
import * as runtimeState from "@pulumi/pulumi/runtime/state";

/** The run's async-local store (internal to the SDK, so not in its types). */
const state = runtimeState as unknown as { getLocalStore(): object | undefined };

export interface SdkIncident {
    readonly kind: "no monitor" | "outside the run's async context" | "registration RPC unavailable or cancelled";
    /** Where it happened (a few frames). */
    readonly at: string;
}

/** A watched operation: the program runs it started, and what happened in them. */
interface Window {
    readonly stores: Set<object>;
    readonly incidents: SdkIncident[];
}

const open = new Set<Window>();
let installed = false;

/**
 * An incident counts for a watched operation if it happened in a program run that started while it
 * was watched (not, say, in what is left of a run whose CLI a test killed), or outside any run.
 */
function record(kind: SdkIncident["kind"]): void {
    const store = state.getLocalStore();
    const at = (new Error().stack ?? "").split("\n").slice(3, 10).join("\n");
    for (const window of open) if (store === undefined || window.stores.has(store)) window.incidents.push({ kind, at });
}

function install(): void {
    if (installed) return;
    installed = true;
    const exported = settings as unknown as Record<string, (...args: unknown[]) => unknown>;
    // Each program run starts with resetOptions, inside its new store.
    const resetOptions = exported.resetOptions!;
    exported.resetOptions = (...args) => {
        const result = resetOptions(...args);
        const store = state.getLocalStore();
        if (store !== undefined) for (const window of open) window.stores.add(store);
        return result;
    };
    const terminateRpcs = exported.terminateRpcs!;
    exported.terminateRpcs = (...args) => {
        record("registration RPC unavailable or cancelled");
        return terminateRpcs(...args);
    };
    const getMonitor = exported.getMonitor!;
    exported.getMonitor = (...args) => {
        if (state.getLocalStore() === undefined) record("outside the run's async context");
        const monitor = getMonitor(...args);
        if (monitor === undefined) record("no monitor");
        return monitor;
    };
}

/**
 * Starts watching; `stop()` returns what happened since in the program runs started meanwhile
 * (with several stacks at once in this process, theirs too).
 */
export function watchSdk(): { stop(): readonly SdkIncident[] } {
    install();
    const window: Window = { stores: new Set(), incidents: [] };
    open.add(window);
    return {
        stop() {
            open.delete(window);
            return window.incidents;
        },
    };
}

export function describeIncidents(list: readonly SdkIncident[]): string {
    return list.map((i) => `${i.kind}, at\n${i.at}`).join("\n");
}
