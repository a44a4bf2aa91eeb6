/** Waiting for something the emulator or a process does, up to a bound (tests fail on the bound, never pass on it). */
import { EmulatorHandle } from "../../emulator";

/** Polls `probe` every 50 ms until it returns something other than undefined or false; throws after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
        const value = probe();
        if (value !== undefined && value !== false) return value;
        if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}

/**
 * Until every create the emulator received has been answered or carried out: a create whose
 * client went away (a killed CLI) still completes, as at ZEGO, after the emulator's latency.
 */
export async function createsSettled(emulator: EmulatorHandle, timeoutMs = 10_000): Promise<void> {
    await waitFor(
        "the cut-off creates to finish at the emulator",
        timeoutMs,
        () => emulator.requests().every((r) => !r.action.startsWith("Create") || r.code !== undefined) || undefined,
    );
}
