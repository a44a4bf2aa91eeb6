/**
 * Generative (fast-check, seeded; a failure prints its seed, replay with FC_SEED=<seed>): for any
 * interleaving of callers queueing, aborting, throttles, successes and time passing, the adaptive
 * rate of one action grants every caller that did not abort, in the order they came, and never
 * two grants closer than the rate in force allows (1/rate less the jitter), whatever the rate did
 * while they waited.
 */
import { expect } from "chai";
import * as fc from "fast-check";
import sinon from "sinon";
import { AdaptiveRate, DEFAULT_ADAPTIVE_PACING } from "../../../provider/client/adaptive";
import { systemClock } from "../../../provider/client/clock";
import { mulberry32 } from "../../../emulator/faults";
import { must } from "../../must";

const SEED = Number(process.env.FC_SEED ?? 4242);
const MAX = 10;

type Step =
    | { kind: "acquire"; abortAfterMs?: number }
    | { kind: "throttle"; sentAgoMs: number }
    | { kind: "success"; times: number }
    | { kind: "tick"; ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
    {
        weight: 4,
        arbitrary: fc.record({
            kind: fc.constant("acquire" as const),
            abortAfterMs: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
        }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("throttle" as const), sentAgoMs: fc.integer({ min: 0, max: 500 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("success" as const), times: fc.integer({ min: 1, max: 30 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("tick" as const), ms: fc.integer({ min: 0, max: 2500 }) }) },
);

interface Grant {
    readonly id: number;
    readonly at: number;
    readonly rate: number;
}

describe("client: adaptive pacing, generated schedules", () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => (clock = sinon.useFakeTimers({ now: 1_700_000_000_000, toFake: ["setTimeout", "clearTimeout", "Date"] })));
    afterEach(() => clock.restore());

    it("grants every caller that stays, first come first served, never faster than the rate in force", async () => {
        await fc.assert(
            fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), fc.integer(), async (steps, randomSeed) => {
                const options = DEFAULT_ADAPTIVE_PACING;
                const rate = new AdaptiveRate(MAX, options, systemClock, mulberry32(randomSeed));
                const grants: Grant[] = [];
                const aborted = new Set<number>();
                const pending: Promise<void>[] = [];
                let next = 0;
                for (const s of steps) {
                    if (s.kind === "acquire") {
                        const id = next++;
                        const controller = new AbortController();
                        if (s.abortAfterMs !== undefined) setTimeout(() => controller.abort(new Error("gave up")), s.abortAfterMs);
                        pending.push(
                            rate.acquire(controller.signal).then(
                                () => void grants.push({ id, at: Date.now(), rate: rate.rate }),
                                () => void aborted.add(id),
                            ),
                        );
                    } else if (s.kind === "throttle") rate.onThrottled(Date.now() - s.sentAgoMs);
                    else if (s.kind === "success") for (let i = 0; i < s.times; i++) rate.onSuccess();
                    else await clock.tickAsync(s.ms);
                    // Let granted callers record their grant before the next step changes the rate.
                    await clock.tickAsync(0);
                }
                // Long enough for the slowest queue: at most 40 callers at the minimum rate, plus every abort timer.
                await clock.tickAsync(40 * (1000 / options.minRequestsPerSecond) * (1 + options.jitter) + 4000);
                await Promise.all(pending);

                expect(grants.length + aborted.size, "every caller granted or aborted").to.equal(next);
                expect(
                    grants.map((g) => g.id),
                    "first come, first served",
                ).to.deep.equal([...grants.map((g) => g.id)].sort((a, b) => a - b));
                for (let i = 1; i < grants.length; i++) {
                    const g = must(grants[i], "grants[i]");
                    if (g.rate >= MAX) continue; // at the maximum only the rolling window paces
                    const gap = g.at - must(grants[i - 1], "grants[i - 1]").at;
                    expect(gap, `grant ${i} at ${g.rate.toFixed(3)}/s`).to.be.at.least(Math.floor(((1 - options.jitter) * 1000) / g.rate));
                }
            }),
            { seed: SEED, numRuns: 150 },
        );
    });
});
