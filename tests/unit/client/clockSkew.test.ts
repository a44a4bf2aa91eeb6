/**
 * 100000004 "signature expired" (issue 10): the AWS SDK's answer to clock skew. The offset is
 * learned from the response's Date header and the request re-sent once with a corrected
 * timestamp; otherwise the call fails at once with the clock explanation (old code: six attempts
 * with the same skewed clock).
 */
import { expect } from "chai";
import { ZegoApiError } from "../../../provider/client";
import { eventsOf, makeClient, peerOnFakeTime, rejection, settle } from "./helpers";
import { ok, zego } from "./peer";
import { must } from "../../must";

const NOW = 1_700_000_000_000;
const MINUTE = 60_000;
/** ZEGO's clock is 11 minutes ahead of the (fake) local one. */
const ZEGO_NOW = NOW + 11 * MINUTE;
const expired = (dateMs?: number) =>
    dateMs === undefined
        ? { ...zego(100000004, "timestamp expired"), sendDate: false }
        : zego(100000004, "timestamp expired", { headers: { Date: new Date(dateMs).toUTCString() } });

describe("client: clock skew", () => {
    const ctx = peerOnFakeTime(NOW);

    it("learns the offset from the Date header, re-sends once at once, and signs every later call corrected", async () => {
        ctx.peer.script(expired(ZEGO_NOW), ok());
        const { client, events } = makeClient(ctx.peer);
        await settle(client.unregisterAgent("a"), ctx.clock);
        expect(ctx.peer.received).to.have.length(2);
        const [first, second] = ctx.peer.received.map((r) => Number(r.params.Timestamp));
        expect(first).to.equal(NOW / 1000);
        expect(second).to.equal(ZEGO_NOW / 1000);
        expect(Date.now(), "no backoff before the corrected re-send").to.equal(NOW);
        expect(client.clockOffsetMs).to.equal(11 * MINUTE);
        expect(eventsOf(events, "clock").map((e) => e.clockOffsetMs)).to.deep.equal([11 * MINUTE]);
        // The next call is right the first time.
        await settle(client.unregisterAgent("b"), ctx.clock);
        client.close();
        expect(ctx.peer.received).to.have.length(3);
        expect(Number(must(ctx.peer.received[2], "ctx.peer.received[2]").params.Timestamp)).to.equal(ZEGO_NOW / 1000);
    });

    it("calls in flight while the offset was learned are re-sent with it too (each once)", async () => {
        ctx.peer.script(expired(ZEGO_NOW), expired(ZEGO_NOW), ok(), ok());
        const { client, events } = makeClient(ctx.peer);
        await settle(Promise.all([client.unregisterAgent("a"), client.unregisterAgent("b")]), ctx.clock);
        client.close();
        expect(ctx.peer.received.map((r) => Number(r.params.Timestamp))).to.deep.equal([NOW, NOW, ZEGO_NOW, ZEGO_NOW].map((t) => t / 1000));
        expect(eventsOf(events, "clock"), "learned once").to.have.length(1);
    });

    it("without a Date header: fails after one attempt, explaining the clock", async () => {
        ctx.peer.fallback = expired();
        const { client } = makeClient(ctx.peer);
        const err = (await rejection(settle(client.unregisterAgent("a"), ctx.clock))) as ZegoApiError;
        client.close();
        expect(ctx.peer.received).to.have.length(1);
        expect(err.code).to.equal(100000004);
        expect(err.message)
            .to.include("check the machine clock")
            .and.include("no Date header")
            .and.include("Fix the clock of the machine making the calls (enable NTP time sync)");
    });

    it("still refused after the correction: fails after exactly two attempts, saying what was corrected", async () => {
        ctx.peer.fallback = expired(ZEGO_NOW);
        const { client } = makeClient(ctx.peer);
        const err = (await rejection(
            settle(
                client.createAgentInstance({
                    agentId: "a",
                    userId: "u",
                    rtc: { roomId: "r", agentUserId: "au", agentStreamId: "as", userStreamId: "us" },
                }),
                ctx.clock,
            ),
        )) as ZegoApiError;
        client.close();
        expect(ctx.peer.received).to.have.length(2);
        expect(err.attempts).to.equal(2);
        expect(err.message)
            .to.include("this machine's clock is 660 s behind ZEGO's")
            .and.include("corrected its timestamps and re-sent once, and ZEGO still refused");
    });

    it("a Date header agreeing with the local clock: no re-send (the clock is not the problem it can fix)", async () => {
        ctx.peer.fallback = () => expired(Date.now());
        const { client } = makeClient(ctx.peer);
        const err = (await rejection(settle(client.unregisterAgent("a"), ctx.clock))) as ZegoApiError;
        client.close();
        expect(ctx.peer.received).to.have.length(1);
        expect(err.message).to.include("already correct for that");
    });
});
