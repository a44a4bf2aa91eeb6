import { expect } from "chai";
import { startEmulator, mulberry32, FaultOptions } from "../../../emulator";
import { APP_ID, arrived, Emulator, instanceBody, registerAgent, SECRET, useEmulator, zego } from "./helpers";
import { must } from "../../must";

/** One request's fate, as a client sees it. */
async function outcome(url: string, action = "ListAgents", body: Record<string, unknown> = {}, timeoutMs = 2000): Promise<string> {
    try {
        const r = await zego(url, action, body, { timeoutMs });
        return r.json ? `json:${r.status}:${r.code}` : `http:${r.status}`;
    } catch (err) {
        return (err as Error).name === "TimeoutError" ? "hang" : "reset";
    }
}

async function sequence(em: Emulator, n: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(await outcome(em.url));
    return out;
}

describe("emulator: fault injection", () => {
    let em: Emulator;
    const start = async (faults: FaultOptions, extra: Record<string, unknown> = {}) => {
        em = await startEmulator({ appId: APP_ID, serverSecret: SECRET, rateLimitPerSecond: 0, faults, ...extra });
        return em;
    };
    afterEach(async () => em && (await em.close()));

    it("mulberry32 is deterministic", () => {
        const a = mulberry32(7);
        const b = mulberry32(7);
        const xs = Array.from({ length: 5 }, a);
        expect(xs).to.deep.equal(Array.from({ length: 5 }, b));
        expect(xs.every((x) => x >= 0 && x < 1)).to.equal(true);
        expect(Array.from({ length: 5 }, mulberry32(8))).not.to.deep.equal(xs);
    });

    it("the same seed gives the same fault sequence (setFaults, reset() and another emulator)", async () => {
        const faults = { seed: 42, http5xxRate: 0.3, resetRate: 0.15 };
        await start(faults);
        const first = await sequence(em, 30);
        expect(first.some((o) => o.startsWith("http:5"))).to.equal(true);
        expect(first).to.include("reset");
        expect(first).to.include("json:200:0");
        em.setFaults(faults);
        expect(await sequence(em, 30)).to.deep.equal(first);
        em.reset();
        expect(await sequence(em, 30)).to.deep.equal(first);
        const other = await startEmulator({ appId: APP_ID, serverSecret: SECRET, rateLimitPerSecond: 0, faults });
        try {
            expect(await sequence(other, 30)).to.deep.equal(first);
        } finally {
            await other.close();
        }
        em.setFaults({ ...faults, seed: 43 });
        expect(await sequence(em, 30)).not.to.deep.equal(first);
    });

    it("http5xx: a load balancer's HTML 5xx, before the action takes effect", async () => {
        await start({ http5xxRate: 1 });
        const r = await zego(em.url, "RegisterAgent", { AgentId: "a1" });
        expect([500, 502, 503, 504]).to.include(r.status);
        expect(r.json).to.equal(undefined);
        expect(r.headers.get("content-type")).to.match(/^text\/html/);
        em.setFaults({});
        expect(em.agents()).to.deep.equal([]);
        const entry = must(em.requests()[0], "em.requests()[0]");
        expect(entry.fault).to.deep.equal({ kind: "http5xx", phase: "before", httpStatus: r.status });
        expect(entry.code).to.equal(undefined);
        expect(em.stats().faults).to.equal(1);
    });

    it("http5xxStatuses picks the statuses", async () => {
        await start({ http5xxRate: 1, http5xxStatuses: [503] });
        expect(await sequence(em, 5)).to.deep.equal(Array(5).fill("http:503"));
    });

    it('phase "after": the action takes effect and the response is lost', async () => {
        await start({ http5xxRate: 1, http5xxStatuses: [502], phase: "after" });
        const r = await zego(em.url, "RegisterAgent", { AgentId: "a1" });
        expect(r.status).to.equal(502);
        expect(em.agents().map((a) => a.AgentId)).to.deep.equal(["a1"]);
        const entry = must(em.requests()[0], "em.requests()[0]");
        expect(entry).to.include({ code: 0, httpStatus: 502 });
        expect(entry.fault).to.include({ kind: "http5xx", phase: "after" });
    });

    it("reset: the socket is destroyed without a response", async () => {
        await start({ resetRate: 1 });
        expect(await outcome(em.url)).to.equal("reset");
        const entry = must(em.requests()[0], "em.requests()[0]");
        expect(entry.fault).to.deep.equal({ kind: "reset", phase: "before" });
        expect(entry.httpStatus).to.equal(0);
        expect(em.stats().faults).to.equal(1);
    });

    it("hangNext: the next N matching requests never get a response; reset() drops them", async () => {
        await start({ hangNext: 1 });
        expect(await outcome(em.url, "ListAgents", {}, 300)).to.equal("hang");
        expect(await outcome(em.url)).to.equal("json:200:0");
        expect(must(em.requests()[0], "em.requests()[0]").fault).to.deep.equal({ kind: "hang", phase: "before" });
        em.setFaults({ hangNext: 1 });
        const pending = outcome(em.url, "ListAgents", {}, 3000);
        await arrived(em, "ListAgents", 3);
        em.reset();
        expect(await pending).to.equal("reset");
    });

    it("a hang after a create, then a retry: the orphan shows in duplicateCreations (and is kicked)", async () => {
        await start({});
        await registerAgent(em.url);
        em.setFaults({ hangNext: 1, phase: "after", actions: ["CreateAgentInstance"] });
        const body = instanceBody(1);
        expect(await outcome(em.url, "CreateAgentInstance", body, 300)).to.equal("hang");
        expect(await outcome(em.url, "CreateAgentInstance", body)).to.equal("json:200:0");
        expect(em.stats().duplicateCreations).to.equal(1);
        const [orphan, second] = em.instances();
        expect(orphan).to.include({
            state: "deleted",
            deletedReason: "kicked",
            kickedBy: must(second, "the second instance").agentInstanceId,
        });
    });

    it("throttleBurst: the next N requests get the throttle response", async () => {
        await start({ throttleBurst: 2 }, { throttleResponse: { httpStatus: 429, retryAfterSeconds: 2 } });
        const first = await zego(em.url, "ListAgents");
        expect(first.status).to.equal(429);
        expect(first.headers.get("retry-after")).to.equal("2");
        expect(await sequence(em, 2)).to.deep.equal(["http:429", "json:200:0"]);
        const stats = em.stats();
        expect(stats.throttled).to.equal(2);
        expect(stats.faults).to.equal(2);
        expect(must(em.requests()[0], "em.requests()[0]").fault).to.deep.equal({ kind: "throttle", phase: "before", httpStatus: 429 });
    });

    it("latency: fixed (option and faults.latencyMs) and spikes", async () => {
        await start({ latencyMs: 100 }, { latencyMs: 50 });
        let t = Date.now();
        await zego(em.url, "ListAgents");
        expect(Date.now() - t).to.be.at.least(140);
        em.setOptions({ latencyMs: 0 });
        em.setFaults({ latencySpikeRate: 1, latencySpikeMs: 150 });
        t = Date.now();
        expect((await zego(em.url, "ListAgents")).code).to.equal(0);
        expect(Date.now() - t).to.be.at.least(140);
        const last = em.requests().pop()!;
        expect(last.fault).to.deep.equal({ kind: "latency-spike", phase: "before", delayMs: 150 });
        expect(em.stats()).to.include({ latencySpikes: 1, faults: 0 });
    });

    it("actions restricts faults to those actions", async () => {
        await start({ http5xxRate: 1, actions: ["CreateAgentInstance"] });
        expect(await outcome(em.url, "ListAgents")).to.equal("json:200:0");
        expect(await outcome(em.url, "CreateAgentInstance", instanceBody(1))).to.match(/^http:5/);
    });

    it("faults never touch the control API, and bad fault options are refused", async () => {
        await start({ resetRate: 1 });
        const response = await fetch(`${em.url}/_emulator/stats`);
        expect(response.status).to.equal(200);
        expect(() => em.setFaults({ http5xxRate: 2 })).to.throw(RangeError, /http5xxRate/);
        expect(() => em.setFaults({ http5xxStatuses: [404] })).to.throw(RangeError, /http5xxStatuses/);
    });
});

describe("emulator: a request the client abandons during added latency", () => {
    const ctx = useEmulator();

    /** Resolves once the server has finished the first `action` request (answered or not): its log line. */
    const finished = (action: string) =>
        new Promise<string>((resolve) => ctx.em.setOptions({ log: (line) => line.includes(` ${action} → `) && resolve(line) }));

    it('is still carried out by default (abandonedRequests "complete"), as a real service would', async () => {
        await registerAgent(ctx.url);
        ctx.em.setFaults({ latencyMs: 300, actions: ["CreateAgentInstance"] });
        const done = finished("CreateAgentInstance");
        const abandoned = await zego(ctx.url, "CreateAgentInstance", instanceBody(1), { timeoutMs: 50 }).then(
            () => undefined,
            (e: Error) => e,
        );
        expect(abandoned?.name, "the client gave up").to.equal("TimeoutError");
        expect(await done).to.contain("no response, Code 0");
        expect(ctx.em.liveInstances().map((i) => (i.body.RTC as { AgentUserId: string }).AgentUserId)).to.deep.equal(["agent_user_1"]);
        expect(ctx.em.requests().find((r) => r.action === "CreateAgentInstance")).to.include({ httpStatus: 0, code: 0 });
    });

    it("is not carried out after a reset() that came during the latency (it belongs to the old state)", async () => {
        await registerAgent(ctx.url);
        ctx.em.setFaults({ latencyMs: 300, actions: ["CreateAgentInstance"] });
        const done = finished("CreateAgentInstance");
        const pending = zego(ctx.url, "CreateAgentInstance", instanceBody(1), { timeoutMs: 50 }).catch(() => undefined);
        await arrived(ctx.em, "CreateAgentInstance");
        ctx.em.reset();
        await registerAgent(ctx.url); // so that only the reset, not a missing agent, can stop the create
        await pending;
        expect(await done).to.contain("no response");
        expect(ctx.em.instances()).to.deep.equal([]);
    });

    it('is dropped with abandonedRequests "drop"', async () => {
        await registerAgent(ctx.url);
        ctx.em.setOptions({ abandonedRequests: "drop" });
        ctx.em.setFaults({ latencyMs: 300, actions: ["CreateAgentInstance"] });
        const done = finished("CreateAgentInstance");
        await zego(ctx.url, "CreateAgentInstance", instanceBody(1), { timeoutMs: 50 }).catch(() => undefined);
        expect(await done).to.contain("no response");
        expect(ctx.em.instances()).to.deep.equal([]);
        expect(() => ctx.em.setOptions({ abandonedRequests: "later" as never })).to.throw(
            RangeError,
            /abandonedRequests must be "complete" or "drop"; got "later"/,
        );
    });
});
