import { expect } from "chai";
import sinon from "sinon";
import { computeSignature, newNonce, signedQuery } from "../../../provider/client/signing";
import { APP_ID, makeClient, SECRET, settle } from "./helpers";
import { ScriptedPeer, zego } from "./peer";
import { must } from "../../must";

describe("client: request signing", () => {
    it("matches the documented test vector", () => {
        // docs: SigningTheRequestEN.mdx, Go sample.
        expect(computeSignature(12345, "4fd24687296dd9f3", "9193cc662a4c0ec135ec71fb57194b38", 1615186943)).to.equal(
            "43e5cfcca828314675f91b001390566a",
        );
    });

    it("makes 16 lower-case hex nonces that differ", () => {
        const nonces = new Set(Array.from({ length: 50 }, () => newNonce()));
        expect(nonces.size).to.equal(50);
        for (const nonce of nonces) expect(nonce).to.match(/^[0-9a-f]{16}$/);
    });

    it("signs the query with the timestamp in seconds", () => {
        const q = signedQuery("CreateAgentInstance", APP_ID, SECRET, 1_700_000_000_999);
        expect(q.Timestamp).to.equal(1_700_000_000);
        expect(q.SignatureVersion).to.equal("2.0");
        expect(q.Signature).to.equal(computeSignature(APP_ID, q.SignatureNonce, SECRET, q.Timestamp));
    });

    describe("on the wire", () => {
        let peer: ScriptedPeer;
        let clock: sinon.SinonFakeTimers | undefined;
        beforeEach(async () => (peer = await ScriptedPeer.start()));
        afterEach(async () => {
            clock?.restore();
            clock = undefined;
            await peer.stop();
        });

        it("sends the common parameters in the documented order, POST + JSON", async () => {
            const { client } = makeClient(peer);
            await client.unregisterAgent("agent-1");
            client.close();
            const req = must(peer.received[0], "peer.received[0]");
            expect(req.method).to.equal("POST");
            expect(req.path).to.equal("/");
            expect(req.query.map(([k]) => k)).to.deep.equal([
                "Action",
                "AppId",
                "SignatureNonce",
                "Timestamp",
                "Signature",
                "SignatureVersion",
            ]);
            expect(req.params.Action).to.equal("UnregisterAgent");
            expect(req.params.AppId).to.equal("12345");
            expect(req.params.SignatureVersion).to.equal("2.0");
            expect(req.params.Signature).to.equal(
                computeSignature(
                    APP_ID,
                    must(req.params.SignatureNonce, "req.params.SignatureNonce"),
                    SECRET,
                    Number(req.params.Timestamp),
                ),
            );
            expect(String(req.headers["content-type"])).to.match(/^application\/json/);
            expect(req.body).to.deep.equal({ AgentId: "agent-1" });
        });

        it("re-signs every attempt: a fresh nonce, and the timestamp read again", async () => {
            clock = sinon.useFakeTimers({ now: 1_700_000_000_000, toFake: ["setTimeout", "clearTimeout", "Date"] });
            // Insufficient resources, then asked to come back in 3 s, then success.
            peer.script(zego(410000010), zego(410000010, "busy", { status: 503, headers: { "Retry-After": "3" } }));
            const { client } = makeClient(peer);
            await settle(client.unregisterAgent("agent-1"), clock);
            client.close();
            expect(peer.received).to.have.length(3);
            const params = (i: number) => must(peer.received[i], `request ${i + 1}`).params;
            const [a, b, c] = [params(0), params(1), params(2)];
            expect(new Set([a.SignatureNonce, b.SignatureNonce, c.SignatureNonce]).size).to.equal(3);
            for (const p of [a, b, c]) {
                expect(p.SignatureNonce).to.match(/^[0-9a-f]{16}$/);
                expect(p.Signature).to.equal(
                    computeSignature(APP_ID, must(p.SignatureNonce, "p.SignatureNonce"), SECRET, Number(p.Timestamp)),
                );
            }
            expect(Number(a.Timestamp)).to.equal(1_700_000_000);
            expect(Number(c.Timestamp) - Number(b.Timestamp)).to.equal(3);
            expect(Number(c.Timestamp)).to.equal(Math.floor(Date.now() / 1000));
        });
    });
});
