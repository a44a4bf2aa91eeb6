import { expect } from "chai";
import sinon from "sinon";
import { PACING_MARGIN, RateLimiter } from "../../../provider/client/rateLimiter";
import { eventsOf, makeClient, settle } from "./helpers";
import { ScriptedPeer } from "./peer";

const NOW = 1_700_000_000_000;

describe("client: pacing", () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => (clock = sinon.useFakeTimers({ now: NOW, toFake: ["setTimeout", "clearTimeout", "Date"] })));
    afterEach(() => clock.restore());

    /** Starts `n` acquisitions of `key` and records (fake) when each is granted. */
    function acquireMany(limiter: RateLimiter, key: string, n: number, grants: number[]): Promise<void[]> {
        return Promise.all(Array.from({ length: n }, () => limiter.acquire(key).then(() => void grants.push(Date.now() - NOW))));
    }

    /** Most grants in any window [t, t + windowMs). */
    const busiest = (grants: number[], windowMs: number) =>
        Math.max(...grants.map((t) => grants.filter((g) => g >= t && g < t + windowMs).length));

    it("lets a burst of `rate` through at once, then no more than `rate` per second plus the 5% margin", async () => {
        const limiter = new RateLimiter(10);
        expect(PACING_MARGIN).to.equal(0.05);
        expect(limiter.windowMs).to.equal(1050);
        const grants: number[] = [];
        const all = acquireMany(limiter, "CreateAgentInstance", 25, grants);
        await clock.runAllAsync();
        await all;
        expect(grants.slice(0, 10)).to.deep.equal(Array(10).fill(0));
        expect(grants.slice(10, 20)).to.deep.equal(Array(10).fill(1050));
        expect(grants.slice(20)).to.deep.equal(Array(5).fill(2100));
        // The property a server counting "10 per second" checks, with 50 ms to spare:
        expect(busiest(grants, 1000)).to.equal(10);
        expect(busiest(grants, 1050)).to.equal(10);
    });

    it("paces exactly at the rate with a margin of 0", async () => {
        const limiter = new RateLimiter(10, undefined, 0);
        expect(limiter.windowMs).to.equal(1000);
        const grants: number[] = [];
        const all = acquireMany(limiter, "a", 25, grants);
        await clock.runAllAsync();
        await all;
        expect(grants).to.deep.equal([...Array(10).fill(0), ...Array(10).fill(1000), ...Array(5).fill(2000)]);
        expect(busiest(grants, 1000)).to.equal(10);
    });

    it("sizes windows as the period plus the margin, in whole ms, and rejects a bad margin", () => {
        expect(new RateLimiter(1).windowMs).to.equal(1050);
        expect(new RateLimiter(2.5).windowMs).to.equal(840);
        expect(new RateLimiter(0.5).windowMs).to.equal(2100);
        expect(new RateLimiter(10, undefined, 0.1).windowMs).to.equal(1100);
        expect(new RateLimiter(0).windowMs).to.equal(undefined);
        for (const margin of [-0.01, NaN, Infinity]) expect(() => new RateLimiter(10, undefined, margin)).to.throw(RangeError, /margin/);
    });

    describe("against a server counting fixed one-second windows at arrival", () => {
        /** mulberry32, so the jitter is the same on every run. */
        function prng(seed: number): () => number {
            let a = seed >>> 0;
            return () => {
                a = (a + 0x6d2b79f5) >>> 0;
                let t = Math.imul(a ^ (a >>> 15), a | 1);
                t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
                return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
            };
        }

        /**
         * Paces 50 calls at 10/s, delays each by 30 ms ± `jitterMs` (whole ms, seeded), and returns
         * the most a server would count in one of its fixed windows, over every phase of its clock.
         */
        async function mostInOneServerWindow(margin: number, seed: number, jitterMs: number): Promise<number> {
            const limiter = new RateLimiter(10, undefined, margin);
            const grants: number[] = [];
            const all = acquireMany(limiter, "DeleteAgentInstance", 50, grants);
            await clock.runAllAsync();
            await all;
            const random = prng(seed);
            const arrivals = grants.map((g) => g + 30 + Math.floor(random() * (2 * jitterMs + 1)) - jitterMs);
            let most = 0;
            for (let phase = 0; phase < 1000; phase++) {
                const counts = new Map<number, number>();
                for (const a of arrivals) {
                    const window = Math.floor((a + phase) / 1000);
                    counts.set(window, (counts.get(window) ?? 0) + 1);
                }
                most = Math.max(most, ...counts.values());
            }
            return most;
        }

        it("without a margin, latency jitter lets more than 10 calls into one server window (what the benchmark saw)", async () => {
            // Call k + 10 leaves exactly 1000 ms after call k; when it travels faster, they arrive
            // less than 1000 ms apart, and some phase of the server's clock counts both in one window.
            for (let seed = 1; seed <= 10; seed++) expect(await mostInOneServerWindow(0, seed, 20), `seed ${seed}`).to.be.above(10);
            // Even 1 ms of jitter does it.
            expect(await mostInOneServerWindow(0, 1, 1)).to.be.above(10);
        });

        it("with the margin, 30 ms ± 20 ms of latency never puts more than 10 into one server window", async () => {
            for (let seed = 1; seed <= 10; seed++)
                expect(await mostInOneServerWindow(PACING_MARGIN, seed, 20), `seed ${seed}`).to.equal(10);
        });
    });

    it("keeps actions apart: one busy action does not slow another", async () => {
        const limiter = new RateLimiter(10);
        const busy: number[] = [];
        const other: number[] = [];
        const a = acquireMany(limiter, "QueryAgentInstanceStatus", 30, busy);
        const b = acquireMany(limiter, "DeleteAgentInstance", 3, other);
        await clock.runAllAsync();
        await Promise.all([a, b]);
        expect(other).to.deep.equal([0, 0, 0]);
        expect(Math.max(...busy)).to.equal(2100);
    });

    it("serves waiters first come, first served", async () => {
        const limiter = new RateLimiter(1);
        const order: number[] = [];
        const all = Promise.all([1, 2, 3, 4].map((i) => limiter.acquire("a").then(() => void order.push(i))));
        await clock.runAllAsync();
        await all;
        expect(order).to.deep.equal([1, 2, 3, 4]);
        expect(Date.now() - NOW).to.equal(3150);
    });

    it("handles fractional rates", async () => {
        const limiter = new RateLimiter(0.5);
        const grants: number[] = [];
        const all = acquireMany(limiter, "a", 3, grants);
        await clock.runAllAsync();
        await all;
        expect(grants).to.deep.equal([0, 2100, 4200]);
    });

    it("is off at 0 and Infinity", async () => {
        for (const rate of [0, Infinity]) {
            const limiter = new RateLimiter(rate);
            expect(limiter.enabled).to.equal(false);
            const grants: number[] = [];
            await acquireMany(limiter, "a", 100, grants);
            expect(clock.countTimers()).to.equal(0);
            expect(new Set(grants)).to.deep.equal(new Set([0]));
        }
    });

    describe("in the client", () => {
        let peer: ScriptedPeer;
        beforeEach(async () => (peer = await ScriptedPeer.start()));
        afterEach(async () => peer.stop());

        it("takes 1.05 s of (fake) time for 11 calls to one action at 10/s", async () => {
            peer.fallback = { body: { Code: 0, Message: "Succeed", RequestId: "r", Data: { Status: "IDLE" } } };
            const { client, events } = makeClient(peer);
            const calls = Promise.all(Array.from({ length: 11 }, (_, i) => client.queryAgentInstanceStatus(`i-${i}`)));
            await settle(calls, clock);
            client.close();
            // When each attempt was let through (fake time only moves while the limiter waits).
            const sentAt = eventsOf(events, "request").map((e) => e.at - NOW);
            expect(sentAt).to.deep.equal([...Array(10).fill(0), 1050]);
            expect(peer.received).to.have.length(11);
            expect(Date.now() - NOW).to.be.at.least(1050);
        });

        it("does not let two actions slow each other", async () => {
            peer.fallback = { body: { Code: 0, Message: "Succeed", RequestId: "r", Data: { Round: 1 } } };
            const { client, events } = makeClient(peer);
            const a = Array.from({ length: 10 }, (_, i) => client.interruptAgentInstance(`i-${i}`));
            const b = Array.from({ length: 10 }, (_, i) => client.sendAgentInstanceTts({ agentInstanceId: `i-${i}`, text: "hi" }));
            await settle(Promise.all([...a, ...b]), clock);
            client.close();
            expect(peer.received).to.have.length(20);
            expect(eventsOf(events, "request").map((e) => e.at - NOW)).to.deep.equal(Array(20).fill(0));
            expect(Date.now() - NOW).to.equal(0);
        });

        it("can be turned off", async () => {
            const { client } = makeClient(peer, { maxRequestsPerSecond: 0 });
            await settle(Promise.all(Array.from({ length: 25 }, () => client.unregisterAgent("a"))), clock);
            client.close();
            expect(Date.now()).to.equal(NOW);
            expect(peer.received).to.have.length(25);
        });
    });
});
