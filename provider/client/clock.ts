/**
 * Time, injectable. Retries and pacing only ever read time and wait through a `Clock`, so tests
 * can drive them with sinon fake timers (the default clock looks `Date.now` and `setTimeout` up at
 * call time, so installing fake timers is enough) or with a hand-made clock.
 */
export interface Clock {
    /** Milliseconds since the epoch. */
    now(): number;
    /** Resolves after `ms` milliseconds; may end early (rejecting) when `signal` aborts. */
    sleep(ms: number, signal?: AbortSignal): Promise<void>;
    /**
     * Resolves once the clock reads `at` (ms since the epoch) or later, while other work goes on:
     * a deadline, not a pause. Optional: without it `alarm()` sleeps until then, which is right
     * for a clock whose sleeps run side by side (the system clock, under real or fake timers). A
     * simulated clock whose `sleep` moves time on at once provides it (firing when its time
     * passes `at`); otherwise a deadline would arrive the moment it is set.
     */
    alarm?(at: number, signal?: AbortSignal): Promise<void>;
}

/** Node's longest timer: a setTimeout beyond it fires after 1 ms (customTimeouts of `840h` would end at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
    now: () => Date.now(),
    sleep: (ms, signal) =>
        new Promise<void>((resolve, reject) => {
            // A longer sleep waits in steps of the longest timer.
            let left = Math.max(0, ms);
            let timer = step();
            function step(): ReturnType<typeof setTimeout> {
                const now = Math.min(left, MAX_TIMER_MS);
                left -= now;
                return setTimeout(left > 0 ? () => (timer = step()) : done, now);
            }
            function done(): void {
                signal?.removeEventListener("abort", aborted);
                resolve();
            }
            function aborted(): void {
                clearTimeout(timer);
                reject(signal!.reason);
            }
            signal?.addEventListener("abort", aborted, { once: true });
        }),
};

/**
 * `clock.sleep(ms)` that rejects with `signal.reason` as soon as `signal` aborts, even with a clock
 * that ignores the signal (its timer then runs out on its own).
 */
export async function abortableSleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
    if (!signal) return clock.sleep(ms);
    signal.throwIfAborted();
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(signal.reason);
        signal.addEventListener("abort", onAbort, { once: true });
    });
    try {
        await Promise.race([clock.sleep(ms, signal), aborted]);
    } finally {
        signal.removeEventListener("abort", onAbort!);
    }
}

/** Resolves when `clock` reaches `at`; rejects with `signal.reason` if `signal` aborts first. */
export function alarm(clock: Clock, at: number, signal?: AbortSignal): Promise<void> {
    if (clock.alarm) return clock.alarm(at, signal);
    return abortableSleep(clock, Math.max(0, at - clock.now()), signal);
}
