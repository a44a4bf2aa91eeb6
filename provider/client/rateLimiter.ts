/**
 * Client-side pacing, so a busy `pulumi up` stays under ZEGO's documented limit of 10 calls per
 * second per action instead of being throttled.
 *
 * Each key (an action) gets a token bucket whose tokens come back one full window after they were
 * spent (a rolling window), not continuously. Burst = rate: 10 calls may go at once. The
 * difference from a continuously refilling bucket matters here: that one allows `burst + rate` =
 * 20 calls in the first second, which a server counting "10 per second" would throttle. With
 * rolling tokens, no window of one period ever holds more than `burst` calls.
 *
 * Tokens stay out a little longer than the period: see PACING_MARGIN.
 *
 * Waiting is timer-driven through the injectable Clock, so sinon fake timers control it.
 */
import { Clock, systemClock } from "./clock";
import { SlotQueue } from "./slotQueue";

/**
 * How much longer than the nominal period a spent token stays out: 5%, so at 10/s a token comes
 * back after 1050 ms, not 1000 ms (9.5 calls per second at most, sustained).
 *
 * Why: the client spaces call k and call k + burst exactly one period apart when it sends them, but
 * the server counts them when they arrive, and each request's latency differs by a few ms
 * (network, event loops, the server's own scheduling). If call k + burst travels even 1 ms faster
 * than call k, they arrive less than a period apart, and a server counting fixed one-second windows
 * sees burst + 1 calls in one window whenever no window boundary falls between them: throttled
 * (the teardown benchmark saw up to 4 throttled deletes per run of 50 without a margin). 50 ms
 * absorbs any latency difference below 50 ms, at the cost of 5% of throughput.
 */
export const PACING_MARGIN = 0.05;

/** Paces one key. Waiters are served first come, first served (slotQueue.ts). */
export class RollingWindowBucket extends SlotQueue {
    /** When each token still out was spent, oldest first. */
    private readonly spentAt: number[] = [];

    constructor(
        /** Tokens per window (the burst). */
        readonly burst: number,
        /** How long a spent token stays out. */
        readonly windowMs: number,
        clock: Clock = systemClock,
    ) {
        super(clock);
    }

    protected tryTake(): boolean {
        const now = this.clock.now();
        while ((this.spentAt[0] ?? Infinity) <= now - this.windowMs) this.spentAt.shift();
        if (this.spentAt.length >= this.burst) return false;
        this.spentAt.push(now);
        return true;
    }

    protected retryInMs(): number {
        // Capped at one window, so a wall clock stepping backwards cannot stall us for long.
        // tryTake() refused, so the window is full: its oldest token comes back first.
        const now = this.clock.now();
        const untilNextToken = (this.spentAt[0] ?? now) + this.windowMs - now;
        return Math.min(this.windowMs, Math.max(1, untilNextToken));
    }
}

/** One bucket per key (per action), created on first use. */
export class RateLimiter {
    private readonly buckets = new Map<string, RollingWindowBucket>();
    /** Undefined when pacing is off. */
    private readonly shape?: { readonly burst: number; readonly windowMs: number };

    /**
     * @param requestsPerSecond per key; 0 or Infinity turns pacing off. Fractional rates work:
     *   0.5 gives 1 call per 2 s, 2.5 gives 2 calls per 800 ms (before the margin).
     * @param margin how much longer than the period a token stays out (PACING_MARGIN: 1050 ms
     *   windows at 10/s); 0 paces exactly at `requestsPerSecond`.
     */
    constructor(
        readonly requestsPerSecond: number,
        private readonly clock: Clock = systemClock,
        readonly margin: number = PACING_MARGIN,
    ) {
        if (!(margin >= 0 && Number.isFinite(margin))) throw new RangeError(`margin must be a finite number >= 0; got ${margin}`);
        if (requestsPerSecond > 0 && Number.isFinite(requestsPerSecond)) {
            const burst = Math.max(1, Math.floor(requestsPerSecond));
            // Whole milliseconds, so the timers (and tests) deal in integers.
            this.shape = { burst, windowMs: Math.round((burst / requestsPerSecond) * 1000 * (1 + margin)) };
        }
    }

    /** How long a spent token stays out (the period plus the margin); undefined when pacing is off. */
    get windowMs(): number | undefined {
        return this.shape?.windowMs;
    }

    get enabled(): boolean {
        return this.shape !== undefined;
    }

    /** Resolves when a call for `key` may be sent; rejects with `signal.reason` if it aborts first. */
    acquire(key: string, signal?: AbortSignal): Promise<void> {
        if (signal?.aborted) return Promise.reject(signal.reason);
        if (!this.shape) return Promise.resolve();
        let bucket = this.buckets.get(key);
        if (!bucket) {
            bucket = new RollingWindowBucket(this.shape.burst, this.shape.windowMs, this.clock);
            this.buckets.set(key, bucket);
        }
        return bucket.acquire(signal);
    }
}
