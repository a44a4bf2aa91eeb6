/**
 * Adaptive pacing, the throttle deadline and the retry budget (issue 13), on fake time: a process
 * sharing the app's limit with others slows down when throttled and climbs back on success;
 * throttled calls are retried until the deadline, not a fixed count; an outage spends the budget.
 */
import { expect } from "chai";
import sinon from "sinon";
import { mulberry32 } from "../../../emulator/faults";
import { AdaptiveRate, DEFAULT_ADAPTIVE_PACING } from "../../../provider/client/adaptive";
import { RetryBudget } from "../../../provider/client/budget";
import { systemClock } from "../../../provider/client/clock";
import { ZegoApiError } from "../../../provider/client";
import { Settings, SettingsError } from "../../../provider/lifecycle/settings";
import { eventsOf, makeClient, peerOnFakeTime, rejection, settle } from "./helpers";
import { ok, ScriptedPeer, zego } from "./peer";
import { Code, TRANSIENT_CODES } from "../../../provider/client/codes";
import { AttemptFailure, DEFAULT_THROTTLE_SIGNAL, judgedOnMerits } from "../../../provider/client/retry";
import { must } from "../../must";

const NOW = 1_700_000_000_000;

describe("client: adaptive pacing", () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => (clock = sinon.useFakeTimers({ now: NOW, toFake: ["setTimeout", "clearTimeout", "Date"] })));
    afterEach(() => clock.restore());

    describe("the rate of one action", () => {
        it("drops by `decrease` per throttle of a request sent after the last drop, never below the minimum", () => {
            const rate = new AdaptiveRate(10, DEFAULT_ADAPTIVE_PACING, systemClock, () => 0.5);
            rate.onThrottled(Date.now());
            expect(rate.rate).to.be.closeTo(7, 1e-9);
            // Sent before that drop: stale evidence, no second drop.
            rate.onThrottled(Date.now() - 1);
            expect(rate.rate).to.be.closeTo(7, 1e-9);
            for (let i = 0; i < 30; i++) {
                clock.tick(10);
                rate.onThrottled(Date.now());
            }
            expect(rate.rate).to.equal(DEFAULT_ADAPTIVE_PACING.minRequestsPerSecond);
        });

        it("climbs back by increasePerSecond per second of successes, up to the maximum, then stops pacing", async () => {
            const rate = new AdaptiveRate(10, { ...DEFAULT_ADAPTIVE_PACING, increasePerSecond: 1 }, systemClock, () => 0.5);
            rate.onThrottled(Date.now());
            rate.onThrottled(Date.now() + 1);
            expect(rate.rate).to.be.closeTo(4.9, 1e-9);
            // One second of traffic at 4.9/s: 4.9 successes add 1/s.
            let successes = 0;
            while (rate.rate < 5.9 - 1e-9) {
                rate.onSuccess();
                successes++;
            }
            expect(successes).to.be.within(5, 6);
            while (rate.rate < 10) rate.onSuccess();
            expect(rate.rate).to.equal(10);
            const t0 = Date.now();
            await rate.acquire();
            await rate.acquire();
            expect(Date.now()).to.equal(t0);
        });

        it("spaces sends 1/rate apart, each gap within ±jitter, so two processes throttled together drift apart", async () => {
            const options = { ...DEFAULT_ADAPTIVE_PACING, jitter: 0.2 };
            const grants = (seed: number) => {
                const rate = new AdaptiveRate(10, options, systemClock, mulberry32(seed));
                const at: number[] = [];
                rate.onThrottled(Date.now()); // 7 per second: gaps of 143 ms ± 20%
                const done = Promise.all(Array.from({ length: 20 }, () => rate.acquire().then(() => void at.push(Date.now() - NOW))));
                return { at, done };
            };
            const a = grants(1);
            const b = grants(2);
            await clock.runAllAsync();
            await Promise.all([a.done, b.done]);
            const gapsA = a.at.slice(1).map((t, i) => t - must(a.at[i], "a.at[i]"));
            for (const gap of gapsA.slice(1)) expect(gap).to.be.within(Math.floor((1000 / 7) * 0.8), Math.ceil((1000 / 7) * 1.2));
            const mean = (must(a.at[a.at.length - 1], "a.at[a.at.length - 1]") - must(a.at[1], "a.at[1]")) / (a.at.length - 2);
            expect(mean).to.be.within(1000 / 7 - 25, 1000 / 7 + 25);
            // Not in lock-step: the two schedules differ.
            expect(a.at.filter((t, i) => t === b.at[i]).length).to.be.lessThan(5);
        });

        it("a caller queued while the rate was low goes as soon as the rate has climbed back", async () => {
            const rate = new AdaptiveRate(10, DEFAULT_ADAPTIVE_PACING, systemClock, () => 0.5);
            for (let i = 0; i < 20; i++) {
                clock.tick(10);
                rate.onThrottled(Date.now());
            }
            expect(rate.rate).to.equal(DEFAULT_ADAPTIVE_PACING.minRequestsPerSecond);
            const t0 = Date.now();
            const at: number[] = [];
            const done = Promise.all(Array.from({ length: 6 }, () => rate.acquire().then(() => void at.push(Date.now() - t0))));
            // At 0.5/s the six would take 10 s and more. One slot later, the rate is back at the maximum.
            await clock.tickAsync(2_500);
            expect(at.length, "granted at 0.5/s so far").to.be.within(1, 2);
            while (rate.rate < 10) rate.onSuccess();
            await clock.tickAsync(0);
            await done;
            expect(at).to.have.length(6);
            expect(Math.max(...at), "the rest go at once, not in the 2 s slots of the rate they queued at").to.be.at.most(2_500);
        });

        it("an abort takes the caller out of the queue without a slot", async () => {
            const rate = new AdaptiveRate(10, { ...DEFAULT_ADAPTIVE_PACING, jitter: 0 }, systemClock, () => 0.5);
            rate.onThrottled(Date.now()); // 7 per second
            await clock.tickAsync(1_000);
            await rate.acquire();
            const controller = new AbortController();
            const aborted = rate.acquire(controller.signal);
            const next = rate.acquire();
            controller.abort(new Error("stop"));
            expect(await rejection(aborted)).to.have.property("message", "stop");
            const t0 = Date.now();
            await clock.tickAsync(200);
            await next;
            expect(Date.now() - t0).to.be.at.most(200);
        });

        it("with pacing: false the client never slows below maxRequestsPerSecond", () => {
            const off = new AdaptiveRate(10, { ...DEFAULT_ADAPTIVE_PACING, enabled: false }, systemClock);
            off.onThrottled(Date.now());
            expect(off.rate).to.equal(10);
        });
    });

    it("an answer judged on its merits counts toward recovery; throttling, a server fault, an unknown code or no ZEGO answer does not", () => {
        const zegoAnswer = (code: number, httpStatus = 200): AttemptFailure => ({ kind: "zego", code, httpStatus });
        const signal = DEFAULT_THROTTLE_SIGNAL;
        for (const code of [Code.InstanceNotFound, Code.AgentNotFound, Code.InvalidParameter])
            expect(judgedOnMerits(zegoAnswer(code), signal), `${code}`).to.equal(true);
        // What a wait repeats (a speaking agent's polls) would speed up the poll at the cost of other deletes of the app.
        for (const code of [Code.ShuttingDown, Code.LiveDigitalHumanControlled])
            expect(judgedOnMerits(zegoAnswer(code), signal), `a wait's answer ${code}`).to.equal(false);
        expect(judgedOnMerits(zegoAnswer(Code.DigitalHumanFrequencyLimit), signal), "a throttle code").to.equal(false);
        expect(judgedOnMerits(zegoAnswer(Code.InstanceNotFound, 429), signal), "HTTP 429").to.equal(false);
        expect(judgedOnMerits(zegoAnswer(Code.InstanceNotFound, 503), signal), "HTTP 503 with a ZEGO body").to.equal(false);
        expect(
            judgedOnMerits(zegoAnswer(Code.InstanceNotFound), { httpStatuses: [], codes: [Code.InstanceNotFound] }),
            "configured as throttling",
        ).to.equal(false);
        for (const code of TRANSIENT_CODES) expect(judgedOnMerits(zegoAnswer(code), signal), `server fault ${code}`).to.equal(false);
        // Server faults by name, a concurrency limit, and a code the docs do not list (other ZEGO products throttle with such).
        for (const code of [410001032, 410001025, Code.ConcurrencyLimit, 300000003])
            expect(judgedOnMerits(zegoAnswer(code), signal), `${code}`).to.equal(false);
        expect(judgedOnMerits({ kind: "http", httpStatus: 502 }, signal)).to.equal(false);
        expect(judgedOnMerits({ kind: "network", networkCode: "ECONNRESET" }, signal)).to.equal(false);
    });

    describe("a client sharing the app's limit with others", () => {
        let peer: ScriptedPeer;
        beforeEach(async () => (peer = await ScriptedPeer.start()));
        afterEach(async () => peer.stop());

        /**
         * A server allowing `allowed` UnregisterAgent per fake second for this client (the others
         * use the rest of the app's 10): HTTP 429 beyond.
         */
        function sharedServer(allowed: number): void {
            const counts = new Map<number, number>();
            peer.fallback = () => {
                const second = Math.floor(Date.now() / 1000);
                const n = (counts.get(second) ?? 0) + 1;
                counts.set(second, n);
                return n > allowed ? { status: 429, body: "" } : ok();
            };
        }

        it("slows down to its share when throttled, every call succeeds, and it uses the share without idling", async () => {
            sharedServer(2);
            const { client, events } = makeClient(peer);
            const started = Date.now();
            const calls = Array.from({ length: 40 }, (_, i) => client.unregisterAgent(`a${i}`));
            await settle(Promise.all(calls), clock);
            client.close();
            const throttled = eventsOf(events, "throttled");
            expect(throttled.length, "some throttling at the start").to.be.greaterThan(0);
            expect(client.pacingRate("UnregisterAgent")).to.be.lessThan(10);
            // Once the rate has found the share, it probes above it now and then (additive
            // increase) but most sends pass: in the last 10 s, fewer throttled than passed.
            const end = Date.now();
            const lastThrottled = throttled.filter((e) => e.at > end - 10_000).length;
            const lastPassed = eventsOf(events, "response").filter((e) => e.at > end - 10_000 && e.httpStatus === 200).length;
            expect(lastThrottled, `${lastThrottled} throttled, ${lastPassed} passed`).to.be.lessThan(lastPassed / 2);
            // 40 calls at 2 per second: 20 s at best; a throttled retry waiting out an exponential
            // backoff (up to 5 s) on top of the pacing would take far longer.
            expect(end - started).to.be.within(19_000, 30_000);
            // And without adaptation (pacing: false) the same run is throttled more.
            peer.received.length = 0;
            sharedServer(2);
            const fixed = makeClient(peer, { pacing: false });
            await settle(Promise.all(Array.from({ length: 40 }, (_, i) => fixed.client.unregisterAgent(`b${i}`))), clock);
            fixed.client.close();
            expect(eventsOf(fixed.events, "throttled").length).to.be.greaterThan(2 * throttled.length);
            expect(fixed.client.pacingRate("UnregisterAgent")).to.equal(10);
        });

        it("climbs back on ZEGO answers that are errors but not throttling (a delete's polls answer 410001002 'not found')", async () => {
            // Throttled in the first second, as a process is while every stack's deletes start at once;
            // after that the app has room, and every status poll answers "instance not found".
            peer.fallback = () => (Date.now() < NOW + 1000 ? { status: 429, body: "" } : zego(Code.InstanceNotFound));
            const { client } = makeClient(peer);
            const polls = Array.from({ length: 5 }, (_, i) => rejection(client.queryAgentInstanceStatus(`i${i}`)));
            await settle(Promise.all(polls), clock);
            const low = client.pacingRate("QueryAgentInstanceStatus");
            expect(low, "throttling lowered the rate").to.be.lessThan(5);
            const started = Date.now();
            const more = await settle(
                Promise.all(Array.from({ length: 20 }, (_, i) => rejection(client.queryAgentInstanceStatus(`j${i}`)))),
                clock,
            );
            client.close();
            for (const e of more) expect((e as ZegoApiError).code).to.equal(Code.InstanceNotFound);
            // Old code: no answer but code 0 counted, so the rate stayed at `low` (20 polls ≥ 20/low s).
            expect(client.pacingRate("QueryAgentInstanceStatus"), `from ${low.toFixed(2)}/s`).to.be.greaterThan(low + 3);
            expect(Date.now() - started, "the 20 polls went faster than at the low rate").to.be.lessThan((20 / low) * 1000 * 0.8);
        });
    });
});

describe("client: throttle deadline and retry budget", () => {
    const ctx = peerOnFakeTime(NOW);

    it("retries a throttled create past maxAttempts until it goes through (old code: gave up after 6 attempts)", async () => {
        const throttled = Array.from({ length: 12 }, () => ({ status: 429, body: "" }));
        ctx.peer.script(...throttled, ok({ AgentInstanceId: "inst-1" }));
        const { client } = makeClient(ctx.peer);
        const request = {
            agentId: "a",
            userId: "u",
            rtc: { roomId: "r", agentUserId: "au", agentStreamId: "as", userStreamId: "us" },
        };
        const result = await settle(client.createAgentInstance(request), ctx.clock);
        client.close();
        expect(result.agentInstanceId).to.equal("inst-1");
        expect(ctx.peer.received).to.have.length(13);
        expect(client.stats.throttled).to.equal(12);
    });

    it("gives up at the throttle deadline, saying how long, how many 429s and what to set", async () => {
        ctx.peer.fallback = { status: 429, body: "" };
        const { client } = makeClient(ctx.peer, { retry: { throttleDeadlineMs: 30_000 } });
        const err = (await rejection(settle(client.unregisterAgent("a"), ctx.clock))) as ZegoApiError;
        client.close();
        // No retry is scheduled past the deadline; the last one's pacing gap (at most 1 / 0.5 per s
        // + 20% jitter) may end after it.
        expect(Date.now() - NOW).to.be.at.most(30_000 + 2_400);
        expect(ctx.peer.received.length).to.be.greaterThan(6);
        expect(err.httpStatus).to.equal(429);
        expect(err.attempts).to.equal(ctx.peer.received.length);
        expect(err.message).to.match(
            new RegExp(`Gave up after [\\d.]+ s and ${ctx.peer.received.length} attempts, ${ctx.peer.received.length} of them throttled`),
        );
        expect(err.message)
            .to.include("retry.throttleDeadlineMs is 30000")
            .and.include("zego:throttleDeadlineSeconds")
            .and.include("run fewer stacks or programs at once");
    });

    it("with no setting, the deadline is 300 s (zego:throttleDeadlineSeconds' default)", async () => {
        ctx.peer.fallback = { status: 429, body: "" };
        const { client } = makeClient(ctx.peer);
        const err = (await rejection(settle(client.unregisterAgent("a"), ctx.clock))) as ZegoApiError;
        client.close();
        expect(Date.now() - NOW).to.be.within(300_000 - 2_400, 300_000 + 2_400);
        expect(err.message).to.include("retry.throttleDeadlineMs is 300000");
    });

    it("throttled attempts do not count toward maxAttempts for other failures", async () => {
        ctx.peer.script({ status: 429, body: "" }, { status: 429, body: "" }, { status: 503, body: "" }, { status: 503, body: "" });
        ctx.peer.fallback = { status: 503, body: "" };
        const { client } = makeClient(ctx.peer, { retry: { maxAttempts: 3 } });
        const err = (await rejection(settle(client.unregisterAgent("a"), ctx.clock))) as ZegoApiError;
        client.close();
        expect(ctx.peer.received).to.have.length(5);
        expect(err.message).to.include("Gave up after 5 attempts (retry.maxAttempts is 3; the 2 throttled attempts did not count)");
    });

    it("an outage spends the retry budget, after which calls fail without retrying; throttling costs nothing", async () => {
        const { client } = makeClient(ctx.peer, { retryBudget: { capacity: 12, retryCost: 5 } });
        // Throttling: free.
        ctx.peer.script({ status: 429, body: "" }, { status: 429, body: "" }, ok());
        await settle(client.unregisterAgent("a"), ctx.clock);
        expect(client.retryBudgetTokens).to.equal(12);
        // An outage: two retries (10 tokens), then the budget cannot pay for a third.
        ctx.peer.fallback = { status: 503, body: "" };
        const first = (await rejection(settle(client.unregisterAgent("b"), ctx.clock))) as ZegoApiError;
        expect(ctx.peer.received).to.have.length(3 + 3);
        expect(first.message).to.include("Gave up after 3 attempts: the client's retry budget is spent (2 of 12 tokens left");
        const second = (await rejection(settle(client.unregisterAgent("c"), ctx.clock))) as ZegoApiError;
        expect(ctx.peer.received, "no retry at all now").to.have.length(3 + 3 + 1);
        expect(second.attempts).to.equal(1);
        expect(second.message).to.include("ZEGO looks unavailable");
        // Successes earn it back: 1 token each, the cost of the retry that led to one.
        ctx.peer.fallback = ok();
        for (let i = 0; i < 3; i++) await settle(client.unregisterAgent(`d${i}`), ctx.clock);
        expect(client.retryBudgetTokens).to.equal(5);
        ctx.peer.script({ status: 503, body: "" });
        await settle(client.unregisterAgent("e"), ctx.clock);
        expect(client.retryBudgetTokens, "paid 5, got 5 back").to.equal(5);
        client.close();
    });

    it("retryBudget: false retries an outage up to maxAttempts every time", async () => {
        ctx.peer.fallback = { status: 503, body: "" };
        const { client } = makeClient(ctx.peer, { retryBudget: false, retry: { maxAttempts: 3 } });
        for (const id of ["a", "b", "c", "d", "e"]) await rejection(settle(client.unregisterAgent(id), ctx.clock));
        client.close();
        expect(ctx.peer.received).to.have.length(15);
        expect(client.retryBudgetTokens).to.equal(undefined);
    });

    it("the budget unit: withdraw what it can pay, refund at most to capacity", () => {
        const budget = new RetryBudget({ capacity: 12, retryCost: 5, timeoutCost: 10 });
        expect(budget.withdraw(true)).to.equal(10);
        expect(budget.withdraw(false)).to.equal(undefined);
        expect(budget.tokens).to.equal(2);
        budget.refund(10);
        budget.refund(10);
        expect(budget.tokens).to.equal(12);
    });
});

describe("provider setting zego:throttleDeadlineSeconds", () => {
    it("reaches the connection from stack config or the environment; a bad value names where it was set and the range", () => {
        const env: Record<string, string> = { ZEGO_APP_ID: "1234", ZEGO_SERVER_SECRET: "0123456789abcdef0123456789abcdef" };
        const settings = new Settings(env);
        const requireConnection = () => settings.requireConnection();
        expect(requireConnection().throttleDeadlineSeconds).to.equal(undefined);
        env.ZEGO_THROTTLE_DEADLINE_SECONDS = "45";
        expect(requireConnection().throttleDeadlineSeconds).to.equal(45);
        settings.configure({ get: (key) => (key === "zego:throttleDeadlineSeconds" ? "600" : undefined) });
        expect(requireConnection().throttleDeadlineSeconds, "stack config first").to.equal(600);
        for (const bad of ["0", "abc", "90000"]) {
            settings.configure({ get: (key) => (key === "zego:throttleDeadlineSeconds" ? bad : undefined) });
            expect(() => requireConnection()).to.throw(
                SettingsError,
                `stack config "zego:throttleDeadlineSeconds" must be an integer from 1 to 86400 (seconds); got "${bad}"`,
            );
        }
    });
});
