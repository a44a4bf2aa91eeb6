import { expect } from "chai";
import { startEmulator, EmulatorOptions } from "../../../emulator";
import { APP_ID, Emulator, SECRET, zego } from "./helpers";

describe("emulator: rate limiting", () => {
    let em: Emulator;
    const clock = { t: 0 };
    const call = (action: string, body: Record<string, unknown> = {}) => zego(em.url, action, body, { nowMs: clock.t });
    async function start(options: Partial<EmulatorOptions> = {}) {
        clock.t = Date.UTC(2030, 0, 1, 12, 0, 0, 100);
        em = await startEmulator({ appId: APP_ID, serverSecret: SECRET, now: () => clock.t, ...options });
    }
    afterEach(async () => em && (await em.close()));

    it("allows 10 calls per second per action by default, then HTTP 429 (plain text, Retry-After: 1)", async () => {
        await start();
        for (let i = 0; i < 10; i++) expect((await call("ListAgents")).code).to.equal(0);
        const throttled = await call("ListAgents");
        expect(throttled.status).to.equal(429);
        expect(throttled.json).to.equal(undefined);
        expect(throttled.headers.get("retry-after")).to.equal("1");
        expect(throttled.text).to.contain("Too many requests");
        // Another action has its own budget.
        expect((await call("QueryAgents", { AgentIds: [] })).code).to.equal(0);
        // The next one-second window.
        clock.t += 1000;
        expect((await call("ListAgents")).code).to.equal(0);
        expect(em.stats().throttled).to.equal(1);
        const entry = em.requests().find((r) => r.throttled)!;
        expect(entry).to.include({ action: "ListAgents", httpStatus: 429 });
    });

    it("is per app and shared by every client: two clients with their own connections get 10 per second together", async () => {
        await start({ rateLimitPerSecond: 10 });
        const { ZegoClient } = await import("../../../provider/client");
        const clientClock = { now: () => clock.t, sleep: () => Promise.resolve() };
        const make = () =>
            new ZegoClient({
                appId: APP_ID,
                serverSecret: SECRET,
                endpoint: em.url,
                maxRequestsPerSecond: 0,
                retry: false,
                clock: clientClock,
            });
        const [a, b] = [make(), make()];
        const outcomes = await Promise.all(
            [a, b].flatMap((client) =>
                Array.from({ length: 8 }, () =>
                    client.listAgents().then(
                        () => "ok",
                        () => "throttled",
                    ),
                ),
            ),
        );
        a.close();
        b.close();
        expect(outcomes.filter((o) => o === "ok")).to.have.length(10);
        expect(em.stats().throttled).to.equal(6);
        expect(a.stats.throttled + b.stats.throttled).to.equal(6);
        // Throttled requests do not use up the next window.
        clock.t += 1000;
        expect((await call("ListAgents")).code).to.equal(0);
    });

    it("a throttled request has no effect", async () => {
        await start({ rateLimitPerSecond: 1 });
        expect((await call("RegisterAgent", { AgentId: "a1" })).code).to.equal(0);
        expect((await call("RegisterAgent", { AgentId: "a2" })).status).to.equal(429);
        expect(em.agents().map((a) => a.AgentId)).to.deep.equal(["a1"]);
    });

    it("rateLimitPerSecond 0 turns it off", async () => {
        await start({ rateLimitPerSecond: 0 });
        for (let i = 0; i < 25; i++) expect((await call("ListAgents")).code).to.equal(0);
        expect(em.stats().throttled).to.equal(0);
    });

    it("throttleResponse: status, a JSON Code and no Retry-After are configurable", async () => {
        await start({ rateLimitPerSecond: 1, throttleResponse: { httpStatus: 200, code: 410001029, retryAfterSeconds: 0 } });
        await call("ListAgents");
        const r = await call("ListAgents");
        expect(r.status).to.equal(200);
        expect(r.code).to.equal(410001029);
        expect(r.json!.RequestId).to.match(/^\d{19}$/);
        expect(r.headers.get("retry-after")).to.equal(null);
    });

    it("setOptions changes the limit and the response at run time", async () => {
        await start();
        em.setOptions({ rateLimitPerSecond: 2, throttleResponse: { httpStatus: 503, retryAfterSeconds: 3 } });
        await call("ListAgents");
        await call("ListAgents");
        const r = await call("ListAgents");
        expect(r.status).to.equal(503);
        expect(r.headers.get("retry-after")).to.equal("3");
        expect(() => em.setOptions({ rateLimitPerSecond: -1 })).to.throw(RangeError, /rateLimitPerSecond/);
        expect(() => em.setOptions({ appId: 1 } as never)).to.throw(RangeError, /appId/);
    });

    it("requests failing the gateway are not counted against the limit", async () => {
        await start({ rateLimitPerSecond: 1 });
        for (let i = 0; i < 3; i++)
            expect((await zego(em.url, "ListAgents", {}, { nowMs: clock.t, secret: "bad" })).code).to.equal(100000005);
        expect((await call("ListAgents")).code).to.equal(0);
    });
});
