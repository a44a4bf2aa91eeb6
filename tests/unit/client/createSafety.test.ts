import { expect } from "chai";
import sinon from "sinon";
import { CreateAgentInstanceRequest, ZegoApiError } from "../../../provider/client";
import { eventsOf, makeClient, rejection, settle } from "./helpers";
import { ok, refusedUrl, Script, ScriptedPeer, zego } from "./peer";
import { must } from "../../must";

const REQUEST: CreateAgentInstanceRequest = {
    agentId: "agent-1",
    userId: "user_1",
    rtc: { roomId: "room-1", agentStreamId: "agent-stream-1", agentUserId: "agent-user-1", userStreamId: "user-stream-1" },
};
const CREATED = ok({ AgentInstanceId: "1912122918452641792" });

describe("client: never retry an ambiguous create", () => {
    let peer: ScriptedPeer;
    let clock: sinon.SinonFakeTimers;
    beforeEach(async () => {
        peer = await ScriptedPeer.start();
        clock = sinon.useFakeTimers({ now: 1_700_000_000_000, toFake: ["setTimeout", "clearTimeout", "Date"] });
    });
    afterEach(async () => {
        clock.restore();
        await peer.stop();
    });

    const ambiguous: Array<[string, Script]> = [
        ["HTTP 500", { status: 500, body: "oops" }],
        ["HTTP 502", { status: 502, body: "" }],
        ["HTTP 504", { status: 504, body: "" }],
        ["a connection reset after sending", { destroy: true }],
        ["gateway internal error 100000015", zego(100000015)],
        ["system error 410000001", zego(410000001)],
        ["internal call failed 410000009", zego(410000009)],
        ["a 200 that is not JSON", { body: "<html>hello</html>" }],
        ["a 200 without Code", { body: { Data: { AgentInstanceId: "1" } } }],
        ["Code 0 without an AgentInstanceId", ok({})],
    ];
    for (const [what, script] of ambiguous) {
        it(`fails at once, marked ambiguous, on ${what}`, async () => {
            peer.script(script);
            const { client, events } = makeClient(peer);
            const err = (await rejection(settle(client.createAgentInstance(REQUEST), clock))) as ZegoApiError;
            client.close();
            expect(peer.received).to.have.length(1);
            expect(eventsOf(events, "retry")).to.have.length(0);
            expect(err).to.be.instanceOf(ZegoApiError);
            expect(err).to.include({ action: "CreateAgentInstance", ambiguous: true, retryable: false, attempts: 1 });
            expect(err.message).to.match(/^CreateAgentInstance failed: /);
            expect(err.message)
                .to.include("may or may not have been created")
                .and.include("pulumi up")
                .and.include("AgentUserId")
                .and.include("MaxIdleTime (default 120 s)");
        });
    }

    it("fails at once, marked ambiguous, on a timeout", async () => {
        // The attempt timeout runs on real time (an internal Node timer), fake timers or not.
        peer.script({ hang: true });
        const { client } = makeClient(peer, { timeoutMs: 100 });
        const err = (await rejection(client.createAgentInstance(REQUEST))) as ZegoApiError;
        client.close();
        expect(peer.received).to.have.length(1);
        expect(err).to.include({ ambiguous: true, retryable: false, networkCode: "TIMEOUT" });
        expect(err.message).to.include("within 100 ms").and.include("may or may not have been created");
    });

    it("says the same for digital-human instances and explains for agents", async () => {
        peer.script({ status: 504, body: "" }, { status: 504, body: "" });
        const { client } = makeClient(peer);
        const dh = (await rejection(
            settle(client.createDigitalHumanAgentInstance({ ...REQUEST, digitalHuman: { digitalHumanId: "dh-1" } }), clock),
        )) as ZegoApiError;
        expect(dh.message).to.include("CreateDigitalHumanAgentInstance failed: HTTP 504").and.include("may or may not have been created");
        const reg = (await rejection(settle(client.registerAgent({ agentId: "agent-1" }), clock))) as ZegoApiError;
        client.close();
        expect(reg.ambiguous).to.equal(true);
        expect(reg.message).to.include("may or may not have been registered").and.include("410001008");
        expect(peer.received).to.have.length(2);
    });

    const safe: Array<[string, Script]> = [
        ["throttled by HTTP 429", { status: 429, body: "" }],
        ["throttled by code 410001029", zego(410001029)],
        ["HTTP 503", { status: 503, body: "" }],
        // Re-sent once: the Date header shows the (fake) local clock an hour behind (clockSkew.test.ts).
        [
            "signature expired 100000004, with a Date header",
            zego(100000004, "expired", { headers: { Date: new Date(1_700_003_600_000).toUTCString() } }),
        ],
        ["insufficient resources 410000010", zego(410000010)],
    ];
    for (const [what, script] of safe) {
        it(`retries on ${what}, which provably did not take effect`, async () => {
            peer.script(script, CREATED);
            const { client } = makeClient(peer);
            const result = await settle(client.createAgentInstance(REQUEST), clock);
            client.close();
            expect(result).to.deep.equal({ agentInstanceId: "1912122918452641792" });
            expect(peer.actions).to.deep.equal(["CreateAgentInstance", "CreateAgentInstance"]);
        });
    }

    it("retries when the connection was refused (never established)", async () => {
        const url = await refusedUrl();
        const { client, events } = makeClient(url, { retry: { maxAttempts: 3 } });
        const err = (await rejection(settle(client.createAgentInstance(REQUEST), clock))) as ZegoApiError;
        client.close();
        expect(eventsOf(events, "request")).to.have.length(3);
        expect(err).to.include({ networkCode: "ECONNREFUSED", ambiguous: false, retryable: true, attempts: 3 });
        expect(err.message).to.include("ECONNREFUSED: connection refused").and.include("Gave up after 3 attempts");
    });

    it("does not retry a definitive refusal, and does not call it ambiguous", async () => {
        peer.script(zego(410000011, "too many instances"));
        const { client } = makeClient(peer);
        const err = (await rejection(settle(client.createAgentInstance(REQUEST), clock))) as ZegoApiError;
        client.close();
        expect(peer.received).to.have.length(1);
        expect(err).to.include({ code: 410000011, ambiguous: false, retryable: false });
        expect(err.message).not.to.include("may or may not");
    });

    it("opens a fresh connection for every create (no stale pooled socket)", async () => {
        peer.script(ok(), CREATED, CREATED);
        const { client } = makeClient(peer);
        await settle(client.unregisterAgent("warm-up"), clock);
        await settle(client.createAgentInstance(REQUEST), clock);
        await settle(client.createAgentInstance(REQUEST), clock);
        client.close();
        const a = must(peer.received[1], "the second request");
        const b = must(peer.received[2], "the third request");
        expect(a.headers.connection).to.equal("close");
        expect(b.headers.connection).to.equal("close");
        expect(must(peer.received[0], "peer.received[0]").headers.connection).to.equal("keep-alive");
    });
});
