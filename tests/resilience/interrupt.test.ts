/**
 * The CLI killed (SIGKILL) during `pulumi up`: the dynamic provider process it started must not
 * outlive it (provider/lifecycle/engineWatch.ts: stdin reaches EOF; log.ts: a broken stderr
 * never throws). The creates already sent still happen at ZEGO, and state holds only pending
 * creates; `pulumi cancel`, `pulumi up` again (same AgentUserIds: ZEGO kicks those instances out)
 * and `pulumi refresh --clear-pending-creates` leave nothing behind.
 *
 * `pulumi destroy` interrupted while a graceful delete waits for a busy agent; the next destroy
 * must finish the job with nothing left behind at ZEGO or in state, run the way a user would.
 *
 * 1. The dynamic provider process is killed (SIGKILL). The engine sees the delete fail, records no
 *    pending operation and releases the stack: a plain second `pulumi destroy` completes.
 * 2. The `pulumi destroy` CLI itself is killed (SIGKILL; a CI runner cancelled hard). The stack
 *    stays locked and holds a pending "deleting" operation; the provider process exits too. The user runs `pulumi cancel` (stack.cancel(), which removes the lock of the
 *    file backend), then `pulumi destroy`: the engine warns about the pending operation and
 *    completes; no `stack export/import` or `refresh --clear-pending-creates` is needed.
 * (A single SIGINT, Automation API `signal`, is gentle: the engine lets the running delete
 * finish and the destroy completes; not repeated here.)
 * In both cases the provider resumes the shutdown it finds (410001041 → wait), which ZEGO ends
 * at the first delete's graceful timeout.
 */
import { expect } from "chai";
import * as fs from "fs";
import { EmulatorHandle } from "../../emulator";
import { assertNoSecrets, emulatorConfig, startTestEmulator, withStack } from "../harness/engine";
import {
    checkpoint,
    cliPid,
    createsSettled,
    dynamicProviderPid,
    instanceIdsInState,
    instancesProgram,
    occupying,
    registerAgent,
    SECRETS,
    waitFor,
} from "./helpers";
import { stackOutput } from "../../scripts/pulumi-env";

const GRACEFUL_TIMEOUT = 10;

/** True while pid runs (a zombie counts as gone). */
function processAlive(pid: number): boolean {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
    } catch {
        return false;
    }
}

describe("resilience: the provider process or the CLI killed mid-create or mid-destroy (real engine)", function () {
    this.timeout(120_000);
    let emulator: EmulatorHandle;

    before(async () => {
        emulator = await startTestEmulator();
    });
    after(async () => emulator.close());
    beforeEach(() => emulator.reset());

    it("SIGKILL of `pulumi up` while creates are in flight: the provider process exits within seconds; cancel + up again kicks the instances it left", async () => {
        await registerAgent(emulator);
        // Slow creates: the CLI dies while the provider is waiting for ZEGO, and the provider logs after it.
        emulator.setFaults({ latencyMs: 1500, actions: ["CreateAgentInstance"] });
        await withStack(instancesProgram(2), emulatorConfig(emulator), async (run) => {
            const up = run.up({ onOutput: run.onOutput }).then(
                () => undefined,
                (e: Error) => e,
            );
            await waitFor("a CreateAgentInstance", 30_000, () => emulator.requests().some((r) => r.action === "CreateAgentInstance"));
            const cli = await waitFor("this stack's `pulumi up`", 10_000, () => cliPid(run, "up"));
            const provider = await waitFor("this stack's dynamic provider process", 10_000, () => dynamicProviderPid(run));
            process.kill(cli, "SIGKILL");
            expect(await up, "the killed up fails").to.be.instanceOf(Error);
            // Waits for the exit (an event), up to a bound; the test fails if it never comes.
            const alive = await waitFor("the provider process to exit", 8_000, () => !processAlive(provider) || undefined).then(
                () => false,
                () => true,
            );
            console.log(`      the provider (pid ${provider}) ${alive ? "is still running" : "exited"} after the CLI was killed`);
            if (alive) process.kill(provider, "SIGKILL");
            expect(alive, "the provider process outlived the killed CLI").to.equal(false);
            // The creates the kill cut off had reached ZEGO, which carries them out (the emulator's
            // abandonedRequests "complete"): live instances that no state records, only pending creates.
            await createsSettled(emulator);
            const creates = () => emulator.requests().filter((r) => r.action === "CreateAgentInstance");
            const afterKill = await checkpoint(run);
            const inState = afterKill.resources.map((r) => r.id);
            const orphans = emulator.liveInstances().filter((i) => !inState.includes(i.agentInstanceId));
            const created = creates().filter((r) => r.code === 0).length;
            console.log(
                `      ${creates().length} create(s) reached the emulator; ${orphans.length} instance(s) live and not in state; ` +
                    `pending in state: ${JSON.stringify(afterKill.pendingOperations.map((p) => p.type))}`,
            );
            expect(orphans.length, "every create that succeeded at ZEGO is live with no id in state")
                .to.equal(created)
                .and.to.be.at.least(1);
            expect(afterKill.pendingOperations.map((p) => p.type)).to.include("creating");

            // The README's recovery: `pulumi cancel` (the killed CLI's lock), `pulumi up` again (its
            // creates reuse each resource's AgentUserId, so ZEGO kicks the orphans out), then
            // `pulumi refresh --clear-pending-creates`.
            emulator.setFaults({});
            await run.stack.cancel();
            const again = await run.up({ onOutput: run.onOutput });
            expect(again.summary.result).to.equal("succeeded");
            for (const orphan of orphans)
                expect(emulator.instance(orphan.agentInstanceId), `orphan ${orphan.agentInstanceId}`).to.include({
                    state: "deleted",
                    deletedReason: "kicked",
                });
            expect(occupying(emulator).sort(), "live: exactly the stack's instances").to.deep.equal((await instanceIdsInState(run)).sort());
            // The up leaves the stale pending creates (no id, nothing live behind them); a refresh drops them.
            expect((await checkpoint(run)).pendingOperations).to.have.length(afterKill.pendingOperations.length);
            await run.refresh({ onOutput: run.onOutput, clearPendingCreates: true });
            expect((await checkpoint(run)).pendingOperations).to.deep.equal([]);
        });
    });

    it("SIGKILL while a graceful delete waits: destroy fails; a second destroy completes and nothing is left", async () => {
        await registerAgent(emulator);
        await withStack(instancesProgram(1, { gracefulShutdownTimeout: GRACEFUL_TIMEOUT }), emulatorConfig(emulator), async (run) => {
            const up = await run.up({ onOutput: run.onOutput });
            const id = stackOutput(up.outputs, "instance1") as string;
            emulator.setBusy(id, { status: "SPEAKING", seconds: 120 });

            const first = run.destroy({ onOutput: run.onOutput }).then(
                () => undefined,
                (e: Error) => e,
            );
            // The delete was sent and the provider now polls the shutting-down instance.
            await waitFor("the graceful DeleteAgentInstance", 30_000, () => emulator.instance(id)?.deleteRequest);
            await waitFor("a status poll", 10_000, () =>
                emulator
                    .requests()
                    .some(
                        (r) => r.action === "QueryAgentInstanceStatus" && (r.body as { AgentInstanceId?: string })?.AgentInstanceId === id,
                    ),
            );
            const pid = await waitFor("this stack's dynamic provider process", 10_000, () => dynamicProviderPid(run));
            process.kill(pid, "SIGKILL");

            const error = await first;
            expect(error, "the interrupted destroy fails").to.be.instanceOf(Error);
            expect(emulator.instance(id)!.state, "ZEGO carries on shutting the agent down").to.equal("shutting-down");

            // The engine kept the instance in state (its delete never completed).
            const afterKill = await checkpoint(run);
            expect(afterKill.resources.map((r) => r.id)).to.include(id);

            // What a user does next: run destroy again. Nothing else was needed (see the report in
            // the test output): the engine itself drops a pending delete from an interrupted run.
            const second = await run.destroy({ onOutput: run.onOutput });
            expect(second.summary.result).to.equal("succeeded");
            const text = second.stdout;
            expect(text, "the provider resumes the shutdown it finds").to.contain(
                `agent instance ${id} is already shutting down (ZEGO 410001041); waiting for it`,
            );

            const instance = emulator.instance(id)!;
            expect(instance.state).to.equal("deleted");
            expect(instance.deletedReason, "forced by the graceful timeout of the first delete").to.equal("graceful-timeout");
            expect(occupying(emulator)).to.deep.equal([]);
            expect(await instanceIdsInState(run)).to.deep.equal([]);
            expect((await checkpoint(run)).pendingOperations).to.deep.equal([]);
            console.log(
                `      after the kill: ${afterKill.pendingOperations.length} pending operation(s) in state ` +
                    `(${JSON.stringify(afterKill.pendingOperations.map((p) => p.type))}); second destroy succeeded without intervention`,
            );
            assertNoSecrets([await run.exportState(), run.output.join("\n"), error!.message], SECRETS);
        });
    });

    it("SIGKILL of the `pulumi destroy` CLI: stack locked with a pending delete; `pulumi cancel` + destroy completes", async () => {
        await registerAgent(emulator);
        await withStack(instancesProgram(1, { gracefulShutdownTimeout: GRACEFUL_TIMEOUT }), emulatorConfig(emulator), async (run) => {
            const up = await run.up({ onOutput: run.onOutput });
            const id = stackOutput(up.outputs, "instance1") as string;
            emulator.setBusy(id, { status: "SPEAKING", seconds: 120 });

            const first = run.destroy({ onOutput: run.onOutput }).then(
                () => undefined,
                (e: Error) => e,
            );
            await waitFor("the graceful DeleteAgentInstance", 30_000, () => emulator.instance(id)?.deleteRequest);
            const cli = await waitFor("this stack's `pulumi destroy`", 10_000, () => cliPid(run, "destroy"));
            const provider = await waitFor("this stack's dynamic provider process", 10_000, () => dynamicProviderPid(run));
            process.kill(cli, "SIGKILL");
            const error = await first;
            expect(error, "the killed destroy fails").to.be.instanceOf(Error);

            // The provider exits by itself once its engine is gone (engineWatch.ts; tested above); if it
            // is still there, end it as the machine's shutdown would, so that it cannot finish the
            // delete behind our back.
            await waitFor("the orphaned provider to exit", 8_000, () => !processAlive(provider) || undefined).catch(() => undefined);
            const orphan = dynamicProviderPid(run);
            if (orphan !== undefined) process.kill(orphan, "SIGKILL");
            console.log(`      the provider (pid ${provider}) ${orphan === provider ? "outlived" : "did not outlive"} the killed CLI`);

            const afterKill = await checkpoint(run);
            expect(afterKill.pendingOperations.map((p) => p.type)).to.deep.equal(["deleting"]);
            expect(emulator.instance(id)!.state).to.equal("shutting-down");

            // A plain retry is refused: the killed CLI's lock is still there.
            const locked = await run.destroy({ onOutput: run.onOutput }).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(locked?.message).to.match(/the stack is currently locked/);
            expect(locked?.message).to.contain("pulumi cancel");

            await run.stack.cancel();
            const second = await run.destroy({ onOutput: run.onOutput });
            expect(second.summary.result).to.equal("succeeded");
            expect(second.stdout).to.contain("1 pending operations from previous deployment");
            expect(second.stdout).to.contain(`agent instance ${id} is already shutting down (ZEGO 410001041); waiting for it`);

            expect(emulator.instance(id)!.state).to.equal("deleted");
            expect(occupying(emulator)).to.deep.equal([]);
            expect(await instanceIdsInState(run)).to.deep.equal([]);
            expect((await checkpoint(run)).pendingOperations).to.deep.equal([]);
            assertNoSecrets([await run.exportState(), run.output.join("\n"), error!.message, locked!.message], SECRETS);
        });
    });
});
