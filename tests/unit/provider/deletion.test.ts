/**
 * deleteAgentInstance's wait, on sinon fake timers (the lifecycle context's system clock reads them,
 * so the delete's polls and its deadline run on fake time; nothing really sleeps): a resumed
 * graceful shutdown (410001041) is waited for as long as ZEGO may still take, whatever today's
 * settings; a failing status poll does not end the wait while time is left; and no call, however
 * long the client would keep at it (throttled, hung), carries the delete past its deadline.
 */
import { expect } from "chai";
import sinon, { SinonFakeTimers } from "sinon";
import { systemClock } from "../../../provider/client/clock";
import { ZegoAbortError } from "../../../provider/client/errors";
import { createLifecycleContext } from "../../../provider/lifecycle/context";
import { deleteAgentInstance, DeletionClient, DeletionOptions, DeletionTimeoutError } from "../../../provider/lifecycle/deletion";
import { MAX_GRACEFUL_SHUTDOWN_SECONDS, Settings } from "../../../provider/lifecycle/settings";
import type { RequestOptions } from "../../../provider/client/options";

class ApiError extends Error {
    constructor(readonly code: number) {
        super(`ZEGO code ${code}`);
    }
}

const T0 = Date.UTC(2025, 0, 1);
let fake: SinonFakeTimers;
/** Fake timers for each test of the calling suite. */
function onFakeTime(): void {
    beforeEach(() => {
        fake = sinon.useFakeTimers({ now: T0, toFake: ["setTimeout", "clearTimeout", "Date"] });
    });
    afterEach(() => fake.restore());
}

/** Fake milliseconds since the test started. */
const elapsed = () => Date.now() - T0;

/** Runs fake time on, timer by timer, until `promise` settles (fails if nothing is left to run). */
async function settle<T>(promise: Promise<T>): Promise<T> {
    let done = false;
    promise.then(
        () => (done = true),
        () => (done = true),
    );
    for (let steps = 0; !done; steps++) {
        await fake.nextAsync();
        if (!done && fake.countTimers() === 0) await Promise.resolve();
        if (!done && fake.countTimers() === 0) throw new Error(`stuck at ${elapsed()} ms: nothing is left to run`);
        if (steps > 100_000) throw new Error("too many timers");
    }
    return promise;
}

/**
 * How a ZegoClient call behaves when it does not answer: it keeps at it (retries, its own
 * per-attempt timeouts) for `forMs`, then fails with `failure`, unless its signal aborts first:
 * then it rejects with ZegoAbortError, as the real client does.
 */
function stuck(action: string, options: RequestOptions | undefined, forMs: number, failure: Error, history = {}): Promise<never> {
    return new Promise<never>((_, reject) => {
        const started = elapsed();
        const signal = options?.signal;
        const give = () => {
            const attempts = Math.max(1, Math.floor((elapsed() - started) / 1000));
            reject(
                new ZegoAbortError(action, "waiting to retry", attempts, signal?.reason, false, { throttledAnswers: attempts, ...history }),
            );
        };
        if (signal?.aborted) return give();
        signal?.addEventListener("abort", give, { once: true });
        void systemClock.sleep(forMs).then(() => reject(failure));
    });
}

interface FakeZego {
    goneAt: number;
    deleteCode?: number;
    pollFailsUntil?: number;
    /** From then on, status polls get no answer: the client keeps retrying (throttled) or waits (hung). */
    pollStuckFrom?: number;
    pollStuck?: "throttled" | "hung";
    /** DeleteAgentInstance gets no answer (the client's retries last `stuckForMs`). */
    deleteStuck?: boolean;
    /** How long a stuck call keeps at it before failing, as the client would (300 s: its throttle deadline). */
    stuckForMs?: number;
    /** A client that ignores its AbortSignal altogether. */
    deaf?: boolean;
}

/** A fake ZEGO (behind a fake client) that holds one instance until `goneAt` (fake ms since the start). */
function fakeZego(o: FakeZego) {
    const calls: string[] = [];
    const stuckFor = o.stuckForMs ?? 300_000;
    const client: DeletionClient = {
        async deleteAgentInstance(_req, options) {
            calls.push("delete");
            if (o.deleteStuck) {
                const failure = new Error("DeleteAgentInstance failed: timeout. Gave up after 5 attempts");
                return stuck("DeleteAgentInstance", o.deaf ? undefined : options, stuckFor, failure, { lastFailure: "timeout" });
            }
            if (o.deleteCode !== undefined) throw new ApiError(o.deleteCode);
            return {};
        },
        async queryAgentInstanceStatus(_id, options) {
            calls.push("status");
            const t = elapsed();
            if (o.pollStuckFrom !== undefined && t >= o.pollStuckFrom) {
                const throttled = o.pollStuck !== "hung";
                const failure = new Error(
                    throttled
                        ? "QueryAgentInstanceStatus failed: HTTP 429. The next retry would pass the throttle deadline"
                        : "QueryAgentInstanceStatus failed: no response within 10000 ms",
                );
                const history = throttled ? { lastFailure: "throttled (HTTP 429)" } : { throttledAnswers: 0, lastFailure: "timeout" };
                return stuck("QueryAgentInstanceStatus", o.deaf ? undefined : options, stuckFor, failure, history);
            }
            if (t >= o.goneAt) throw new ApiError(410001002);
            if (o.pollFailsUntil !== undefined && t < o.pollFailsUntil)
                throw new Error("QueryAgentInstanceStatus failed: HTTP 500 (gave up after 3 attempts)");
            throw new ApiError(410001041);
        },
    };
    const logs: string[] = [];
    // The lifecycle context deletes run with (agentInstance.ts passes its clock and logger on): the system clock, on fake timers.
    const { clock, log } = createLifecycleContext({ log: (line: string) => void logs.push(line) });
    const options = { clock, log };
    const remove = (settings: DeletionOptions["settings"], marginSeconds: number, customTimeoutSeconds?: number) =>
        settle(deleteAgentInstance(client, "i1", { ...options, settings, marginSeconds, customTimeoutSeconds }));
    return { calls, client, logs, options, remove };
}

describe("deleteAgentInstance: how long it waits", () => {
    onFakeTime();

    it("resuming a shutdown started earlier (410001041) waits up to ZEGO's maximum 120 s plus the margin, even with graceful shutdown off today", async () => {
        // ZEGO is inside a 90 s window started by an interrupted destroy.
        const z = fakeZego({ goneAt: 90_000, deleteCode: 410001041 });
        const report = await z.remove({ gracefulShutdown: false, gracefulShutdownTimeout: 30, waitForDeletion: true }, 15);
        expect(report.outcome).to.equal("deleted");
        expect(report.waitedMs).to.be.at.least(90_000);
        expect(z.logs.join("\n"))
            .to.contain(`waiting for it up to ${MAX_GRACEFUL_SHUTDOWN_SECONDS + 15} s`)
            .and.contain("whatever today's settings");
    });

    it("a resumed shutdown that outlasts 120 s plus the margin fails naming ZEGO's maximum", async () => {
        const z = fakeZego({ goneAt: Infinity, deleteCode: 410001041 });
        const error = await z
            .remove({ gracefulShutdown: true, gracefulShutdownTimeout: 5, waitForDeletion: true }, 15)
            .catch((e: Error) => e);
        expect(error).to.be.instanceOf(DeletionTimeoutError);
        expect((error as Error).message).to.contain("ZEGO's maximum graceful timeout of 120 s plus a margin of 15 s");
        expect(elapsed()).to.be.within(135_000, 136_000);
    });

    it("a status poll that fails after the client's retries does not end the wait: polling goes on within the budget", async () => {
        const z = fakeZego({ goneAt: 20_000, pollFailsUntil: 12_000 });
        const report = await z.remove({ gracefulShutdown: true, gracefulShutdownTimeout: 30, waitForDeletion: true }, 15);
        expect(report.outcome).to.equal("deleted");
        expect(
            z.logs.filter((l) => l.includes("status poll")),
            "logged once, not per poll",
        ).to.have.length(1);
    });

    it("polls failing until the budget is spent: the timeout error carries the last poll failure", async () => {
        const z = fakeZego({ goneAt: Infinity, pollFailsUntil: Infinity });
        const error = await z
            .remove({ gracefulShutdown: true, gracefulShutdownTimeout: 10, waitForDeletion: true }, 5)
            .catch((e: Error) => e);
        expect(error).to.be.instanceOf(DeletionTimeoutError);
        expect((error as Error).message).to.contain("last poll failed: QueryAgentInstanceStatus failed: HTTP 500");
        expect(elapsed()).to.be.within(15_000, 16_000);
    });
});

describe("deleteAgentInstance: what it writes to the log", () => {
    onFakeTime();
    const settings = { gracefulShutdown: true, gracefulShutdownTimeout: 30, waitForDeletion: true };

    it("a delete that is over at the first poll writes no line (each is an engine diagnostic event: a third of a destroy of many)", async () => {
        const z = fakeZego({ goneAt: 0 });
        const report = await z.remove(settings, 15);
        expect(report.outcome).to.equal("deleted");
        expect(z.calls).to.deep.equal(["delete", "status"]);
        expect(z.logs).to.deep.equal([]);
    });

    it("a graceful delete that waits says what it waits for, with its settings, and when the instance is gone", async () => {
        const z = fakeZego({ goneAt: 2_000 });
        await z.remove(settings, 15);
        expect(z.logs).to.deep.equal([
            "waiting up to 30 s for agent instance i1 to finish speaking (GracefulShutdown=true, status SHUTTING_DOWN)",
            "agent instance i1 is gone after 2.0 s",
        ]);
    });

    it("a non-graceful delete that waits says so, with its bound", async () => {
        const z = fakeZego({ goneAt: 1_000 });
        await z.remove({ ...settings, gracefulShutdown: false }, 15);
        expect(z.logs).to.deep.equal([
            "agent instance i1 still exists after DeleteAgentInstance (GracefulShutdown=false, status SHUTTING_DOWN); waiting for it up to 15 s",
            "agent instance i1 is gone after 1.0 s",
        ]);
    });
});

describe("deleteAgentInstance: no call carries it past its deadline", () => {
    onFakeTime();

    // Graceful timeout 5 s plus a margin of 15 s: the deadline is 20 s after the start. The status
    // polls answer SHUTTING_DOWN until 2 s (polls at 0, 0.5, 1 and 1.5 s), then get no answer.
    const settings = { gracefulShutdown: true, gracefulShutdownTimeout: 5, waitForDeletion: true };
    const DEADLINE_MS = 20_000;
    const POLL_MS = 500;

    async function timeoutOf(z: ReturnType<typeof fakeZego>, s = settings): Promise<DeletionTimeoutError> {
        const error = await z.remove(s, 15).catch((e: Error) => e);
        expect(error, String(error)).to.be.instanceOf(DeletionTimeoutError);
        return error as DeletionTimeoutError;
    }

    it("a status poll throttled for longer than the deadline (the client would retry for 300 s) is cut off at the deadline", async () => {
        const z = fakeZego({ goneAt: Infinity, pollStuckFrom: 2_000, pollStuck: "throttled" });
        const error = await timeoutOf(z);
        expect(elapsed(), "ended at the deadline, not after the client's 300 s").to.be.within(DEADLINE_MS, DEADLINE_MS + POLL_MS);
        expect(error.message)
            .to.contain("i1 still exists 20.0 s after DeleteAgentInstance")
            .and.contain("bounded by 20 s (the graceful timeout of 5 s plus a margin of 15 s)")
            .and.contain("the status poll under way was cut off at the bound")
            .and.contain("QueryAgentInstanceStatus was cancelled waiting to retry")
            .and.contain("18 throttled answers; the last failed attempt: throttled (HTTP 429)")
            .and.contain("4 status polls answered (last status SHUTTING_DOWN)")
            .and.contain("stays in the Pulumi state")
            .and.contain("pulumi destroy");
        expect(error.message).not.to.match(/\bwaited\b/);
        expect(z.calls.filter((c) => c === "status")).to.have.length(5);
    });

    it("a status poll that never answers (hung) is cut off at the deadline", async () => {
        const z = fakeZego({ goneAt: Infinity, pollStuckFrom: 2_000, pollStuck: "hung", stuckForMs: 60_000 });
        const error = await timeoutOf(z);
        expect(elapsed(), "ended at the deadline, not when the client gave up").to.be.within(DEADLINE_MS, DEADLINE_MS + POLL_MS);
        expect(error.message)
            .to.contain("the status poll under way was cut off at the bound")
            .and.contain("the last failed attempt: timeout")
            .and.contain("4 status polls answered (last status SHUTTING_DOWN)")
            .and.not.contain("throttled answers");
    });

    it("a DeleteAgentInstance that gets no answer is cut off at the deadline, saying the shutdown may or may not have started", async () => {
        const z = fakeZego({ goneAt: Infinity, deleteStuck: true, stuckForMs: 60_000 });
        const error = await timeoutOf(z);
        expect(elapsed()).to.be.within(DEADLINE_MS, DEADLINE_MS + POLL_MS);
        expect(error.message)
            .to.contain("i1 was not seen gone 20.0 s after delete started")
            .and.contain("the DeleteAgentInstance request did not get an answer within the bound")
            .and.contain("DeleteAgentInstance was cancelled")
            .and.contain("may or may not have started the shutdown")
            .and.contain("0 status polls answered")
            .and.not.contain("still exists");
        expect(z.calls).to.deep.equal(["delete"]);
    });

    it("waitForDeletion=false: DeleteAgentInstance is still bounded by the graceful timeout plus the margin", async () => {
        const z = fakeZego({ goneAt: Infinity, deleteStuck: true, stuckForMs: 60_000 });
        const error = await timeoutOf(z, { ...settings, waitForDeletion: false });
        expect(elapsed()).to.be.within(DEADLINE_MS, DEADLINE_MS + POLL_MS);
        expect(error.message)
            .to.contain("the DeleteAgentInstance request did not get an answer within the bound")
            .and.contain("no status polls (waitForDeletion=false)");
    });

    it("a client that ignores its AbortSignal cannot hold the delete past the deadline either", async () => {
        const z = fakeZego({ goneAt: Infinity, pollStuckFrom: 2_000, pollStuck: "hung", stuckForMs: 60_000, deaf: true });
        const error = await timeoutOf(z);
        expect(elapsed()).to.be.within(DEADLINE_MS, DEADLINE_MS + POLL_MS);
        expect(error.message).to.contain("the status poll under way was cut off at the bound. 4 status polls answered");
    });
});

describe("deleteAgentInstance: the resource's customTimeouts.delete is the bound", () => {
    onFakeTime();
    const settings = { gracefulShutdown: true, gracefulShutdownTimeout: 30, waitForDeletion: true };

    it("shorter than graceful timeout + margin: the delete ends at it, the error names it, and a warning says so up front", async () => {
        const z = fakeZego({ goneAt: Infinity });
        const error = await z.remove(settings, 15, 3).catch((e: Error) => e);
        expect(error).to.be.instanceOf(DeletionTimeoutError);
        expect(elapsed(), "ended at customTimeouts.delete, not at 45 s").to.be.within(3_000, 3_500);
        expect((error as Error).message)
            .to.contain("delete is bounded by 3 s (the resource's customTimeouts.delete; without it, 45 s)")
            .and.contain("still exists 3.0 s after DeleteAgentInstance")
            .and.contain("run `pulumi destroy` again");
        expect(z.logs.join("\n")).to.contain(
            "warning: the customTimeouts.delete of 3 s of agent instance i1 is shorter than its graceful shutdown timeout of 30 s",
        );
    });

    it("longer than graceful timeout + margin: the delete waits for it (20 s would have given up)", async () => {
        const z = fakeZego({ goneAt: 30_000 });
        const report = await z.remove({ ...settings, gracefulShutdownTimeout: 5 }, 15, 60);
        expect(report.outcome).to.equal("deleted");
        expect(elapsed()).to.be.within(30_000, 30_500);
        expect(z.logs.join("\n")).not.to.contain("warning");
    });

    it("cuts off a DeleteAgentInstance that gets no answer", async () => {
        const z = fakeZego({ goneAt: Infinity, deleteStuck: true, stuckForMs: 60_000 });
        const error = await z.remove(settings, 15, 2).catch((e: Error) => e);
        expect(elapsed()).to.be.within(2_000, 2_500);
        expect((error as Error).message)
            .to.contain("bounded by 2 s (the resource's customTimeouts.delete")
            .and.contain("may or may not have started");
    });
});

describe("the delete wait's margin setting", () => {
    it("is 15 s unless zego:deleteWaitMargin or ZEGO_DELETE_WAIT_MARGIN says otherwise (the environment first)", () => {
        const env: Record<string, string> = {};
        const settings = new Settings(env);
        expect(settings.deletionPlan({}).marginSeconds).to.equal(15);
        settings.configure({ get: (key) => (key === "zego:deleteWaitMargin" ? "40" : undefined) });
        expect(settings.deletionPlan({}).marginSeconds).to.equal(40);
        env.ZEGO_DELETE_WAIT_MARGIN = "5";
        expect(settings.deletionPlan({}).marginSeconds).to.equal(5);
    });
});
