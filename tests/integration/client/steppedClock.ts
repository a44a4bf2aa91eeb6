/**
 * A virtual clock shared by the client (its `clock` option) and the emulator (its `now` option),
 * so pacing and retries run against real HTTP without waiting in real time.
 *
 * Time stands still while any request is in flight (counted from the client's request and
 * response events), so every request reaches the emulator at the virtual time it was sent. When
 * nothing is in flight, the clock jumps to the earliest pending sleep and wakes it. The jump waits
 * for a setImmediate turn, so sleeps started in the same turn are all registered before the
 * earliest one is chosen.
 */
import type { Clock, ClientEvent } from "../../../provider/client";

interface Sleeper {
    readonly at: number;
    readonly seq: number;
    readonly wake: () => void;
}

export class SteppedClock implements Clock {
    #now: number;
    #seq = 0;
    #inFlight = 0;
    #stepping = false;
    readonly #sleepers: Sleeper[] = [];
    /** Every wait the client asked for, in ms, in the order asked. */
    readonly sleeps: number[] = [];

    constructor(startMs: number) {
        this.#now = startMs;
    }

    readonly now = (): number => this.#now;

    readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
        new Promise<void>((resolve, reject) => {
            this.sleeps.push(ms);
            const sleeper: Sleeper = {
                at: this.#now + Math.max(0, ms),
                seq: ++this.#seq,
                wake: () => {
                    signal?.removeEventListener("abort", aborted);
                    resolve();
                },
            };
            const aborted = () => {
                this.#remove(sleeper);
                reject(signal!.reason);
            };
            signal?.addEventListener("abort", aborted, { once: true });
            this.#sleepers.push(sleeper);
            this.#step();
        });

    /** Pass every client event through here (the clients' `onEvent`). */
    readonly observe = (e: ClientEvent): void => {
        if (e.type === "request") this.#inFlight++;
        if (e.type === "response") {
            this.#inFlight--;
            this.#step();
        }
    };

    #remove(sleeper: Sleeper): void {
        const i = this.#sleepers.indexOf(sleeper);
        if (i >= 0) this.#sleepers.splice(i, 1);
    }

    #step(): void {
        if (this.#stepping) return;
        this.#stepping = true;
        setImmediate(() => {
            this.#stepping = false;
            if (this.#inFlight > 0 || this.#sleepers.length === 0) return;
            const next = this.#sleepers.reduce((a, b) => (b.at < a.at || (b.at === a.at && b.seq < a.seq) ? b : a));
            this.#remove(next);
            this.#now = Math.max(this.#now, next.at);
            next.wake();
            this.#step();
        });
    }
}
