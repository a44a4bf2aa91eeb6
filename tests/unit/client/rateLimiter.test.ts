import { expect } from "chai";
import sinon from "sinon";
import { RateLimiter } from "../../../provider/client";
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

    it("lets a burst of `rate` through at once, then no more than `rate` in any one-second window", async () => {
        const limiter = new RateLimiter(10);
        const grants: number[] = [];
        const all = acquireMany(limiter, "CreateAgentInstance", 25, grants);
        await clock.runAllAsync();
        await all;
        expect(grants.slice(0, 10)).to.deep.equal(Array(10).fill(0));
        expect(grants.slice(10, 20)).to.deep.equal(Array(10).fill(1000));
        expect(grants.slice(20)).to.deep.equal(Array(5).fill(2000));
        // The property a server counting "10 per second" checks:
        for (const t of grants) expect(grants.filter((g) => g >= t && g < t + 1000).length).to.be.at.most(10);
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
        expect(Math.max(...busy)).to.equal(2000);
    });

    it("serves waiters first come, first served", async () => {
        const limiter = new RateLimiter(1);
        const order: number[] = [];
        const all = Promise.all([1, 2, 3, 4].map((i) => limiter.acquire("a").then(() => void order.push(i))));
        await clock.runAllAsync();
        await all;
        expect(order).to.deep.equal([1, 2, 3, 4]);
        expect(Date.now() - NOW).to.equal(3000);
    });

    it("handles fractional rates", async () => {
        const limiter = new RateLimiter(0.5);
        const grants: number[] = [];
        const all = acquireMany(limiter, "a", 3, grants);
        await clock.runAllAsync();
        await all;
        expect(grants).to.deep.equal([0, 2000, 4000]);
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

        it("takes at least 1 s of (fake) time for 11 calls to one action at 10/s", async () => {
            peer.fallback = { body: { Code: 0, Message: "Succeed", RequestId: "r", Data: { Status: "IDLE" } } };
            const { client, events } = makeClient(peer);
            const calls = Promise.all(Array.from({ length: 11 }, (_, i) => client.queryAgentInstanceStatus(`i-${i}`)));
            await settle(calls, clock);
            client.close();
            // When each attempt was let through (fake time only moves while the limiter waits).
            const sentAt = eventsOf(events, "request").map((e) => e.at - NOW);
            expect(sentAt).to.deep.equal([...Array(10).fill(0), 1000]);
            expect(peer.received).to.have.length(11);
            expect(Date.now() - NOW).to.be.at.least(1000);
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
