/**
 * Adaptive pacing per action, in the spirit of the AWS SDK's adaptive retry mode: ZEGO's limit
 * (10 calls per second per action) is per app, shared by every process using the app, so one
 * process pacing itself at the full limit is too fast as soon as another one runs.
 *
 * - On a throttled answer to a request sent at the current rate, the rate is multiplied by
 *   `decrease` (answers to requests sent before the last decrease are stale evidence and ignored,
 *   as TCP reacts once per round trip), never below `minRequestsPerSecond`.
 * - On every success, or answer judged on its merits (retry.ts judgedOnMerits), it climbs back
 *   additively, `increasePerSecond` requests/s per second of successes at the current rate, up to
 *   the configured maximum; at the maximum the gate is off and only the rolling-window bucket
 *   (rateLimiter.ts) paces.
 * - Below the maximum, sends are spaced 1/rate apart, each gap stretched or shrunk by up to
 *   `jitter` (a fraction), so processes that were throttled together do not stay in lock-step.
 *   The gap is taken at the rate current when a slot comes due, so calls queued while the rate
 *   was low go faster as soon as it climbs (a slot reserved at 0.5/s would otherwise hold its
 *   caller 2 s after the rate is back at 10/s).
 * - A throttled retry waits for its slot here and for nothing else (retry.ts): the process, not
 *   each request, backs off.
 *
 * The rule for each knob lives here; options.ts validates them, client.ts wires them in.
 */
import type { Clock } from "./clock";
import { SlotQueue } from "./slotQueue";

export interface AdaptivePacingOptions {
    /** false: pace at maxRequestsPerSecond only, never slower. Default true. */
    readonly enabled: boolean;
    /** The rate never drops below this (requests per second per action). Default 0.5. */
    readonly minRequestsPerSecond: number;
    /** Factor applied to the rate on throttling, in (0, 1). Default 0.7 (the AWS SDK's beta). */
    readonly decrease: number;
    /** Recovery on success, in requests/s gained per second of successful traffic. Default 1. */
    readonly increasePerSecond: number;
    /** Each gap is 1/rate times a factor drawn uniformly from [1 - jitter, 1 + jitter]. Default 0.2. */
    readonly jitter: number;
}

export const DEFAULT_ADAPTIVE_PACING: AdaptivePacingOptions = {
    enabled: true,
    minRequestsPerSecond: 0.5,
    decrease: 0.7,
    increasePerSecond: 1,
    jitter: 0.2,
};

/** The adaptive rate of one action. */
export class AdaptiveRate extends SlotQueue {
    #rate: number;
    /** When the last decrease happened: evidence from requests sent before it is stale. */
    #decreasedAt = -Infinity;
    /** When the last slot was granted. */
    #grantedAt = -Infinity;
    /** The jitter factor of the gap after that grant, drawn once per grant. */
    #factor = 1;
    /** No grant before this (set on a decrease, so processes throttled together restart apart). */
    #notBefore = -Infinity;

    constructor(
        /** The configured maximum (zego:maxRequestsPerSecond). */
        readonly maxRate: number,
        private readonly options: AdaptivePacingOptions,
        clock: Clock,
        private readonly random: () => number = Math.random,
    ) {
        super(clock);
        this.#rate = maxRate;
    }

    /** Requests per second currently allowed. */
    get rate(): number {
        return this.#rate;
    }

    /**
     * Callers wait in acquire() (SlotQueue), at the maximum rate not at all. A slot is free once
     * the gap since the previous grant, at the rate current now, has passed: not the rate when the
     * caller queued, so one that queued while the rate was low goes as soon as the rate has climbed.
     */
    protected tryTake(): boolean {
        if (this.#due() > this.clock.now()) return false;
        this.#grantedAt = this.clock.now();
        this.#factor = 1 + this.options.jitter * (2 * this.random() - 1);
        return true;
    }

    protected retryInMs(): number {
        return Math.ceil(this.#due() - this.clock.now());
    }

    /** A request sent at `sentAt` was throttled. */
    onThrottled(sentAt: number): void {
        if (!this.options.enabled || sentAt < this.#decreasedAt) return;
        const now = this.clock.now();
        this.#rate = Math.max(this.options.minRequestsPerSecond, Math.min(this.#rate, this.maxRate) * this.options.decrease);
        this.#decreasedAt = now;
        // The new spacing starts now, after a random part of one gap.
        this.#notBefore = Math.max(this.#notBefore, now + (1000 / this.#rate) * (1 - this.options.jitter) * this.random());
        this.wake();
    }

    /** A request passed the rate limit: a success, or an answer judged on its merits (retry.ts judgedOnMerits). */
    onSuccess(): void {
        if (this.#rate >= this.maxRate) return;
        // increasePerSecond per second of traffic at the current rate: rate successes per second.
        this.#rate = Math.min(this.maxRate, this.#rate + this.options.increasePerSecond / this.#rate);
        this.wake();
    }

    /** When the next slot is due at the current rate (-Infinity at the maximum: the gate is off). */
    #due(): number {
        if (this.#rate >= this.maxRate) return -Infinity;
        return Math.max(this.#notBefore, this.#grantedAt + (1000 / this.#rate) * this.#factor);
    }
}

/** One AdaptiveRate per action, created on first use; none when pacing is off or not adaptive. */
export class AdaptivePacer {
    readonly #rates = new Map<string, AdaptiveRate>();

    constructor(
        readonly maxRate: number,
        private readonly options: AdaptivePacingOptions,
        private readonly clock: Clock,
        private readonly random: () => number = Math.random,
    ) {}

    get enabled(): boolean {
        return this.options.enabled && this.maxRate > 0 && Number.isFinite(this.maxRate);
    }

    /** The rate of `key` (the maximum when it never was throttled). */
    rateOf(key: string): number {
        return this.#rates.get(key)?.rate ?? this.maxRate;
    }

    for(key: string): AdaptiveRate | undefined {
        if (!this.enabled) return undefined;
        let rate = this.#rates.get(key);
        if (!rate) this.#rates.set(key, (rate = new AdaptiveRate(this.maxRate, this.options, this.clock, this.random)));
        return rate;
    }
}
