import { expect } from "chai";
import { must } from "../../must";
import sinon from "sinon";
import { ZegoApiError } from "../../../provider/client";
import {
    AttemptFailure,
    backoffDelayMs,
    classifyFailure,
    DEFAULT_RETRY_POLICY,
    DEFAULT_THROTTLE_SIGNAL,
    parseRetryAfterMs,
} from "../../../provider/client/retry";
import { ACTION_NAMES, ACTIONS, unsafeToRepeat } from "../../../provider/schema/api";
import { eventsOf, makeClient, rejection, settle } from "./helpers";
import { ok, ScriptedPeer, zego } from "./peer";

const NOW = Date.UTC(2026, 7, 1, 12, 0, 0);

describe("client: retry policy", () => {
    describe("backoff", () => {
        it("uses full jitter under an exponential cap bounded by maxDelayMs", () => {
            const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 200, maxDelayMs: 5000 };
            const top = () => 0.999999;
            expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelayMs(n, policy, top))).to.deep.equal([199, 399, 799, 1599, 3199, 4999, 4999]);
            expect(backoffDelayMs(3, policy, () => 0)).to.equal(0);
            expect(backoffDelayMs(3, policy, () => 0.5)).to.equal(400);
        });

        it("reads Retry-After as seconds or an HTTP date", () => {
            expect(parseRetryAfterMs("3", NOW)).to.equal(3000);
            expect(parseRetryAfterMs(" 0 ", NOW)).to.equal(0);
            expect(parseRetryAfterMs(new Date(NOW + 7000).toUTCString(), NOW)).to.equal(7000);
            expect(parseRetryAfterMs(new Date(NOW - 7000).toUTCString(), NOW)).to.equal(0);
            expect(parseRetryAfterMs("soon", NOW)).to.equal(undefined);
            expect(parseRetryAfterMs(undefined, NOW)).to.equal(undefined);
        });
    });

    describe("classification", () => {
        const verdict = (failure: AttemptFailure, unsafeToRepeat: boolean) =>
            classifyFailure(failure, { unsafeToRepeat, throttle: DEFAULT_THROTTLE_SIGNAL });
        const net = (networkCode: string): AttemptFailure => ({ kind: "network", networkCode });
        const http = (httpStatus: number): AttemptFailure => ({ kind: "http", httpStatus });
        const code = (c: number, httpStatus = 200): AttemptFailure => ({ kind: "zego", code: c, httpStatus });

        it("retries passing failures of actions that are safe to repeat", () => {
            for (const f of [
                net("ECONNREFUSED"),
                net("ECONNRESET"),
                net("ETIMEDOUT"),
                net("EPIPE"),
                net("ENOTFOUND"),
                net("EAI_AGAIN"),
                { kind: "timeout" } as AttemptFailure,
                http(429),
                http(500),
                http(502),
                http(503),
                http(504),
                code(100000015),
                code(410000001),
                code(410000009),
                code(410000010),
                code(410001029),
            ]) {
                expect(verdict(f, false).retry, JSON.stringify(f)).to.equal(true);
            }
        });

        it("does not retry permanent failures", () => {
            for (const f of [
                http(400),
                http(404),
                http(501),
                http(505),
                code(100000005),
                code(410000003),
                code(410001002),
                code(410000011),
                // Not by classification: runWithRetries re-sends it once after a clock correction (clockSkew.test.ts).
                code(100000004),
                net("CERT_HAS_EXPIRED"),
                { kind: "malformed", httpStatus: 200 } as AttemptFailure,
            ]) {
                expect(verdict(f, false).retry, JSON.stringify(f)).to.equal(false);
                expect(verdict(f, true).retry, JSON.stringify(f)).to.equal(false);
            }
        });

        it("retries HTTP 500 without a ZEGO body for actions safe to repeat, still marked ambiguous", () => {
            expect(verdict(http(500), false)).to.deep.equal({ retry: true, ambiguous: true, throttled: false, reason: "HTTP 500" });
            expect(verdict(http(500), true)).to.deep.equal({ retry: false, ambiguous: true, throttled: false, reason: "HTTP 500" });
            // With a ZEGO body, the code decides, as before.
            expect(verdict(code(410000003, 500), false)).to.include({ retry: false, ambiguous: false });
            expect(verdict(code(410000001, 500), false)).to.include({ retry: true, ambiguous: true });
        });

        it("retries an action unsafe to repeat only when it provably did not take effect", () => {
            const safe = [
                net("ECONNREFUSED"),
                net("ENOTFOUND"),
                net("EAI_AGAIN"),
                net("EHOSTUNREACH"),
                net("ENETUNREACH"),
                http(429),
                http(503),
                code(410001029),
                code(410000010),
            ];
            for (const f of safe) {
                const v = verdict(f, true);
                expect(v.retry, JSON.stringify(f)).to.equal(true);
                expect(v.ambiguous, JSON.stringify(f)).to.equal(false);
            }
            const ambiguous = [
                net("ECONNRESET"),
                net("ETIMEDOUT"),
                net("EPIPE"),
                { kind: "timeout" } as AttemptFailure,
                http(500),
                http(502),
                http(504),
                code(100000015),
                code(410000001),
                code(410000009),
                { kind: "malformed", httpStatus: 200 } as AttemptFailure,
            ];
            for (const f of ambiguous) {
                const v = verdict(f, true);
                expect(v.retry, JSON.stringify(f)).to.equal(false);
                expect(v.ambiguous, JSON.stringify(f)).to.equal(true);
            }
        });

        it("treats the creates and SendAgentInstanceLLM/TTS and AddAgentInstanceMsg, and only those, as unsafe to repeat", () => {
            expect(ACTION_NAMES.filter((a) => unsafeToRepeat(ACTIONS[a]))).to.deep.equal([
                "RegisterAgent",
                "CreateAgentInstance",
                "CreateDigitalHumanAgentInstance",
                "CreateLiveDigitalHumanAgentInstance",
                "SendAgentInstanceLLM",
                "SendAgentInstanceTTS",
                "AddAgentInstanceMsg",
            ]);
            // `creates` keeps its own meaning (fresh connection, create advice): the new flag does not imply it.
            expect(ACTION_NAMES.filter((a) => "creates" in ACTIONS[a])).to.deep.equal([
                "RegisterAgent",
                "CreateAgentInstance",
                "CreateDigitalHumanAgentInstance",
                "CreateLiveDigitalHumanAgentInstance",
            ]);
            expect(
                unsafeToRepeat({
                    request: ACTIONS.RegisterAgent.request,
                    response: ACTIONS.RegisterAgent.response,
                    creates: true,
                    repeatable: true,
                }),
            ).to.equal(true);
        });

        it("marks throttled answers, by HTTP status or code, configurably", () => {
            expect(verdict(http(429), false).throttled).to.equal(true);
            expect(verdict(code(410001029), true).throttled).to.equal(true);
            const custom = { unsafeToRepeat: true, throttle: { httpStatuses: [420], codes: [410000003] } };
            expect(classifyFailure(http(420), custom)).to.include({ retry: true, throttled: true });
            expect(classifyFailure(code(410000003), custom)).to.include({ retry: true, throttled: true });
            expect(classifyFailure(code(410001029), custom)).to.include({ throttled: false });
        });
    });

    describe("against a peer, on fake time", () => {
        let peer: ScriptedPeer;
        let clock: sinon.SinonFakeTimers;
        let random: sinon.SinonStub;
        beforeEach(async () => {
            peer = await ScriptedPeer.start();
            clock = sinon.useFakeTimers({ now: NOW, toFake: ["setTimeout", "clearTimeout", "Date"] });
            random = sinon.stub(Math, "random").returns(0.5);
        });
        afterEach(async () => {
            random.restore();
            clock.restore();
            await peer.stop();
        });

        it("backs off exponentially with jitter between attempts, then succeeds", async () => {
            peer.script(zego(410000001), { status: 502, body: "bad gateway" }, { destroy: true }, zego(100000015), ok({ Round: 7 }));
            const { client, events } = makeClient(peer);
            const result = await settle(client.interruptAgentInstance("i-1"), clock);
            client.close();
            expect(result).to.deep.equal({ round: 7 });
            // random() = 0.5 → half of 200, 400, 800, 1600.
            expect(eventsOf(events, "retry").map((e) => e.delayMs)).to.deep.equal([100, 200, 400, 800]);
            expect(eventsOf(events, "retry").map((e) => e.reason)).to.deep.equal([
                "ZEGO code 410000001",
                "HTTP 502",
                "ECONNRESET",
                "ZEGO code 100000015",
            ]);
            const at = peer.received.map((r) => r.receivedAt - NOW);
            expect(at).to.deep.equal([0, 100, 300, 700, 1500]);
            expect(client.stats).to.deep.equal({ requests: 5, retries: 4, throttled: 0 });
        });

        it("stops after maxAttempts with the last failure, and says why", async () => {
            peer.fallback = zego(410000009, "internal call failed");
            const { client } = makeClient(peer, { retry: { maxAttempts: 3 } });
            const err = (await rejection(settle(client.unregisterAgent("a"), clock))) as ZegoApiError;
            client.close();
            expect(peer.received).to.have.length(3);
            expect(err).to.be.instanceOf(ZegoApiError);
            expect(err).to.include({ code: 410000009, attempts: 3, retryable: true });
            expect(err.message).to.include(
                "UnregisterAgent failed: ZEGO code 410000009 (Internal service call failed): internal call failed",
            );
            expect(err.message).to.include("Gave up after 3 attempts (retry.maxAttempts is 3)");
        });

        it("never sleeps past the deadline", async () => {
            random.returns(0.999999);
            peer.fallback = { status: 503, body: "" };
            // Waits would be 199, 399, 799, 1599: the fourth would end at 2996 ms > 2500.
            const { client, events } = makeClient(peer, { retry: { maxAttempts: 10, deadlineMs: 2500 } });
            const err = (await rejection(settle(client.unregisterAgent("a"), clock))) as ZegoApiError;
            client.close();
            expect(eventsOf(events, "retry").map((e) => e.delayMs)).to.deep.equal([199, 399, 799]);
            expect(peer.received).to.have.length(4);
            expect(Date.now() - NOW).to.be.at.most(2500);
            expect(err.httpStatus).to.equal(503);
            expect(err.message).to.include("would pass the retry deadline (retry.deadlineMs is 2500)");
        });

        it("honours Retry-After in seconds and as an HTTP date", async () => {
            peer.script(
                { status: 429, headers: { "Retry-After": "2" }, body: "" },
                () => ({ status: 503, headers: { "Retry-After": new Date(Date.now() + 4000).toUTCString() }, body: "" }),
                ok(),
            );
            const { client, events } = makeClient(peer);
            await settle(client.unregisterAgent("a"), clock);
            client.close();
            expect(eventsOf(events, "retry").map((e) => e.delayMs)).to.deep.equal([2000, 4000]);
            expect(peer.received.map((r) => r.receivedAt - NOW)).to.deep.equal([0, 2000, 6000]);
            expect(eventsOf(events, "throttled")).to.have.length(1);
            expect(client.stats).to.deep.equal({ requests: 3, retries: 2, throttled: 1 });
        });

        it("fails at once when Retry-After reaches past the deadline", async () => {
            peer.script({ status: 503, headers: { "Retry-After": "120" }, body: "" });
            const { client, events } = makeClient(peer, { retry: { deadlineMs: 60000 } });
            const err = (await rejection(settle(client.unregisterAgent("a"), clock))) as ZegoApiError;
            client.close();
            expect(peer.received).to.have.length(1);
            expect(Date.now()).to.equal(NOW);
            expect(eventsOf(events, "retry")).to.have.length(0);
            expect(err.message).to.include("ZEGO asked to retry after 120 s (Retry-After)").and.include("retry deadline");
        });

        it("retries throttled answers (code 410001029) and counts them", async () => {
            peer.script(zego(410001029), zego(410001029), ok());
            const { client, events } = makeClient(peer);
            await settle(client.unregisterAgent("a"), clock);
            client.close();
            expect(client.stats).to.deep.equal({ requests: 3, retries: 2, throttled: 2 });
            expect(eventsOf(events, "throttled").map((e) => e.code)).to.deep.equal([410001029, 410001029]);
        });

        it("a throttled retry waits for the adaptive rate's next slot, not a backoff of its own (pacing: false backs off)", async () => {
            const throttled = { status: 429, body: "" };
            peer.script(throttled, throttled, throttled, ok());
            const { client, events } = makeClient(peer);
            await settle(client.unregisterAgent("a"), clock);
            client.close();
            expect(eventsOf(events, "retry").map((e) => e.delayMs)).to.deep.equal([0, 0, 0]);
            const pacedAt = eventsOf(events, "retry").map((e) => must(e.pacedAtPerSecond, "pacedAtPerSecond"));
            [7, 4.9, 3.43].forEach((rate, i) => expect(pacedAt[i]).to.be.closeTo(rate, 1e-9));
            // Each throttle cuts the rate by 0.7 (10 → 7 → 4.9 → 3.43 per s); random() = 0.5 means no jitter.
            const at = peer.received.map((r) => r.receivedAt - NOW);
            const gaps = at.slice(1).map((t, i) => t - must(at[i], "at[i]"));
            [1000 / 7, 1000 / 4.9, 1000 / 3.43].forEach((gap, i) => expect(gaps[i]).to.be.closeTo(gap, 1.5));

            peer.received.length = 0;
            peer.script(throttled, throttled, throttled, ok());
            const off = makeClient(peer, { pacing: false });
            await settle(off.client.unregisterAgent("b"), clock);
            off.client.close();
            // No adaptive rate: full-jitter backoff, half of 200, 400, 800.
            expect(eventsOf(off.events, "retry").map((e) => e.delayMs)).to.deep.equal([100, 200, 400]);
            expect(eventsOf(off.events, "retry").map((e) => e.pacedAtPerSecond)).to.deep.equal([undefined, undefined, undefined]);
        });

        it("sends one attempt when retries are off", async () => {
            peer.fallback = { status: 503, body: "" };
            const { client } = makeClient(peer, { retry: false });
            const err = (await rejection(settle(client.unregisterAgent("a"), clock))) as ZegoApiError;
            client.close();
            expect(peer.received).to.have.length(1);
            expect(err.message).to.include("Gave up after 1 attempt (retry.maxAttempts is 1)");
        });
    });
});
