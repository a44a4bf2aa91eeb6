/**
 * The client as a library (issue 15): an AbortSignal cancels pacing waits, retry waits and the
 * request in flight; close() cancels calls in progress; per-request timeoutMs; wrong input types
 * are ZegoValidationErrors naming the argument; an oversized response is reported as that.
 */
import { expect } from "chai";
import sinon from "sinon";
import { ZegoAbortError, ZegoApiError, ZegoClient, ZegoValidationError } from "../../../provider/client";
import { MAX_RESPONSE_BYTES } from "../../../provider/client/transport";
import { makeClient, peerOnFakeTime, rejection, settle } from "./helpers";
import { ok, ScriptedPeer } from "./peer";
import { must } from "../../must";

const NOW = 1_700_000_000_000;

describe("client: cancellation and per-request options", () => {
    const ctx = peerOnFakeTime(NOW);

    it("an already aborted signal: nothing is sent", async () => {
        const { client } = makeClient(ctx.peer);
        const err = (await rejection(client.unregisterAgent("a", { signal: AbortSignal.abort("stop") }))) as ZegoAbortError;
        client.close();
        expect(err).to.be.instanceOf(ZegoAbortError);
        expect(err).to.include({ action: "UnregisterAgent", phase: "before sending", attempts: 0, ambiguous: false, reason: "stop" });
        expect(err.message).to.include("nothing was sent");
        expect(ctx.peer.received).to.have.length(0);
    });

    it("aborting during a retry wait ends the call at once, with no timer left and no further request", async () => {
        ctx.peer.fallback = { status: 503, body: "" };
        const { client } = makeClient(ctx.peer, { retry: { baseDelayMs: 10_000, maxDelayMs: 10_000 } });
        const controller = new AbortController();
        const call = client.unregisterAgent("a", { signal: controller.signal });
        while (ctx.peer.received.length < 1 || ctx.clock.countTimers() === 0) await new Promise((resolve) => setImmediate(resolve));
        controller.abort(new Error("user cancelled"));
        const err = (await rejection(call)) as ZegoAbortError;
        client.close();
        expect(err).to.include({ phase: "waiting to retry", attempts: 1, ambiguous: false });
        expect((err.reason as Error).message).to.equal("user cancelled");
        expect(ctx.clock.countTimers(), "the backoff timer was cleared").to.equal(0);
        expect(Date.now()).to.equal(NOW);
        expect(ctx.peer.received).to.have.length(1);
    });

    it("aborting while waiting for pacing frees the slot: nothing of that call is sent", async () => {
        const { client } = makeClient(ctx.peer, { maxRequestsPerSecond: 1 });
        const controller = new AbortController();
        const first = client.unregisterAgent("a");
        const second = client.unregisterAgent("b", { signal: controller.signal });
        const third = client.unregisterAgent("c");
        // Real I/O only: the clock stays put, so "b" is still waiting for its token.
        await first;
        controller.abort();
        const err = (await rejection(second)) as ZegoAbortError;
        expect(err).to.include({ phase: "waiting for pacing", attempts: 0 });
        await settle(third, ctx.clock);
        client.close();
        expect(ctx.peer.received.map((r) => (r.body as { AgentId: string }).AgentId)).to.deep.equal(["a", "c"]);
        expect(Date.now() - NOW, "c took the freed token").to.equal(1050);
    });

    it("aborting a request in flight: ambiguous for a create, and the call ends without waiting for an answer", async () => {
        ctx.peer.script({ hang: true });
        const { client } = makeClient(ctx.peer);
        const controller = new AbortController();
        const call = client.createAgentInstance(
            { agentId: "a", userId: "u", rtc: { roomId: "r", agentUserId: "au", agentStreamId: "as", userStreamId: "us" } },
            { signal: controller.signal },
        );
        while (ctx.peer.received.length < 1) await new Promise((resolve) => setImmediate(resolve));
        controller.abort();
        const err = (await rejection(call)) as ZegoAbortError;
        client.close();
        expect(err).to.include({ action: "CreateAgentInstance", phase: "in flight", attempts: 1, ambiguous: true });
        expect(err.message).to.include("may or may not have taken effect");
        expect(ctx.peer.received).to.have.length(1);
    });

    it("close() cancels a hanging call (old code: it hung until timeoutMs); the client stays usable", async () => {
        ctx.peer.script({ hang: true });
        const { client } = makeClient(ctx.peer, { timeoutMs: 600_000 });
        const call = client.queryAgentInstanceStatus("i-1");
        while (ctx.peer.received.length < 1) await new Promise((resolve) => setImmediate(resolve));
        client.close();
        const err = (await rejection(call)) as ZegoAbortError;
        expect(err).to.be.instanceOf(ZegoAbortError);
        expect(err.message).to.include("the client was closed");
        ctx.peer.script(ok({ Status: "IDLE" }));
        expect(await settle(client.queryAgentInstanceStatus("i-1"), ctx.clock)).to.deep.equal({ status: "IDLE" });
        client.close();
    });

    it("timeoutMs per request overrides the client's", async () => {
        ctx.clock.restore(); // the attempt timer is Node's own (AbortSignal.timeout)
        ctx.peer.script({ hang: true });
        const { client } = makeClient(ctx.peer, { timeoutMs: 600_000, retry: false });
        const err = (await rejection(client.unregisterAgent("a", { timeoutMs: 50 }))) as ZegoApiError;
        client.close();
        expect(err).to.be.instanceOf(ZegoApiError);
        expect(err.message).to.include("within 50 ms (TIMEOUT: the timeoutMs option)");
        ctx.clock = sinon.useFakeTimers({ now: NOW, toFake: ["setTimeout", "clearTimeout", "Date"] });
    });

    it("bad request options: a ZegoValidationError naming the option, nothing sent", async () => {
        const { client } = makeClient(ctx.peer);
        const cases: Array<[unknown, string]> = [
            ["fast", "options"],
            [{ signal: "yes" }, "options.signal"],
            [{ timeoutMs: 0 }, "options.timeoutMs"],
            [{ timeoutMs: "5" }, "options.timeoutMs"],
            [{ timout: 5 }, "options.timout"],
        ];
        for (const [options, property] of cases) {
            const err = (await rejection(client.unregisterAgent("a", options as never))) as ZegoValidationError;
            expect(err, JSON.stringify(options)).to.be.instanceOf(ZegoValidationError);
            expect(must(err.failures[0], "err.failures[0]").property).to.equal(property);
            expect(err.message).to.include(property);
        }
        client.close();
        expect(ctx.peer.received).to.have.length(0);
    });
});

describe("client: wrong input types", () => {
    let peer: ScriptedPeer;
    let client: ZegoClient;
    beforeEach(async () => {
        peer = await ScriptedPeer.start();
        client = makeClient(peer).client;
    });
    afterEach(async () => {
        client.close();
        await peer.stop();
    });

    it("queryAgents(undefined) (old code: TypeError) and other non-lists name agentIds", async () => {
        for (const given of [undefined, null, "agent-1", 5, { length: 2 }]) {
            const err = (await rejection(client.queryAgents(given as never))) as ZegoValidationError;
            expect(err, String(given)).to.be.instanceOf(ZegoValidationError);
            expect(must(err.failures[0], "err.failures[0]").property).to.equal("agentIds");
            expect(err.message).to.include("agentIds must be a list of agent ids");
        }
        expect(peer.received).to.have.length(0);
    });

    it("a self-referencing body (old code: stack overflow) names the property that loops", async () => {
        const agent: Record<string, unknown> = { agentId: "a", llm: { url: "https://x", model: "m" } };
        (agent.llm as Record<string, unknown>).params = agent;
        let err = (await rejection(client.registerAgent(agent as never))) as ZegoValidationError;
        expect(err).to.be.instanceOf(ZegoValidationError);
        expect(must(err.failures[0], "err.failures[0]").property).to.equal("llm.params");
        const messages: unknown[] = [{ role: "user", content: "hi" }];
        messages.push(messages);
        err = (await rejection(client.addAgentInstanceMsg({ agentInstanceId: "i", messages: messages as never }))) as ZegoValidationError;
        expect(must(err.failures[0], "err.failures[0]").property).to.equal("messages[1]");
        expect(err.message).to.include("refers back to an object that contains it");
        expect(peer.received).to.have.length(0);
    });

    it("a shared (not looping) object is no cycle: it is sent", () => {
        const shared = { role: "user", content: "hi" };
        return client.addAgentInstanceMsg({ agentInstanceId: "i", messages: [shared, shared] as never }).then(() => {
            expect(peer.received).to.have.length(1);
        });
    });

    it("ids of the wrong type name the field", async () => {
        for (const call of [() => client.unregisterAgent(undefined as never), () => client.queryAgentInstanceStatus(42 as never)]) {
            const err = await rejection(call());
            expect(err).to.be.instanceOf(ZegoValidationError);
            expect(err.message).to.match(/agentId|agentInstanceId/i);
        }
        expect(peer.received).to.have.length(0);
    });
});

describe("client: a response over the size cap", () => {
    it("is reported as too large (old code: 'no response'), not retried, and marked ambiguous", async () => {
        const peer = await ScriptedPeer.start();
        peer.script({ body: "x".repeat(MAX_RESPONSE_BYTES + 1), headers: { "Content-Type": "application/json" } });
        const { client } = makeClient(peer);
        const err = (await rejection(client.unregisterAgent("a"))) as ZegoApiError;
        client.close();
        await peer.stop();
        expect(err.message)
            .to.include(`was larger than ${MAX_RESPONSE_BYTES} bytes (the client's cap on response size)`)
            .and.not.include("no response");
        expect(err).to.include({ ambiguous: true, retryable: false, attempts: 1 });
        expect(peer.received).to.have.length(1);
    });
});
