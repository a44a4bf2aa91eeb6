import { expect } from "chai";
import { computeSignature } from "../../../provider/client/signing";
import { startEmulator } from "../../../emulator";
import { APP_ID, SECRET, signedUrl, useEmulator, zego } from "./helpers";
import { must } from "../../must";

describe("emulator: gateway checks", () => {
    const ctx = useEmulator();

    it("listens on 127.0.0.1 only", () => {
        expect(ctx.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(ctx.em.port).to.be.greaterThan(0);
    });

    it("accepts a correctly signed request: HTTP 200 and {Code, Message, RequestId}", async () => {
        const r = await zego(ctx.url, "ListAgents", {});
        expect(r.status).to.equal(200);
        expect(r.json).to.include({ Code: 0, Message: "Succeed" });
        expect(r.json!.RequestId).to.match(/^\d{19}$/);
        expect(r.headers.get("content-type")).to.match(/^application\/json/);
    });

    it("signs as the docs' test vector says", () => {
        expect(computeSignature(12345, "4fd24687296dd9f3", "9193cc662a4c0ec135ec71fb57194b38", 1615186943)).to.equal(
            "43e5cfcca828314675f91b001390566a",
        );
    });

    const missing: [string, number][] = [
        ["Action", 100000006],
        ["SignatureNonce", 100000008],
        ["Signature", 100000009],
        ["Timestamp", 100000002],
        ["SignatureVersion", 100000013],
        ["AppId", 100000001],
    ];
    for (const [param, code] of missing) {
        it(`missing or empty ${param} → ${code}`, async () => {
            const absent = await zego(ctx.url, "ListAgents", {}, { query: { [param]: undefined } });
            expect(absent.status).to.equal(200);
            expect(absent.code).to.equal(code);
            const empty = await zego(ctx.url, "ListAgents", {}, { query: { [param]: "" } });
            expect(empty.code).to.equal(code);
        });
    }

    it("checks in gateway order: Action, nonce, signature, timestamp, version, AppId", async () => {
        const none = await zego(
            ctx.url,
            "ListAgents",
            {},
            {
                query: {
                    Action: undefined,
                    SignatureNonce: undefined,
                    Signature: undefined,
                    Timestamp: undefined,
                    SignatureVersion: undefined,
                    AppId: undefined,
                },
            },
        );
        expect(none.code).to.equal(100000006);
        const onlyAction = await zego(
            ctx.url,
            "ListAgents",
            {},
            {
                query: { SignatureNonce: undefined, Signature: undefined, Timestamp: "x", SignatureVersion: undefined, AppId: "bad" },
            },
        );
        expect(onlyAction.code).to.equal(100000008);
        const badTimestampAndVersion = await zego(ctx.url, "ListAgents", {}, { query: { Timestamp: "soon", SignatureVersion: "1.0" } });
        expect(badTimestampAndVersion.code).to.equal(100000003);
        const badVersionAndAppId = await zego(ctx.url, "ListAgents", {}, { query: { SignatureVersion: "1.0", AppId: "abc" } });
        expect(badVersionAndAppId.code).to.equal(100000014);
        const unknownAppAndAction = await zego(ctx.url, "Nope", {}, { appId: 42 });
        expect(unknownAppAndAction.code).to.equal(100000010);
    });

    it("bad Timestamp format → 100000003", async () => {
        expect((await zego(ctx.url, "ListAgents", {}, { query: { Timestamp: "12.5" } })).code).to.equal(100000003);
        expect((await zego(ctx.url, "ListAgents", {}, { query: { Timestamp: "2026-01-01" } })).code).to.equal(100000003);
    });

    it("SignatureVersion other than 2.0 → 100000014", async () => {
        const r = await zego(ctx.url, "ListAgents", {}, { query: { SignatureVersion: "1.0" } });
        expect(r.code).to.equal(100000014);
        expect(r.json!.Message).to.contain("2.0");
    });

    it("bad AppId format → 100000001; unknown AppId → 100000010", async () => {
        expect((await zego(ctx.url, "ListAgents", {}, { query: { AppId: "12ab" } })).code).to.equal(100000001);
        expect((await zego(ctx.url, "ListAgents", {}, { query: { AppId: "99999999999" } })).code).to.equal(100000001);
        expect((await zego(ctx.url, "ListAgents", {}, { appId: 42 })).code).to.equal(100000010);
    });

    it("unknown Action → 100000007 (GetAgentList is not an action)", async () => {
        const r = await zego(ctx.url, "GetAgentList", {});
        expect(r.code).to.equal(100000007);
        expect(r.json!.Message).to.contain("GetAgentList");
    });

    it("Timestamp outside ±600 s → 100000004, inside → accepted", async () => {
        // The server's clock is fixed at a whole second: the skew is exact, whatever the time a request takes.
        const clock = Date.UTC(2030, 0, 1);
        const em = await startEmulator({ appId: APP_ID, serverSecret: SECRET, now: () => clock });
        try {
            const cases: [number, number][] = [
                [-601, 100000004],
                [601, 100000004],
                [-600, 0],
                [600, 0],
                [-1, 0],
                [1, 0],
            ];
            for (const [offsetS, code] of cases) {
                expect((await zego(em.url, "ListAgents", {}, { nowMs: clock + offsetS * 1000 })).code, `${offsetS} s`).to.equal(code);
            }
        } finally {
            await em.close();
        }
    });

    it("wrong secret, tampered or upper-case signature → 100000005", async () => {
        expect((await zego(ctx.url, "ListAgents", {}, { secret: "ffffffffffffffffffffffffffffffff" })).code).to.equal(100000005);
        const url = signedUrl(ctx.url, "ListAgents");
        const upper = url.searchParams.get("Signature")!.toUpperCase();
        expect((await zego(ctx.url, "ListAgents", {}, { query: { Signature: upper } })).code).to.equal(100000005);
    });

    it("a reused nonce within the window → 100000005, saying so", async () => {
        const url = signedUrl(ctx.url, "ListAgents");
        const query = Object.fromEntries(url.searchParams.entries());
        const first = await zego(ctx.url, "ListAgents", {}, { query });
        expect(first.code).to.equal(0);
        const replay = await zego(ctx.url, "ListAgents", {}, { query });
        expect(replay.code).to.equal(100000005);
        expect(replay.json!.Message).to.match(/already used/);
    });

    it("a failed signature does not burn the nonce", async () => {
        const url = signedUrl(ctx.url, "ListAgents");
        const query = Object.fromEntries(url.searchParams.entries());
        expect((await zego(ctx.url, "ListAgents", {}, { query: { ...query, Signature: "0".repeat(32) } })).code).to.equal(100000005);
        expect((await zego(ctx.url, "ListAgents", {}, { query })).code).to.equal(0);
    });

    it("GET → HTTP 405 with Allow: POST and a JSON error", async () => {
        const r = await zego(ctx.url, "ListAgents", undefined, { method: "GET" });
        expect(r.status).to.equal(405);
        expect(r.headers.get("allow")).to.equal("POST");
        expect(r.code).to.equal(410000003);
        expect(r.json!.Message).to.contain("POST");
    });

    it("a body that is not JSON (or not an object) → 410000004", async () => {
        expect((await zego(ctx.url, "ListAgents", undefined, { rawBody: "{not json" })).code).to.equal(410000004);
        expect((await zego(ctx.url, "ListAgents", undefined, { rawBody: "" })).code).to.equal(410000004);
        expect((await zego(ctx.url, "ListAgents", undefined, { rawBody: "[1,2]" })).code).to.equal(410000004);
    });

    it("a body over 1 MiB is not read → 100000012", async () => {
        const r = await zego(ctx.url, "RegisterAgent", undefined, {
            rawBody: JSON.stringify({ AgentId: "a", Name: "x".repeat(1024 * 1024) }),
        });
        expect(r.code).to.equal(100000012);
    });

    it("gateway failures come before body checks", async () => {
        const r = await zego(ctx.url, "ListAgents", undefined, { rawBody: "{not json", secret: "wrong" });
        expect(r.code).to.equal(100000005);
    });

    it("honours timestampWindowSeconds and an injected clock", async () => {
        const clock = Date.UTC(2030, 0, 1);
        const em = await startEmulator({ appId: APP_ID, serverSecret: SECRET, timestampWindowSeconds: 5, now: () => clock });
        try {
            expect((await zego(em.url, "ListAgents", {}, { nowMs: clock + 4_000 })).code).to.equal(0);
            expect((await zego(em.url, "ListAgents", {}, { nowMs: clock - 6_000 })).code).to.equal(100000004);
            expect((await zego(em.url, "ListAgents", {}, { nowMs: Date.now() })).code).to.equal(100000004);
        } finally {
            await em.close();
        }
    });
});

describe("emulator: memory stays bounded", () => {
    const ctx = useEmulator({ requestLogMaxBytes: 64 * 1024, deletedHistoryLimit: 3 });

    it("bodies of requests that fail the gateway are not kept (unsigned junk cannot fill memory)", async () => {
        const junk = { AgentId: "a1", Pad: "x".repeat(30_000) };
        await zego(ctx.url, "RegisterAgent", junk, { secret: "0".repeat(32) });
        await zego(ctx.url, "RegisterAgent", junk, { method: "PUT" });
        const entries = ctx.em.requests();
        expect(entries.map((e) => [e.code, e.body, e.bodyDropped])).to.deep.equal([
            [100000005, undefined, "gateway"],
            [410000003, undefined, "gateway"],
        ]);
        expect(JSON.stringify(entries).length).to.be.below(5000);
    });

    it("a body larger than the whole cap is logged without its body", async () => {
        await zego(ctx.url, "RegisterAgent", { AgentId: "a1", Name: "z".repeat(100_000) });
        expect(ctx.em.requests().map((e) => [e.action, e.body, e.bodyDropped])).to.deep.equal([["RegisterAgent", undefined, "size"]]);
    });

    it("the request log is capped in bytes (oldest entries first), and stays readable", async () => {
        for (let i = 0; i < 20; i++) await zego(ctx.url, "RegisterAgent", { AgentId: `a${i}`, Name: "y".repeat(10_000) });
        const entries = ctx.em.requests();
        expect(entries.length).to.be.within(1, 7);
        expect(must(entries[entries.length - 1], "entries[entries.length - 1]").seq, "the newest is kept").to.equal(20);
        expect(JSON.stringify(entries.map((e) => e.body)).length).to.be.at.most(64 * 1024);
        expect(ctx.em.stats().requests, "stats still count every request").to.equal(20);
        const response = await fetch(`${ctx.url}/_emulator/requests`);
        expect(response.status).to.equal(200);
    });

    it("deleted instances are remembered up to deletedHistoryLimit, oldest forgotten first", async () => {
        await zego(ctx.url, "RegisterAgent", { AgentId: "agent-1", Name: "A" });
        const ids: string[] = [];
        for (let i = 1; i <= 5; i++) {
            const created = await zego(ctx.url, "CreateAgentInstance", {
                AgentId: "agent-1",
                UserId: `user_${i}`,
                RTC: { RoomId: `room${i}`, AgentStreamId: `as_${i}`, AgentUserId: `au_${i}`, UserStreamId: `us_${i}` },
            });
            ids.push(created.data.AgentInstanceId as string);
            expect((await zego(ctx.url, "DeleteAgentInstance", { AgentInstanceId: ids[i - 1] })).code).to.equal(0);
        }
        expect(ctx.em.instances().map((i) => i.agentInstanceId)).to.deep.equal(ids.slice(2));
        // A forgotten instance answers as ZEGO answers for any deleted one.
        expect((await zego(ctx.url, "QueryAgentInstanceStatus", { AgentInstanceId: ids[0] })).code).to.equal(410001002);
    });
});
