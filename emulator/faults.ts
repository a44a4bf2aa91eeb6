/**
 * Fault injection for resilience tests, reproducible: a seeded PRNG (mulberry32), and every
 * matching request draws the same four numbers whatever the outcome, so the same seed and options
 * give the same fault sequence.
 */
import type { FaultOptions, FaultPhase } from "./types";

/** mulberry32: a small, fast 32-bit PRNG; returns numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

export const DEFAULT_FAULT_SEED = 1;
export const DEFAULT_5XX_STATUSES: readonly number[] = [500, 502, 503, 504];
export const DEFAULT_SPIKE_MS = 1000;

export type FailureKind = "http5xx" | "reset" | "hang" | "throttle";

export interface FaultDecision {
    /** Extra delay before the request is handled (faults.latencyMs plus any spike). */
    delayMs: number;
    spikeMs?: number;
    failure?: { kind: FailureKind; phase: FaultPhase; httpStatus?: number };
}

/** Every fault option (a Record, so that adding one to FaultOptions without listing it here fails to compile). */
const FAULT_KEY_SET: Record<keyof FaultOptions, true> = {
    seed: true,
    http5xxRate: true,
    http5xxStatuses: true,
    resetRate: true,
    latencyMs: true,
    latencySpikeRate: true,
    latencySpikeMs: true,
    hangNext: true,
    throttleBurst: true,
    actions: true,
    phase: true,
};
export const FAULT_KEYS = Object.keys(FAULT_KEY_SET) as (keyof FaultOptions)[];

/** Checks options and throws a RangeError naming the bad one (an unknown key too: a typo must not inject nothing). */
export function checkFaultOptions(options: FaultOptions): void {
    if (options === null || typeof options !== "object" || Array.isArray(options))
        throw new RangeError(`faults must be an object; got ${JSON.stringify(options)}.`);
    for (const key of Object.keys(options)) {
        if (!(key in FAULT_KEY_SET)) throw new RangeError(`faults.${key} is not a fault option; known: ${FAULT_KEYS.join(", ")}.`);
    }
    const rate = (name: keyof FaultOptions) => {
        const v = options[name];
        if (v !== undefined && !(typeof v === "number" && v >= 0 && v <= 1))
            throw new RangeError(`faults.${name} must be a number from 0 to 1; got ${JSON.stringify(v)}.`);
    };
    const count = (name: keyof FaultOptions) => {
        const v = options[name];
        if (v !== undefined && !(typeof v === "number" && Number.isInteger(v) && v >= 0)) {
            throw new RangeError(`faults.${name} must be a non-negative integer; got ${JSON.stringify(v)}.`);
        }
    };
    rate("http5xxRate");
    rate("resetRate");
    rate("latencySpikeRate");
    count("latencyMs");
    count("latencySpikeMs");
    count("hangNext");
    count("throttleBurst");
    if (options.seed !== undefined && !Number.isFinite(options.seed))
        throw new RangeError(`faults.seed must be a number; got ${JSON.stringify(options.seed)}.`);
    const statuses = options.http5xxStatuses;
    if (
        statuses !== undefined &&
        (!Array.isArray(statuses) || statuses.length === 0 || statuses.some((s) => !Number.isInteger(s) || s < 500 || s > 599))
    ) {
        throw new RangeError(
            `faults.http5xxStatuses must be a non-empty list of statuses from 500 to 599; got ${JSON.stringify(statuses)}.`,
        );
    }
    if (options.actions !== undefined && (!Array.isArray(options.actions) || options.actions.some((a) => typeof a !== "string"))) {
        throw new RangeError(`faults.actions must be a list of action names; got ${JSON.stringify(options.actions)}.`);
    }
    if (options.phase !== undefined && options.phase !== "before" && options.phase !== "after") {
        throw new RangeError(`faults.phase must be "before" or "after"; got ${JSON.stringify(options.phase)}.`);
    }
}

export class FaultInjector {
    private config: FaultOptions = {};
    private random = mulberry32(DEFAULT_FAULT_SEED);
    private hangLeft = 0;
    private throttleLeft = 0;

    constructor(options: FaultOptions = {}) {
        this.configure(options);
    }

    /** Replace the configuration and restart the sequence from the seed. */
    configure(options: FaultOptions): void {
        checkFaultOptions(options);
        this.config = {
            ...options,
            actions: options.actions && [...options.actions],
            http5xxStatuses: options.http5xxStatuses && [...options.http5xxStatuses],
        };
        this.restart();
    }

    /** Restart the sequence: reseed, re-arm hangNext and throttleBurst. */
    restart(): void {
        this.random = mulberry32(this.config.seed ?? DEFAULT_FAULT_SEED);
        this.hangLeft = this.config.hangNext ?? 0;
        this.throttleLeft = this.config.throttleBurst ?? 0;
    }

    /** The configuration in force, with what is left of hangNext and throttleBurst. */
    current(): FaultOptions {
        const out: FaultOptions = { ...this.config, hangNext: this.hangLeft, throttleBurst: this.throttleLeft };
        for (const key of Object.keys(out) as (keyof FaultOptions)[]) if (out[key] === undefined) delete out[key];
        return out;
    }

    matches(action: string): boolean {
        return !this.config.actions || this.config.actions.includes(action);
    }

    /** What happens to one ZEGO API request; undefined when nothing does. */
    decide(action: string): FaultDecision | undefined {
        if (!this.matches(action)) return undefined;
        const c = this.config;
        // Always four draws per matching request, in this order.
        const spikeDraw = this.random();
        const resetDraw = this.random();
        const http5xxDraw = this.random();
        const statusDraw = this.random();

        const decision: FaultDecision = { delayMs: c.latencyMs ?? 0 };
        if (spikeDraw < (c.latencySpikeRate ?? 0)) {
            decision.spikeMs = c.latencySpikeMs ?? DEFAULT_SPIKE_MS;
            decision.delayMs += decision.spikeMs;
        }
        const phase = c.phase ?? "before";
        if (this.hangLeft > 0) {
            this.hangLeft--;
            decision.failure = { kind: "hang", phase };
        } else if (this.throttleLeft > 0) {
            this.throttleLeft--;
            decision.failure = { kind: "throttle", phase: "before" };
        } else if (resetDraw < (c.resetRate ?? 0)) {
            decision.failure = { kind: "reset", phase };
        } else if (http5xxDraw < (c.http5xxRate ?? 0)) {
            const statuses = c.http5xxStatuses ?? DEFAULT_5XX_STATUSES;
            decision.failure = { kind: "http5xx", phase, httpStatus: statuses[Math.floor(statusDraw * statuses.length)] };
        }
        return decision.delayMs > 0 || decision.failure ? decision : undefined;
    }
}
