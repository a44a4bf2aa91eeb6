/**
 * The emulator's agent callbacks, received by a user's handler: a real HTTP server in the test
 * that verifies each callback with `pulumi-zego-aiagent/callbacks` (verifyCallback), as a team's
 * handler would, and answers 2xx (or not, to see the documented retries).
 */
import { expect } from "chai";
import * as http from "http";
import { AddressInfo } from "net";
import { CallbackEvent, verifyCallback } from "../../../provider/callbacks";
import { DEFAULT_CALLBACK_SECRET } from "../../../emulator";
import { createInstance, instanceBody, registerAgent, useEmulator, zego } from "./helpers";

const CALLBACK_SECRET = "handler-test-callback-secret";

interface Handler {
    url: string;
    events: CallbackEvent[];
    /** Raw bodies received, verified or not. */
    bodies: string[];
    /** Answer this status to the next N callbacks (then 200). */
    failNext(n: number, status?: number): void;
    /** Until `count` verified events have arrived. */
    until(count: number): Promise<CallbackEvent[]>;
    close(): Promise<void>;
}

async function startHandler(secret = CALLBACK_SECRET): Promise<Handler> {
    const events: CallbackEvent[] = [];
    const bodies: string[] = [];
    let failing = 0;
    let failStatus = 500;
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const body = Buffer.concat(chunks).toString("utf8");
            bodies.push(body);
            if (failing > 0) {
                failing--;
                res.writeHead(failStatus).end();
                return;
            }
            try {
                events.push(verifyCallback(body, { callbackSecret: secret, appId: 1234567890, maxAgeMs: 70_000 }));
                res.writeHead(200).end("ok");
            } catch {
                res.writeHead(401).end();
            }
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}/zego/callback`,
        events,
        bodies,
        failNext(n, status = 500) {
            failing = n;
            failStatus = status;
        },
        async until(count) {
            const deadline = Date.now() + 10_000;
            while (events.length < count) {
                if (Date.now() > deadline) throw new Error(`${events.length} of ${count} callbacks arrived: ${JSON.stringify(bodies)}`);
                await new Promise((resolve) => setTimeout(resolve, 5));
            }
            return events;
        },
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
}

/** [kind, instance, reason] of each event, in Sequence order. */
const summary = (events: CallbackEvent[]) =>
    [...events]
        .sort((a, b) => (a.Sequence ?? 0) - (b.Sequence ?? 0))
        .map((e) => [e.kind, e.AgentInstanceId, e.kind === "AgentInstanceDeleted" ? e.reason : ""]);

describe("emulator: agent callbacks to a user's handler", function () {
    this.timeout(30_000);
    let handler: Handler;
    const ctx = useEmulator({ callbackSecret: CALLBACK_SECRET, callbackRetryDelaysMs: [50, 50] });

    beforeEach(async () => {
        handler = await startHandler();
        ctx.em.setOptions({ callbackUrl: handler.url });
        await registerAgent(ctx.url);
    });
    afterEach(() => handler.close());

    it("AgentInstanceCreated on create, AgentInstanceDeleted Code 0 on DeleteAgentInstance, verified by the handler", async () => {
        const id = await createInstance(ctx.url, 1);
        expect((await zego(ctx.url, "DeleteAgentInstance", { AgentInstanceId: id })).code).to.equal(0);
        const events = await handler.until(2);
        expect(summary(events)).to.deep.equal([
            ["AgentInstanceCreated", id, ""],
            ["AgentInstanceDeleted", id, "deleted-by-api"],
        ]);
        const [created, deleted] = events;
        expect([created?.AgentUserId, created?.RoomId, created?.AppId]).to.deep.equal(["agent_user_1", "room1", 1234567890]);
        expect(deleted?.kind === "AgentInstanceDeleted" && deleted.Data.Code).to.equal(0);
        expect(created?.kind === "AgentInstanceCreated" && created.Data.CreatedTimestamp).to.equal(ctx.em.instance(id)?.createdAt);
    });

    it("a graceful delete that runs to its timeout is still Code 0", async () => {
        let now = Date.now();
        ctx.em.setOptions({ now: () => now });
        const id = await createInstance(ctx.url, 1, {}, { nowMs: now });
        ctx.em.setBusy(id, { seconds: 60 });
        const body = { AgentInstanceId: id, GracefulShutdown: true, GracefulShutdownTimeout: 1 };
        expect((await zego(ctx.url, "DeleteAgentInstance", body, { nowMs: now })).code).to.equal(0);
        now += 1000;
        const events = await handler.until(2);
        expect(ctx.em.instance(id)?.deletedReason).to.equal("graceful-timeout");
        expect(summary(events)[1]).to.deep.equal(["AgentInstanceDeleted", id, "deleted-by-api"]);
    });

    it("a reused AgentUserId kicks the earlier instance: 1203", async () => {
        const first = await createInstance(ctx.url, 1);
        const second = await createInstance(ctx.url, 2, { RTC: { ...instanceBody(2).RTC, AgentUserId: "agent_user_1" } });
        expect(summary(await handler.until(3))).to.deep.equal([
            ["AgentInstanceCreated", first, ""],
            ["AgentInstanceDeleted", first, "kicked"],
            ["AgentInstanceCreated", second, ""],
        ]);
    });

    it("no user in the room for MaxIdleTime (option maxIdleTime): 1202", async () => {
        let now = Date.now();
        ctx.em.setOptions({ maxIdleTime: true, now: () => now });
        const id = await createInstance(ctx.url, 1, { AdvancedConfig: { MaxIdleTime: 10 } }, { nowMs: now });
        now += 10_001;
        expect(summary(await handler.until(2))[1]).to.deep.equal(["AgentInstanceDeleted", id, "idle-timeout"]);
    });

    it("a reused AgentStreamId: no Created for the failed stream; with streamFailure 'delete', Deleted 1206", async () => {
        ctx.em.setOptions({ streamFailure: "delete" });
        const first = await createInstance(ctx.url, 1);
        const second = await createInstance(ctx.url, 2, { RTC: { ...instanceBody(2).RTC, AgentStreamId: "agent_stream_1" } });
        expect(summary(await handler.until(2))).to.deep.equal([
            ["AgentInstanceCreated", first, ""],
            ["AgentInstanceDeleted", second, "stream-failed"],
        ]);
        expect(ctx.em.instance(second)).to.include({ state: "deleted", deletedReason: "stream-failed", streamFailed: true });
    });

    it("by default a reused AgentStreamId keeps the later instance live and sends it no callback", async () => {
        await createInstance(ctx.url, 1);
        const second = await createInstance(ctx.url, 2, { RTC: { ...instanceBody(2).RTC, AgentStreamId: "agent_stream_1" } });
        await handler.until(1);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(handler.events).to.have.length(1);
        expect(ctx.em.instance(second)).to.include({ state: "live", streamFailed: true });
    });

    it("retries a non-2xx answer with the same signed body, and the handler accepts the retry", async () => {
        handler.failNext(2, 503);
        const id = await createInstance(ctx.url, 1);
        const [event] = await handler.until(1);
        expect(handler.bodies).to.have.length(3);
        expect(new Set(handler.bodies).size).to.equal(1, "a retry resends the same body");
        expect(event?.AgentInstanceId).to.equal(id);
    });

    it("gives up after the configured retries (the documented 5 by default)", async () => {
        handler.failNext(10);
        await createInstance(ctx.url, 1);
        const deadline = Date.now() + 5000;
        while (handler.bodies.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(handler.bodies).to.have.length(3, "1 attempt + callbackRetryDelaysMs.length retries");
        expect(handler.events).to.have.length(0);
        expect(ctx.em.options().callbackRetryDelaysMs).to.deep.equal([50, 50]);
    });

    it("a handler with another CallbackSecret (or the ServerSecret) refuses them", async () => {
        const other = await startHandler(DEFAULT_CALLBACK_SECRET);
        try {
            ctx.em.setOptions({ callbackUrl: other.url, callbackRetryDelaysMs: [] });
            await createInstance(ctx.url, 1);
            const deadline = Date.now() + 5000;
            while (other.bodies.length < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
            expect(other.bodies).to.have.length(1);
            expect(other.events).to.have.length(0);
        } finally {
            await other.close();
        }
    });

    it("the control API sets and clears callbackUrl", async () => {
        const set = await fetch(`${ctx.url}/_emulator/options`, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ callbackUrl: "" }),
        });
        expect(set.status).to.equal(200);
        await createInstance(ctx.url, 1);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(handler.bodies).to.have.length(0);
        const bad = await fetch(`${ctx.url}/_emulator/options`, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ callbackUrl: "ftp://x" }),
        });
        expect(bad.status).to.equal(400);
        expect(await bad.text()).to.include("callbackUrl");
    });
});

describe("emulator: the documented retry delays are the default", () => {
    it("2, 4, 8, 16, 32 s (receiving-callback.mdx)", async () => {
        const { startEmulator } = await import("../../../emulator");
        const em = await startEmulator({ appId: 1, serverSecret: "s" });
        try {
            expect(em.options().callbackRetryDelaysMs).to.deep.equal([2000, 4000, 8000, 16000, 32000]);
            expect(em.options().callbackUrl).to.equal("");
        } finally {
            await em.close();
        }
    });
});
