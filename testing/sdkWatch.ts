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

const incidents: SdkIncident[] = [];
/** Operations being watched now (stacks run at once in one process). */
let watching = 0;
let installed = false;

function record(kind: SdkIncident["kind"]): void {
    if (watching > 0) incidents.push({ kind, at: (new Error().stack ?? "").split("\n").slice(3, 10).join("\n") });
}

function install(): void {
    if (installed) return;
    installed = true;
    const exported = settings as unknown as Record<string, (...args: unknown[]) => unknown>;
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

/** Starts watching; `stop()` returns what happened since (in this process: with several stacks at once, any of theirs). */
export function watchSdk(): { stop(): readonly SdkIncident[] } {
    install();
    const from = incidents.length;
    watching++;
    let stopped = false;
    return {
        stop() {
            if (!stopped) watching--;
            stopped = true;
            return incidents.slice(from);
        },
    };
}

export function describeIncidents(list: readonly SdkIncident[]): string {
    return list.map((i) => `${i.kind}, at\n${i.at}`).join("\n");
}
