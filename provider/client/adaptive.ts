/**
 * Adaptive pacing per action, in the spirit of the AWS SDK's adaptive retry mode: ZEGO's limit
 * (10 calls per second per action) is per app, shared by every process using the app, so one
 * process pacing itself at the full limit is too fast as soon as another one runs.
 *
 * - On a throttled answer to a request sent at the current rate, the rate is multiplied by
 *   `decrease` (answers to requests sent before the last decrease are stale evidence and ignored,
 *   as TCP reacts once per round trip), never below `minRequestsPerSecond`.
 * - On every success it climbs back additively, `increasePerSecond` requests/s per second of
 *   successes at the current rate, up to the configured maximum; at the maximum the gate is off
 *   and only the rolling-window bucket (rateLimiter.ts) paces.
 * - Below the maximum, sends are spaced 1/rate apart, each gap stretched or shrunk by up to
 *   `jitter` (a fraction), so processes that were throttled together do not stay in lock-step.
 *
 * The rule for each knob lives here; options.ts validates them, client.ts wires them in.
 */
import type { Clock } from "./clock";
import { abortableSleep } from "./clock";

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
export class AdaptiveRate {
    #rate: number;
    /** When the last decrease happened: evidence from requests sent before it is stale. */
    #decreasedAt = -Infinity;
    /** The earliest time the next send may go (reserved first come, first served). */
    #nextAt = -Infinity;

    constructor(
        /** The configured maximum (zego:maxRequestsPerSecond). */
        readonly maxRate: number,
        private readonly options: AdaptivePacingOptions,
        private readonly clock: Clock,
        private readonly random: () => number = Math.random,
    ) {
        this.#rate = maxRate;
    }

    /** Requests per second currently allowed. */
    get rate(): number {
        return this.#rate;
    }

    /** Waits for this caller's slot (no wait at the maximum rate). */
    async acquire(signal?: AbortSignal): Promise<void> {
        if (this.#rate >= this.maxRate) return;
        const now = this.clock.now();
        const at = Math.max(now, this.#nextAt);
        const factor = 1 + this.options.jitter * (2 * this.random() - 1);
        this.#nextAt = at + (1000 / this.#rate) * factor;
        if (at > now) await abortableSleep(this.clock, Math.ceil(at - now), signal);
    }

    /** A request sent at `sentAt` was throttled. */
    onThrottled(sentAt: number): void {
        if (!this.options.enabled || sentAt < this.#decreasedAt) return;
        this.#rate = Math.max(this.options.minRequestsPerSecond, Math.min(this.#rate, this.maxRate) * this.options.decrease);
        this.#decreasedAt = this.clock.now();
        // The new spacing starts now, not after slots reserved at the old rate.
        this.#nextAt = Math.max(this.#nextAt, this.clock.now() + (1000 / this.#rate) * (1 - this.options.jitter) * this.random());
    }

    /** A request succeeded (any answer that was not throttling). */
    onSuccess(): void {
        if (this.#rate >= this.maxRate) return;
        // increasePerSecond per second of traffic at the current rate: rate successes per second.
        this.#rate = Math.min(this.maxRate, this.#rate + this.options.increasePerSecond / this.#rate);
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
