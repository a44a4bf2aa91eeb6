/**
 * RequestOptions.stopSending (a bounded create, lifecycle/timeouts.ts): once it aborts, the call
 * sends nothing more and its waits end (ZegoAbortError, not ambiguous), but a request already in
 * flight runs to its answer, so a create that may have taken effect still returns its id.
 */
import { expect } from "chai";
import { ZegoAbortError, ZegoApiError, ZegoValidationError } from "../../../provider/client";
import { makeClient, peerOnFakeTime, rejection, settle } from "./helpers";
import { ok } from "./peer";

const NOW = 1_700_000_000_000;
const CREATE = { agentId: "a", userId: "u", rtc: { roomId: "r", agentUserId: "au", agentStreamId: "as", userStreamId: "us" } };

describe("client: stopSending", () => {
    const ctx = peerOnFakeTime(NOW);

    it("stopped while the create is in flight: the request is not cut off and its answer (the id) comes back", async () => {
        const stop = new AbortController();
        ctx.peer.script(() => {
            stop.abort(new Error("bound reached"));
            return ok({ AgentInstanceId: "i-1" });
        });
        const { client } = makeClient(ctx.peer);
        const created = await settle(client.createAgentInstance(CREATE, { stopSending: stop.signal }), ctx.clock);
        client.close();
        expect(stop.signal.aborted).to.equal(true);
        expect(created.agentInstanceId).to.equal("i-1");
    });

    it("stopped during a retry wait (503: the create provably had no effect): no further request, not ambiguous", async () => {
        ctx.peer.fallback = { status: 503, body: "" };
        const { client } = makeClient(ctx.peer, { retry: { baseDelayMs: 10_000, maxDelayMs: 10_000 } });
        const stop = new AbortController();
        const call = client.createAgentInstance(CREATE, { stopSending: stop.signal });
        while (ctx.peer.received.length < 1 || ctx.clock.countTimers() === 0) await new Promise((resolve) => setImmediate(resolve));
        stop.abort(new Error("bound reached"));
        const err = (await rejection(call)) as ZegoAbortError;
        client.close();
        expect(err).to.be.instanceOf(ZegoAbortError);
        expect(err).to.include({ phase: "waiting to retry", attempts: 1, ambiguous: false });
        expect((err.reason as Error).message).to.equal("bound reached");
        expect(ctx.peer.received).to.have.length(1);
    });

    it("already stopped: nothing is sent", async () => {
        const { client } = makeClient(ctx.peer);
        const err = (await rejection(client.createAgentInstance(CREATE, { stopSending: AbortSignal.abort("late") }))) as ZegoAbortError;
        client.close();
        expect(err).to.include({ phase: "before sending", attempts: 0, ambiguous: false, reason: "late" });
        expect(ctx.peer.received).to.have.length(0);
    });

    it("an in-flight create's own failure after the stop stays itself (not a cancellation)", async () => {
        const stop = new AbortController();
        ctx.peer.script(() => {
            stop.abort();
            return { status: 500, body: "" };
        });
        const { client } = makeClient(ctx.peer);
        const err = await rejection(settle(client.createAgentInstance(CREATE, { stopSending: stop.signal }), ctx.clock));
        client.close();
        expect(err).to.be.instanceOf(ZegoApiError);
        expect(err).not.to.be.instanceOf(ZegoAbortError);
    });

    it("a stopSending that is not an AbortSignal is refused, naming it", async () => {
        const { client } = makeClient(ctx.peer);
        const err = await rejection(client.createAgentInstance(CREATE, { stopSending: "soon" as never }));
        client.close();
        expect(err).to.be.instanceOf(ZegoValidationError);
        expect(err.message).to.include("options.stopSending must be an AbortSignal");
        expect(ctx.peer.received).to.have.length(0);
    });
});
