/**
 * Which actions are repeated after a failure that may have taken effect: those safe to repeat are
 * (HTTP 500 included), those that would do the work twice (SendAgentInstanceLLM/TTS,
 * AddAgentInstanceMsg; the creates are in createSafety.test.ts) are not.
 */
import { expect } from "chai";
import sinon from "sinon";
import { Code, isZegoApiError, ZegoApiError, ZegoClient } from "../../../provider/client";
import { ACTION_NAMES, ACTIONS, ActionName, unsafeToRepeat } from "../../../provider/schema/api";
import { eventsOf, makeClient, rejection, settle } from "./helpers";
import { ok, refusedUrl, Script, ScriptedPeer, zego } from "./peer";
import { must } from "../../must";

type Call = (client: ZegoClient) => Promise<unknown>;

/** One call per action that is safe to repeat, with a success answer for it. */
const SAFE: Array<[ActionName, Call, Script]> = [
    ["UpdateAgent", (c) => c.updateAgent({ agentId: "a" }), ok()],
    ["UnregisterAgent", (c) => c.unregisterAgent("a"), ok()],
    ["QueryAgents", (c) => c.queryAgents(["a"]), ok({ Agents: [] })],
    ["ListAgents", (c) => c.listAgents(), ok({ Total: 0, Agents: [], Cursor: "" })],
    ["UpdateAgentInstance", (c) => c.updateAgentInstance({ agentInstanceId: "9", rtc: { userStreamId: "s" } }), ok()],
    ["DeleteAgentInstance", (c) => c.deleteAgentInstance({ agentInstanceId: "9" }), ok()],
    ["QueryAgentInstanceStatus", (c) => c.queryAgentInstanceStatus("9"), ok({ Status: "IDLE" })],
    ["InterruptAgentInstance", (c) => c.interruptAgentInstance("9"), ok({ Round: 1 })],
    ["GetAgentInstanceMsgList", (c) => c.getAgentInstanceMsgList("9"), ok({ Total: 0, MessageList: [] })],
    ["ResetAgentInstanceMsgList", (c) => c.resetAgentInstanceMsgList("9"), ok()],
    ["StartListening", (c) => c.startListening({ agentInstanceId: "9", sequence: 1 }), ok({ Round: 1 })],
    ["StopListening", (c) => c.stopListening({ agentInstanceId: "9", sequence: 2 }), ok({ Round: 1 })],
];

/** The actions that are unsafe to repeat but create nothing. */
const UNSAFE: Array<[ActionName, Call, string]> = [
    [
        "SendAgentInstanceLLM",
        (c) => c.sendAgentInstanceLlm({ agentInstanceId: "9", text: "hi" }),
        "The SendAgentInstanceLLM request may or may not have taken effect, so it was not retried (a retry could make the agent say it twice)",
    ],
    [
        "SendAgentInstanceTTS",
        (c) => c.sendAgentInstanceTts({ agentInstanceId: "9", text: "hi" }),
        "The SendAgentInstanceTTS request may or may not have taken effect, so it was not retried (a retry could make the agent say it twice)",
    ],
    [
        "AddAgentInstanceMsg",
        (c) => c.addAgentInstanceMsg({ agentInstanceId: "9", messages: [{ role: "user", content: "hi" }] }),
        "The messages may or may not have been added, so the request was not retried (a retry could add them twice). GetAgentInstanceMsgList shows what the instance holds",
    ],
];

const AMBIGUOUS: Array<[string, Script]> = [
    ["HTTP 500", { status: 500, body: "oops" }],
    ["HTTP 502", { status: 502, body: "" }],
    ["HTTP 504", { status: 504, body: "" }],
    ["a connection reset after sending", { destroy: true }],
    ["gateway internal error 100000015", zego(100000015)],
    ["system error 410000001", zego(410000001)],
    ["internal call failed 410000009", zego(410000009)],
    ["a 200 that is not JSON", { body: "<html>hello</html>" }],
];

const NOT_APPLIED: Array<[string, Script]> = [
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

describe("client: repeat only what is safe to repeat", () => {
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

    it("the tables cover every action that creates nothing", () => {
        const covered = [...SAFE.map(([a]) => a), ...UNSAFE.map(([a]) => a)].sort();
        expect(covered).to.deep.equal(ACTION_NAMES.filter((a) => !("creates" in ACTIONS[a])).sort());
        for (const [action] of SAFE) expect(unsafeToRepeat(ACTIONS[action]), action).to.equal(false);
        for (const [action] of UNSAFE) expect(unsafeToRepeat(ACTIONS[action]), action).to.equal(true);
    });

    describe("actions safe to repeat", () => {
        for (const [action, call, success] of SAFE) {
            it(`${action}: retries HTTP 500 without a ZEGO body, like 502/504`, async () => {
                peer.script({ status: 500, body: "oops" }, { status: 502, body: "" }, { status: 504, body: "" }, success);
                const { client, events } = makeClient(peer);
                await settle(call(client), clock);
                client.close();
                expect(peer.actions).to.deep.equal(Array(4).fill(action));
                expect(eventsOf(events, "retry").map((e) => e.reason)).to.deep.equal(["HTTP 500", "HTTP 502", "HTTP 504"]);
            });
        }

        it("a delete repeated after a 500 that took effect answers 410001002, which callers treat as gone", async () => {
            peer.script({ status: 500, body: "" }, zego(Code.InstanceNotFound, "instance not found"));
            const { client } = makeClient(peer);
            const err = await rejection(settle(client.deleteAgentInstance({ agentInstanceId: "9" }), clock));
            client.close();
            expect(isZegoApiError(err, Code.InstanceNotFound)).to.equal(true);
            expect(err).to.include({ attempts: 2, ambiguous: false });
        });

        it("stays ambiguous when the retries run out on HTTP 500, with no create advice", async () => {
            peer.fallback = { status: 500, body: "" };
            const { client } = makeClient(peer, { retry: { maxAttempts: 3 } });
            const err = (await rejection(settle(client.deleteAgentInstance({ agentInstanceId: "9" }), clock))) as ZegoApiError;
            client.close();
            expect(peer.received).to.have.length(3);
            expect(err).to.include({ httpStatus: 500, ambiguous: true, retryable: true, attempts: 3 });
            expect(err.message).to.match(/^DeleteAgentInstance failed: HTTP 500 Internal Server Error without a ZEGO response body/);
            expect(err.message).to.include("Gave up after 3 attempts (retry.maxAttempts is 3)").and.not.include("may or may not");
        });
    });

    describe("actions that would do it twice: SendAgentInstanceLLM/TTS, AddAgentInstanceMsg", () => {
        for (const [action, call, advice] of UNSAFE) {
            it(`${action}: fails at once, marked ambiguous, with advice, on any failure that may have taken effect`, async () => {
                for (const [what, script] of AMBIGUOUS) {
                    peer.script(script);
                    const before = peer.received.length;
                    const { client, events } = makeClient(peer);
                    const err = (await rejection(settle(call(client), clock))) as ZegoApiError;
                    client.close();
                    expect(peer.received.length - before, what).to.equal(1);
                    expect(eventsOf(events, "retry"), what).to.have.length(0);
                    expect(err, what).to.include({ action, ambiguous: true, retryable: false, attempts: 1 });
                    expect(err.message, what).to.match(new RegExp(`^${action} failed: `));
                    expect(err.message, what).to.include(`. ${advice}`);
                    expect(err.message, what).not.to.include("pulumi up");
                }
            });

            it(`${action}: retries failures that provably did not take effect`, async () => {
                for (const [what, script] of NOT_APPLIED) {
                    peer.script(script, ok({ Round: 3 }));
                    const before = peer.received.length;
                    const { client } = makeClient(peer);
                    await settle(call(client), clock);
                    client.close();
                    expect(peer.received.length - before, what).to.equal(2);
                }
            });
        }

        it("retries when the connection was refused (never established)", async () => {
            const url = await refusedUrl();
            const { client, events } = makeClient(url, { retry: { maxAttempts: 3 } });
            const err = (await rejection(settle(client.sendAgentInstanceTts({ agentInstanceId: "9", text: "hi" }), clock))) as ZegoApiError;
            client.close();
            expect(eventsOf(events, "request")).to.have.length(3);
            expect(err).to.include({ networkCode: "ECONNREFUSED", ambiguous: false, retryable: true, attempts: 3 });
            expect(err.message).not.to.include("may or may not");
        });

        it("fails at once, marked ambiguous, on a timeout", async () => {
            // The attempt timeout runs on real time (an internal Node timer), fake timers or not.
            peer.script({ hang: true });
            const { client } = makeClient(peer, { timeoutMs: 100 });
            const err = (await rejection(client.sendAgentInstanceLlm({ agentInstanceId: "9", text: "hi" }))) as ZegoApiError;
            client.close();
            expect(peer.received).to.have.length(1);
            expect(err).to.include({ ambiguous: true, retryable: false, networkCode: "TIMEOUT" });
            expect(err.message).to.include("within 100 ms").and.include("a retry could make the agent say it twice");
        });

        it("does not retry a definitive refusal, and does not call it ambiguous", async () => {
            peer.script(zego(Code.InstanceNotFound));
            const { client } = makeClient(peer);
            const err = (await rejection(
                settle(client.addAgentInstanceMsg({ agentInstanceId: "9", messages: [] }), clock),
            )) as ZegoApiError;
            client.close();
            expect(peer.received).to.have.length(1);
            expect(err).to.include({ code: Code.InstanceNotFound, ambiguous: false, retryable: false });
            expect(err.message).not.to.include("may or may not");
        });

        it("opens no fresh connection per attempt: that stays for creates", async () => {
            peer.script(ok(), ok({ Round: 1 }));
            const { client } = makeClient(peer);
            await settle(client.unregisterAgent("warm-up"), clock);
            await settle(client.sendAgentInstanceTts({ agentInstanceId: "9", text: "hi" }), clock);
            client.close();
            expect(must(peer.received[1], "peer.received[1]").headers.connection).to.equal("keep-alive");
        });
    });
});
