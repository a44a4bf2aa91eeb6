/**
 * deleteAgentInstance's wait, on a simulated clock: a resumed graceful shutdown (410001041) is
 * waited for as long as ZEGO may still take, whatever today's settings; a failing status poll
 * does not end the wait while budget is left.
 */
import { expect } from "chai";
import { createLifecycleContext } from "../../../provider/lifecycle/context";
import { deleteAgentInstance, DeletionClient, DeletionTimeoutError } from "../../../provider/lifecycle/deletion";
import { MAX_GRACEFUL_SHUTDOWN_SECONDS, Settings } from "../../../provider/lifecycle/settings";

class ApiError extends Error {
    constructor(readonly code: number) {
        super(`ZEGO code ${code}`);
    }
}

/** A fake ZEGO that holds one instance until `goneAt` (ms on the simulated clock). */
function fakeZego(o: { goneAt: number; deleteCode?: number; pollFailsUntil?: number }) {
    const clock = { t: 0 };
    const calls: string[] = [];
    const client: DeletionClient = {
        async deleteAgentInstance() {
            calls.push("delete");
            if (o.deleteCode !== undefined) throw new ApiError(o.deleteCode);
            return {};
        },
        async queryAgentInstanceStatus() {
            calls.push("status");
            if (clock.t >= o.goneAt) throw new ApiError(410001002);
            if (o.pollFailsUntil !== undefined && clock.t < o.pollFailsUntil)
                throw new Error("QueryAgentInstanceStatus failed: HTTP 500 (gave up after 3 attempts)");
            throw new ApiError(410001041);
        },
    };
    const logs: string[] = [];
    // The lifecycle context deletes run with (agentInstance.ts passes its clock and logger on), on simulated time.
    const { clock: contextClock, log } = createLifecycleContext({
        log: (line: string) => void logs.push(line),
        clock: {
            now: () => clock.t,
            sleep: async (ms: number) => {
                clock.t += Math.max(ms, 1);
            },
        },
    });
    const options = { clock: contextClock, log };
    return { clock, calls, client, logs, options };
}

describe("deleteAgentInstance: how long it waits", () => {
    it("resuming a shutdown started earlier (410001041) waits up to ZEGO's maximum 120 s plus the margin, even with graceful shutdown off today", async () => {
        // ZEGO is inside a 90 s window started by an interrupted destroy.
        const z = fakeZego({ goneAt: 90_000, deleteCode: 410001041 });
        const report = await deleteAgentInstance(z.client, "i1", {
            ...z.options,
            settings: { gracefulShutdown: false, gracefulShutdownTimeout: 30, waitForDeletion: true },
            marginSeconds: 15,
        });
        expect(report.outcome).to.equal("deleted");
        expect(report.waitedMs).to.be.at.least(90_000);
        expect(z.logs.join("\n"))
            .to.contain(`waiting for it up to ${MAX_GRACEFUL_SHUTDOWN_SECONDS + 15} s`)
            .and.contain("whatever today's settings");
    });

    it("a resumed shutdown that outlasts 120 s plus the margin fails naming ZEGO's maximum", async () => {
        const z = fakeZego({ goneAt: Infinity, deleteCode: 410001041 });
        let error: Error | undefined;
        await deleteAgentInstance(z.client, "i1", {
            ...z.options,
            settings: { gracefulShutdown: true, gracefulShutdownTimeout: 5, waitForDeletion: true },
            marginSeconds: 15,
        }).catch((e: Error) => (error = e));
        expect(error).to.be.instanceOf(DeletionTimeoutError);
        expect(error!.message).to.contain("ZEGO's maximum graceful timeout of 120 s plus a margin of 15 s");
        expect(z.clock.t).to.be.within(135_000, 136_000);
    });

    it("a status poll that fails after the client's retries does not end the wait: polling goes on within the budget", async () => {
        const z = fakeZego({ goneAt: 20_000, pollFailsUntil: 12_000 });
        const report = await deleteAgentInstance(z.client, "i1", {
            ...z.options,
            settings: { gracefulShutdown: true, gracefulShutdownTimeout: 30, waitForDeletion: true },
            marginSeconds: 15,
        });
        expect(report.outcome).to.equal("deleted");
        expect(
            z.logs.filter((l) => l.includes("status poll")),
            "logged once, not per poll",
        ).to.have.length(1);
    });

    it("polls failing until the budget is spent: the timeout error carries the last poll failure", async () => {
        const z = fakeZego({ goneAt: Infinity, pollFailsUntil: Infinity });
        let error: Error | undefined;
        await deleteAgentInstance(z.client, "i1", {
            ...z.options,
            settings: { gracefulShutdown: true, gracefulShutdownTimeout: 10, waitForDeletion: true },
            marginSeconds: 5,
        }).catch((e: Error) => (error = e));
        expect(error).to.be.instanceOf(DeletionTimeoutError);
        expect(error!.message).to.contain("last poll failed: QueryAgentInstanceStatus failed: HTTP 500");
        expect(z.clock.t).to.be.within(15_000, 16_000);
    });
});

describe("the delete wait's margin setting", () => {
    it("is 15 s unless zego:deleteWaitMargin or ZEGO_DELETE_WAIT_MARGIN says otherwise (the environment first)", () => {
        const env: Record<string, string> = {};
        const settings = new Settings(env);
        expect(settings.deleteWaitMarginSeconds()).to.equal(15);
        settings.configure({ get: (key) => (key === "zego:deleteWaitMargin" ? "40" : undefined) });
        expect(settings.deleteWaitMarginSeconds()).to.equal(40);
        env.ZEGO_DELETE_WAIT_MARGIN = "5";
        expect(settings.deleteWaitMarginSeconds()).to.equal(5);
    });
});
