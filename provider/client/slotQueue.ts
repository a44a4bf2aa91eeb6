/**
 * The waiting part both pacers share (the rolling-window bucket in rateLimiter.ts and the
 * adaptive rate in adaptive.ts): callers wait first come, first served; one loop per queue hands
 * out slots as the subclass frees them and sleeps on the injectable Clock in between; an aborted
 * caller leaves the queue without taking a slot. The subclass says only when a slot is free.
 */
import type { Clock } from "./clock";

export abstract class SlotQueue {
    readonly #waiters: Array<() => void> = [];
    #pumping = false;
    /** Aborted by wake() to end the loop's sleep early. */
    #wake?: AbortController;

    constructor(protected readonly clock: Clock) {}

    /** Takes a slot if one is free now. */
    protected abstract tryTake(): boolean;

    /** After tryTake() refused: how long to sleep before asking again, in ms. */
    protected abstract retryInMs(): number;

    /** Resolves when the caller may send, with a slot taken; rejects with `signal.reason` (no slot taken) if `signal` aborts first. */
    acquire(signal?: AbortSignal): Promise<void> {
        if (signal?.aborted) return Promise.reject(signal.reason);
        if (this.#waiters.length === 0 && this.tryTake()) return Promise.resolve();
        return new Promise<void>((resolve, reject) => {
            const onAbort = () => {
                const i = this.#waiters.indexOf(waiter);
                if (i >= 0) this.#waiters.splice(i, 1);
                reject(signal!.reason);
            };
            const waiter = () => {
                signal?.removeEventListener("abort", onAbort);
                resolve();
            };
            signal?.addEventListener("abort", onAbort, { once: true });
            this.#waiters.push(waiter);
            void this.#pump();
        });
    }

    /** Callers currently waiting for a slot. */
    get waiting(): number {
        return this.#waiters.length;
    }

    /** What decides a free slot changed: the loop asks again now instead of finishing its sleep. */
    protected wake(): void {
        this.#wake?.abort();
    }

    async #pump(): Promise<void> {
        if (this.#pumping) return;
        this.#pumping = true;
        try {
            while (this.#waiters.length > 0) {
                if (this.tryTake()) {
                    this.#waiters.shift()!();
                    continue;
                }
                const wake = (this.#wake = new AbortController());
                await this.clock.sleep(this.retryInMs(), wake.signal).catch(() => undefined);
                this.#wake = undefined;
            }
        } finally {
            this.#pumping = false;
        }
    }
}
