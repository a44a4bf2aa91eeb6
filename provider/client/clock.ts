/**
 * Time, injectable. Retries and pacing only ever read time and wait through a `Clock`, so tests
 * can drive them with sinon fake timers (the default clock looks `Date.now` and `setTimeout` up at
 * call time, so installing fake timers is enough) or with a hand-made clock.
 */
export interface Clock {
    /** Milliseconds since the epoch. */
    now(): number;
    /** Resolves after `ms` milliseconds. */
    sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
