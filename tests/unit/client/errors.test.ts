import { expect } from "chai";
import { ZegoApiError, ZegoError, ZegoValidationError } from "../../../provider/client";
import { checkedErrors, instantClock, makeClient, rejection, SECRET, TestClient } from "./helpers";
import { ScriptedPeer, zego } from "./peer";

describe("client: error mapping", () => {
    let peer: ScriptedPeer;
    let tc: TestClient;
    beforeEach(async () => {
        peer = await ScriptedPeer.start();
        // The retried cases back off on an instant clock: no real waiting.
        tc = makeClient(peer, { retry: { maxAttempts: 2 }, clock: instantClock() });
    });
    afterEach(async () => {
        tc.client.close();
        await peer.stop();
    });

    async function failure(
        script: Parameters<ScriptedPeer["script"]>[0],
        call: () => Promise<unknown> = () => tc.client.unregisterAgent("a"),
    ): Promise<ZegoApiError> {
        peer.fallback = script;
        const err = await rejection(call());
        expect(err).to.be.instanceOf(ZegoApiError).and.instanceOf(ZegoError);
        return err as ZegoApiError;
    }

    it("names the action, the code, its meaning, the server message and the request id", async () => {
        const err = await failure(zego(410001002, "instance 42 not found", { requestId: "123" }), () =>
            tc.client.deleteAgentInstance({ agentInstanceId: "42" }),
        );
        expect(err.message).to.equal(
            "DeleteAgentInstance failed: ZEGO code 410001002 (AI agent instance not found (it may have been deleted)): instance 42 not found; request id 123",
        );
        expect(err).to.include({
            action: "DeleteAgentInstance",
            code: 410001002,
            httpStatus: 200,
            requestId: "123",
            zegoMessage: "instance 42 not found",
            retryable: false,
            ambiguous: false,
            attempts: 1,
        });
        expect(peer.received).to.have.length(1);
    });

    it("maps gateway codes, without retrying the permanent ones", async () => {
        for (const [code, meaning] of [
            [100000005, "Signature error (check the AppId and ServerSecret)"],
            [100000007, "Unsupported Action"],
            [100000010, "Failed to get ServerSecret (check the AppId)"],
            [100000014, "Unsupported SignatureVersion (only 2.0)"],
        ] as const) {
            const before = peer.received.length;
            const err = await failure(zego(code));
            expect(err.message).to.include(`UnregisterAgent failed: ZEGO code ${code} (${meaning})`);
            expect(err.retryable).to.equal(false);
            expect(peer.received.length - before).to.equal(1);
        }
    });

    it("maps business codes, and says when a code is undocumented", async () => {
        expect((await failure(zego(410000003, "AgentId too long"))).message).to.include(
            "ZEGO code 410000003 (Invalid parameter): AgentId too long",
        );
        expect((await failure(zego(410001009))).message).to.include("(Agent not found)");
        expect((await failure(zego(499999999, "new"))).message).to.include("ZEGO code 499999999 (undocumented code): new");
    });

    it("retries transient codes, then reports the last one with the attempt count", async () => {
        const err = await failure(zego(410000001, "boom"));
        expect(peer.received).to.have.length(2);
        expect(err).to.include({ code: 410000001, retryable: true, attempts: 2, ambiguous: true });
        expect(err.message).to.include("Gave up after 2 attempts");
    });

    it("maps a ZEGO body on an HTTP error status by its code, and shows the status", async () => {
        const err = await failure(zego(410000003, "bad", { status: 400 }));
        expect(err.message).to.include("ZEGO code 410000003 (Invalid parameter): bad [HTTP 400]");
        expect(err).to.include({ httpStatus: 400, code: 410000003 });
    });

    it("maps HTTP 4xx without a ZEGO body, without retrying", async () => {
        const err = await failure({ status: 404, headers: { "Content-Type": "text/html" }, body: "<h1>nope</h1>" });
        expect(err.message).to.equal("UnregisterAgent failed: HTTP 404 Not Found without a ZEGO response body (text/html, 13 bytes)");
        expect(err).to.include({ httpStatus: 404, retryable: false, ambiguous: false });
        expect(err.code).to.equal(undefined);
        expect(peer.received).to.have.length(1);
        const json = await failure({ status: 401, body: { error: "unauthorized" } });
        expect(json.message).to.include("HTTP 401 Unauthorized without a ZEGO response body (application/json");
    });

    it("maps HTTP 5xx without a ZEGO body: 500/502/503/504 retried for an action safe to repeat (all but 503 ambiguous)", async () => {
        for (const status of [500, 502, 503, 504]) {
            const err = await failure({ status, body: "" });
            expect(err).to.include({ httpStatus: status, retryable: true, ambiguous: status !== 503, attempts: 2 });
            expect(err.message).to.include(`HTTP ${status}`).and.include("without a ZEGO response body");
        }
        const create = await failure({ status: 500, body: "" }, () => tc.client.registerAgent({ agentId: "a" }));
        expect(create).to.include({ httpStatus: 500, retryable: false, ambiguous: true, attempts: 1 });
        const say = await failure({ status: 500, body: "" }, () => tc.client.sendAgentInstanceTts({ agentInstanceId: "i", text: "hi" }));
        expect(say).to.include({ httpStatus: 500, retryable: false, ambiguous: true, attempts: 1 });
    });

    it("reports a 2xx that is not JSON, or JSON without Code, as not a ZEGO response", async () => {
        const text = await failure({ body: "hello" });
        expect(text.message).to.include("the HTTP 200 OK response is not JSON (text/plain, 5 bytes)").and.include("check the endpoint");
        const noCode = await failure({ body: { Message: "Succeed", Data: {} } });
        expect(noCode.message).to.include("is JSON but has no numeric Code field");
        const array = await failure({ body: [1, 2] });
        expect(array.message).to.include("no numeric Code field");
        expect(peer.received).to.have.length(3);
    });

    it("accepts a Code sent as a string of digits", async () => {
        peer.fallback = { body: { Code: "0", Message: "Succeed", RequestId: "r", Data: { Round: 3 } } };
        expect(await tc.client.interruptAgentInstance("i")).to.deep.equal({ round: 3 });
    });

    it("maps connection failures without exposing the transport error", async () => {
        const err = await failure({ destroy: true });
        expect(err).to.include({ networkCode: "ECONNRESET", retryable: true, attempts: 2 });
        expect(err.message).to.include(`UnregisterAgent failed: no response from ${peer.url} (ECONNRESET: connection reset)`);
        expect(Object.keys(err)).not.to.include.members(["config", "request", "response", "cause"]);
    });

    it("redacts the secret and the signature if the server echoes them", async () => {
        const err = await failure((req) =>
            zego(
                100000005,
                `bad signature ${req.params.Signature} for secret ${SECRET} at /?Action=X&Signature=${req.params.Signature}&SignatureVersion=2.0`,
            ),
        );
        expect(err.zegoMessage).to.include("bad signature [redacted] for secret [redacted] at /?[signed query redacted]");
    });

    it("rejects an invalid body before sending, listing every problem, never echoing secrets", async () => {
        const err = await rejection(
            tc.client.createAgentInstance({
                agentId: "a",
                userId: "bad user!",
                rtc: { roomId: "r", agentStreamId: "s", agentUserId: "u" } as never,
                llm: { url: "https://llm", apiKey: 12345 as unknown as string, model: "m", temperature: 3 },
            }),
        );
        expect(err).to.be.instanceOf(ZegoValidationError);
        const v = err as ZegoValidationError;
        expect(v.action).to.equal("CreateAgentInstance");
        expect(v.failures.map((f) => f.property)).to.have.members(["userId", "rtc.userStreamId", "llm.apiKey", "llm.temperature"]);
        expect(err.message).to.match(/^CreateAgentInstance request is invalid \(4 problems\): /);
        expect(err.message).to.include("llm.temperature must be a number from 0 to 2; got 3.").and.not.include("12345");
        expect(peer.received).to.have.length(0);
    });

    it("rejects unknown fields and preview placeholders before sending", async () => {
        const typo = await rejection(tc.client.deleteAgentInstance({ agentInstanceId: "i", gracefullShutdown: true } as never));
        expect(typo.message).to.include("gracefullShutdown is not a known field").and.include("gracefulShutdown");
        const unknown = await rejection(tc.client.interruptAgentInstance("04da6b54-80e4-46f7-96ec-b56ff0331ba9"));
        expect(unknown.message).to.include("not known yet");
        const notAnAction = await rejection(tc.client.call("GetAgentList" as never, {}));
        expect(notAnAction.message).to.include("action must be one of");
        expect(peer.received).to.have.length(0);
    });

    // checkedErrors is shared by every client test file: count only what this suite adds, so the
    // check does not depend on which files ran before it.
    let checkedBefore = 0;
    before(() => {
        checkedBefore = checkedErrors.length;
    });
    after(() => {
        // Every error the suite provoked went through the secret check.
        expect(checkedErrors.length - checkedBefore).to.be.greaterThan(20);
    });
});
