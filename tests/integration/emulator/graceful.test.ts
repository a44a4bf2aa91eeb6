import { expect } from "chai";
import * as sinon from "sinon";
import { startEmulator, EmulatorOptions } from "../../../emulator";
import { APP_ID, createInstance, Emulator, registerAgent, SECRET, zego } from "./helpers";
import { must } from "../../must";

/** An emulator on a manual clock: time moves only when the test says. */
async function withClock(options: Partial<EmulatorOptions> = {}) {
    const clock = { t: Date.UTC(2030, 0, 1, 12) };
    const em = await startEmulator({ appId: APP_ID, serverSecret: SECRET, rateLimitPerSecond: 0, now: () => clock.t, ...options });
    const call = (action: string, body: Record<string, unknown>) => zego(em.url, action, body, { nowMs: clock.t });
    await zego(em.url, "RegisterAgent", { AgentId: "agent-1" }, { nowMs: clock.t });
    const create = async (n: number) => {
        const r = await zego(
            em.url,
            "CreateAgentInstance",
            { AgentId: "agent-1", UserId: `u${n}`, RTC: { RoomId: "r", AgentStreamId: `s${n}`, AgentUserId: `a${n}`, UserStreamId: "us" } },
            { nowMs: clock.t },
        );
        return r.data.AgentInstanceId as string;
    };
    return { clock, em, call, create };
}

/**
 * Until the emulator has put instance `id` into `state`. The request travels by real I/O, so under
 * fake timers the test yields to the event loop (setImmediate, not faked) while no time passes.
 */
async function untilState(em: Emulator, id: string, state: string): Promise<void> {
    while (em.instance(id)?.state !== state) await new Promise((resolve) => setImmediate(resolve));
}

/** A promise, and whether it has settled yet. */
function tracked<T>(promise: Promise<T>): { promise: Promise<T>; readonly done: boolean } {
    let done = false;
    const settled = promise.finally(() => (done = true));
    return {
        promise: settled,
        get done() {
            return done;
        },
    };
}

describe("emulator: graceful shutdown state machine", () => {
    let env: Awaited<ReturnType<typeof withClock>>;
    afterEach(async () => env && (await env.em.close()));

    it("an IDLE instance is deleted at once, even with GracefulShutdown", async () => {
        env = await withClock();
        const id = await env.create(1);
        expect((await env.call("DeleteAgentInstance", { AgentInstanceId: id, GracefulShutdown: true })).code).to.equal(0);
        expect(env.em.instances()[0]).to.include({ state: "deleted", deletedReason: "api", deletedAt: env.clock.t });
    });

    it("without GracefulShutdown a busy instance is deleted at once", async () => {
        env = await withClock();
        const id = await env.create(1);
        env.em.setBusy(id, { seconds: 60 });
        expect((await env.call("DeleteAgentInstance", { AgentInstanceId: id, GracefulShutdown: false })).code).to.equal(0);
        expect(env.em.instances()[0]).to.include({ state: "deleted", deletedReason: "api", status: "SPEAKING" });
    });

    it("busy, then IDLE before the timeout: shutting-down (410001041 for every call), then deleted (410001002)", async () => {
        env = await withClock();
        const id = await env.create(1);
        const t0 = env.clock.t;
        env.em.setBusy(id, { status: "THINKING", seconds: 5 });
        expect((await env.call("QueryAgentInstanceStatus", { AgentInstanceId: id })).data.Status).to.equal("THINKING");
        expect(
            (await env.call("DeleteAgentInstance", { AgentInstanceId: id, GracefulShutdown: true, GracefulShutdownTimeout: 30 })).code,
        ).to.equal(0);
        expect(env.em.instances()[0]).to.include({ state: "shutting-down", status: "THINKING" });
        expect(must(env.em.instances()[0], "env.em.instances()[0]").deleteRequest).to.deep.equal({
            GracefulShutdown: true,
            GracefulShutdownTimeout: 30,
            receivedAt: t0,
        });

        env.clock.t += 4_000;
        for (const [action, extra] of [
            ["QueryAgentInstanceStatus", {}],
            ["DeleteAgentInstance", {}],
            ["DeleteAgentInstance", { GracefulShutdown: true }],
            ["UpdateAgentInstance", {}],
            ["SendAgentInstanceTTS", { Text: "x" }],
            ["SendAgentInstanceLLM", { Text: "x" }],
            ["InterruptAgentInstance", {}],
            ["GetAgentInstanceMsgList", {}],
        ] as const) {
            const r = await env.call(action, { AgentInstanceId: id, ...extra });
            expect(r.code, action).to.equal(410001041);
        }
        expect(env.em.liveInstances()).to.have.length(0);

        env.clock.t = t0 + 5_000;
        expect((await env.call("QueryAgentInstanceStatus", { AgentInstanceId: id })).code).to.equal(410001002);
        expect((await env.call("DeleteAgentInstance", { AgentInstanceId: id })).code).to.equal(410001002);
        expect(env.em.instances()[0]).to.include({ state: "deleted", deletedReason: "api", deletedAt: t0 + 5_000, status: "IDLE" });
    });

    it('still busy at GracefulShutdownTimeout: deleted then ("graceful-timeout")', async () => {
        env = await withClock();
        const id = await env.create(1);
        const t0 = env.clock.t;
        env.em.setBusy(id, { seconds: 60 });
        await env.call("DeleteAgentInstance", { AgentInstanceId: id, GracefulShutdown: true, GracefulShutdownTimeout: 2 });
        env.clock.t = t0 + 1_999;
        expect((await env.call("QueryAgentInstanceStatus", { AgentInstanceId: id })).code).to.equal(410001041);
        env.clock.t = t0 + 2_500;
        expect((await env.call("QueryAgentInstanceStatus", { AgentInstanceId: id })).code).to.equal(410001002);
        expect(env.em.instances()[0]).to.include({
            state: "deleted",
            deletedReason: "graceful-timeout",
            deletedAt: t0 + 2_000,
            status: "SPEAKING",
        });
    });

    it("GracefulShutdownTimeout defaults to 30 s", async () => {
        env = await withClock();
        const id = await env.create(1);
        const t0 = env.clock.t;
        env.em.setBusy(id, { seconds: 100 });
        await env.call("DeleteAgentInstance", { AgentInstanceId: id, GracefulShutdown: true });
        env.clock.t = t0 + 29_999;
        expect(must(env.em.instances()[0], "env.em.instances()[0]").state).to.equal("shutting-down");
        env.clock.t = t0 + 30_000;
        expect(env.em.instances()[0]).to.include({ state: "deleted", deletedReason: "graceful-timeout" });
    });

    it("a script's IDLE gap ends the shutdown; setBusy during the window extends it", async () => {
        env = await withClock();
        const a = await env.create(1);
        const b = await env.create(2);
        const t0 = env.clock.t;
        env.em.script(a, [
            { status: "SPEAKING", seconds: 1 },
            { status: "IDLE", seconds: 1 },
            { status: "SPEAKING", seconds: 5 },
        ]);
        env.em.setBusy(b, { seconds: 1 });
        await env.call("DeleteAgentInstance", { AgentInstanceId: a, GracefulShutdown: true });
        await env.call("DeleteAgentInstance", { AgentInstanceId: b, GracefulShutdown: true });
        env.clock.t = t0 + 500;
        env.em.setBusy(b, { status: "LISTENING", seconds: 3 });
        env.clock.t = t0 + 3_000;
        const [ia, ib] = env.em.instances();
        expect(ia).to.include({ state: "deleted", deletedReason: "api", deletedAt: t0 + 1_000 });
        expect(ib).to.include({ state: "shutting-down", status: "LISTENING" });
        env.clock.t = t0 + 3_500;
        expect(env.em.instances()[1]).to.include({ state: "deleted", deletedReason: "api", deletedAt: t0 + 3_500 });
    });

    it('deleteMode "wait" with an injected clock answers once the clock passes the deadline (the 100 ms poll)', async () => {
        env = await withClock({ deleteMode: "wait" });
        const id = await env.create(1);
        // The poll runs on setTimeout: fake it, so that "ten polls went by" takes no real time.
        const timers = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"], shouldClearNativeTimers: true });
        try {
            env.em.setBusy(id, { seconds: 10 });
            const pending = tracked(env.call("DeleteAgentInstance", { AgentInstanceId: id, GracefulShutdown: true }));
            await untilState(env.em, id, "shutting-down");
            await timers.tickAsync(1_000);
            expect(pending.done, "answered before the injected clock moved").to.equal(false);
            expect(env.em.instance(id)!.state).to.equal("shutting-down");
            env.clock.t += 10_000;
            await timers.tickAsync(100); // the next poll notices, with nobody looking
            const r = await pending.promise;
            expect(r.code).to.equal(0);
            expect(env.em.instances()[0]).to.include({ state: "deleted", deletedReason: "api" });
        } finally {
            timers.restore();
        }
    });
});

describe("emulator: graceful shutdown on its own timer (sinon fake timers)", () => {
    let em: Emulator;
    let timers: sinon.SinonFakeTimers | undefined;
    afterEach(async () => {
        timers?.restore();
        timers = undefined;
        if (em) await em.close();
    });

    /** An emulator with one instance, then Date and setTimeout faked: time moves only by tickAsync. */
    async function busyInstance(options: Partial<EmulatorOptions>, seconds: number): Promise<string> {
        em = await startEmulator({ appId: APP_ID, serverSecret: SECRET, rateLimitPerSecond: 0, ...options });
        await registerAgent(em.url);
        const id = await createInstance(em.url, 1);
        timers = sinon.useFakeTimers({ now: Date.now(), toFake: ["Date", "setTimeout", "clearTimeout"], shouldClearNativeTimers: true });
        em.setBusy(id, { seconds });
        return id;
    }

    it('deleteMode "wait": the Delete answers when the busy instance becomes IDLE (busy 1 s), not before', async () => {
        const id = await busyInstance({ deleteMode: "wait" }, 1);
        const started = Date.now();
        const pending = tracked(
            zego(em.url, "DeleteAgentInstance", { AgentInstanceId: id, GracefulShutdown: true, GracefulShutdownTimeout: 5 }),
        );
        await untilState(em, id, "shutting-down");
        await timers!.tickAsync(999);
        expect(pending.done, "answered while still busy").to.equal(false);
        expect(em.instance(id)!.state).to.equal("shutting-down");
        await timers!.tickAsync(1);
        const r = await pending.promise; // the timer answers it, with nobody looking
        expect(r.code).to.equal(0);
        expect(em.instances()[0]).to.include({ state: "deleted", deletedReason: "api", deletedAt: started + 1_000 });
    });

    it('deleteMode "wait": the Delete answers at the timeout when still busy (timeout 1 s)', async () => {
        const id = await busyInstance({ deleteMode: "wait" }, 30);
        const started = Date.now();
        const pending = tracked(
            zego(em.url, "DeleteAgentInstance", { AgentInstanceId: id, GracefulShutdown: true, GracefulShutdownTimeout: 1 }),
        );
        await untilState(em, id, "shutting-down");
        await timers!.tickAsync(999);
        expect(pending.done, "answered before the timeout").to.equal(false);
        await timers!.tickAsync(1);
        const r = await pending.promise;
        expect(r.code).to.equal(0);
        expect(em.instances()[0]).to.include({ state: "deleted", deletedReason: "graceful-timeout", deletedAt: started + 1_000 });
    });

    it('deleteMode "async": answers with no time passing, then the instance goes by itself (timer-driven)', async () => {
        const lines: string[] = [];
        const id = await busyInstance({ log: (line) => lines.push(line) }, 1);
        // Answered with the fake clock standing still: had it waited for the timer, it would time out.
        const r = await zego(em.url, "DeleteAgentInstance", { AgentInstanceId: id, GracefulShutdown: true });
        expect(r.code).to.equal(0);
        expect((await zego(em.url, "QueryAgentInstanceStatus", { AgentInstanceId: id })).code).to.equal(410001041);
        await timers!.tickAsync(1_000);
        // The timer deleted it: nothing asked since.
        expect(lines).to.include(`instance ${id} deleted (api)`);
        expect((await zego(em.url, "QueryAgentInstanceStatus", { AgentInstanceId: id })).code).to.equal(410001002);
    });
});

describe("emulator: idle auto-deletion (option maxIdleTime)", () => {
    let env: Awaited<ReturnType<typeof withClock>>;
    afterEach(async () => env && (await env.em.close()));

    it("off by default: instances live forever", async () => {
        env = await withClock();
        await env.create(1);
        env.clock.t += 3_600_000;
        expect(must(env.em.instances()[0], "env.em.instances()[0]").state).to.equal("live");
    });

    it('on: deleted ("idle") after AdvancedConfig.MaxIdleTime (default 120 s) without a user in the room', async () => {
        env = await withClock({ maxIdleTime: true });
        const t0 = env.clock.t;
        const byDefault = await env.create(1);
        const r = await zego(
            env.em.url,
            "CreateAgentInstance",
            {
                AgentId: "agent-1",
                UserId: "u2",
                RTC: { RoomId: "r", AgentStreamId: "s2", AgentUserId: "a2", UserStreamId: "us" },
                AdvancedConfig: { MaxIdleTime: 10 },
            },
            { nowMs: env.clock.t },
        );
        const short = r.data.AgentInstanceId as string;
        const present = await env.create(3);
        env.em.setUserPresent(present, true);
        env.clock.t = t0 + 10_000;
        expect(env.em.instance(short)).to.include({ state: "deleted", deletedReason: "idle", deletedAt: t0 + 10_000 });
        expect(env.em.instance(byDefault)!.state).to.equal("live");
        env.clock.t = t0 + 120_000;
        expect(env.em.instance(byDefault)).to.include({ state: "deleted", deletedReason: "idle" });
        expect(env.em.instance(present)!.state).to.equal("live");
        // The user leaves: the idle clock starts then.
        env.em.setUserPresent(present, false);
        env.clock.t = t0 + 239_999;
        expect(env.em.instance(present)!.state).to.equal("live");
        env.clock.t = t0 + 240_000;
        expect((await env.call("QueryAgentInstanceStatus", { AgentInstanceId: present })).code).to.equal(410001002);
    });
});

describe("emulator: a live digital human's MaxIdleTime (not driven by SendAgentInstanceTTS)", () => {
    let env: Awaited<ReturnType<typeof withClock>>;
    afterEach(async () => env && (await env.em.close()));

    const createLive = async (n: number, advanced?: Record<string, unknown>) => {
        const r = await env.call("CreateLiveDigitalHumanAgentInstance", {
            AgentId: "agent-1",
            DigitalHuman: { DigitalHumanId: "dh" },
            RTC: { RoomId: "r", AgentStreamId: `live${n}`, AgentUserId: `live${n}` },
            ...(advanced ? { AdvancedConfig: advanced } : {}),
        });
        expect(r.code).to.equal(0);
        return r.data.AgentInstanceId as string;
    };

    it("is on without the maxIdleTime option: default 900 s, counted from the last SendAgentInstanceTTS", async () => {
        env = await withClock();
        const t0 = env.clock.t;
        const byDefault = await createLive(1);
        const driven = await createLive(2);
        const plain = await env.create(3);
        env.clock.t = t0 + 600_000;
        expect((await env.call("SendAgentInstanceTTS", { AgentInstanceId: driven, Text: "still here" })).code).to.equal(0);
        env.clock.t = t0 + 899_999;
        expect(env.em.instance(byDefault)!.state).to.equal("live");
        env.clock.t = t0 + 900_000;
        expect(env.em.instance(byDefault)).to.include({ state: "deleted", deletedReason: "idle", deletedAt: t0 + 900_000 });
        expect(env.em.instance(driven)!.state).to.equal("live", "the TTS call restarted its idle time");
        env.clock.t = t0 + 1_500_000;
        expect((await env.call("QueryAgentInstanceStatus", { AgentInstanceId: driven })).code).to.equal(410001002);
        expect(env.em.instance(plain)!.state).to.equal("live", "other instances keep the user-presence rule (off)");
    });

    it("a user in the room does not keep it: only TTS drives it; AdvancedConfig.MaxIdleTime is 30..86400", async () => {
        env = await withClock({ maxIdleTime: true });
        const t0 = env.clock.t;
        const id = await createLive(1, { MaxIdleTime: 30 });
        env.em.setUserPresent(id, true);
        env.clock.t = t0 + 30_000;
        expect(env.em.instance(id)).to.include({ state: "deleted", deletedReason: "idle" });
        for (const bad of [29, 86401]) {
            const r = await env.call("CreateLiveDigitalHumanAgentInstance", {
                AgentId: "agent-1",
                DigitalHuman: { DigitalHumanId: "dh" },
                RTC: { RoomId: "r", AgentStreamId: "x", AgentUserId: "x" },
                AdvancedConfig: { MaxIdleTime: bad },
            });
            expect(r.code).to.equal(410000003);
            expect(r.json!.Message).to.contain("AdvancedConfig.MaxIdleTime");
        }
    });
});

describe("emulator: graceful shutdown under sinon fake timers", () => {
    let em: Emulator;
    let clock: sinon.SinonFakeTimers | undefined;
    afterEach(async () => {
        clock?.restore();
        clock = undefined;
        if (em) await em.close();
    });

    it("follows the faked Date and setTimeout (no real waiting)", async () => {
        em = await startEmulator({ appId: APP_ID, serverSecret: SECRET, deleteMode: "wait", rateLimitPerSecond: 0 });
        await registerAgent(em.url);
        const id = await createInstance(em.url, 1);
        clock = sinon.useFakeTimers({ now: Date.now(), toFake: ["Date", "setTimeout", "clearTimeout"], shouldClearNativeTimers: true });
        em.setBusy(id, { seconds: 20 });
        const started = Date.now();
        let answered = false;
        const pending = zego(em.url, "DeleteAgentInstance", {
            AgentInstanceId: id,
            GracefulShutdown: true,
            GracefulShutdownTimeout: 60,
        }).then((r) => {
            answered = true;
            return r;
        });
        // Let the request reach the emulator (real I/O), then move the fake clock.
        await untilState(em, id, "shutting-down");
        await clock.tickAsync(19_000);
        expect(answered).to.equal(false);
        await clock.tickAsync(1_000);
        const r = await pending;
        expect(r.code).to.equal(0);
        const inst = must(em.instances()[0], "the instance");
        expect(inst).to.include({ state: "deleted", deletedReason: "api" });
        expect(inst.deletedAt! - started).to.equal(20_000);
    });
});
