/**
 * `pulumi up` and `pulumi destroy` of 10 agent instances through the real engine while the
 * emulator injects faults in front of the service (phase "before": the failed request had no
 * effect): 20% HTTP 5xx, 10% connection resets, latency spikes, a throttling burst and one request
 * that hangs past the client's timeout (zego:requestTimeoutMs).
 *
 * What the provider can and cannot absorb, and so what this test expects:
 * - reads, deletes and status polls are retried (resets, HTTP 5xx, 429, timeouts): they are safe
 *   to repeat (a repeated delete answers 410001002, which counts as gone);
 * - a create is retried only when it provably had no effect (503, 429, refused connections). A
 *   reset, a timeout or a 500/502/504 may come after ZEGO created the instance, and a blind retry
 *   could leave an orphan, so the create fails and the engine keeps nothing in state for it.
 * So, as an ephemeral-environment script would, each command runs with --continue-on-error and is
 * re-run until it succeeds, at most 4 times. Re-running is safe: a failed create never took effect
 * here ("before"), a resource left "failed to initialize" is updated (not created) on the next
 * run, and deletes are idempotent. The end state must be exact: every instance created once
 * (0 duplicate creations at the emulator) and, after destroy, none left.
 *
 * Determinism: the emulator draws faults from a seeded PRNG in request arrival order. With
 * `parallel: 1` the engine runs one step at a time, so the request order, and hence which request
 * gets which fault, is the same on every run; the seeds below were chosen so that every fault
 * kind is hit, and the number of runs needed is printed.
 * Not every seed passes in 4 runs, and that is the statistics, not a bug: a create fails a run
 * with p ≈ 0.24 (reset 0.1, or 500/502/504 on 15% of the rest, plus the hung request), so one
 * instance fails 4 runs in a row with p ≈ 0.3%, and some instance of 10 with p ≈ 3%. If a change to the provider's request sequence
 * makes these seeds need a 4th run, try others (RESILIENCE_UP_SEED / RESILIENCE_DESTROY_SEED) and
 * check that the failures are the expected kinds (the engine output lists them).
 */
import { expect } from "chai";
import { EmulatorHandle, FaultOptions } from "../../emulator";
import { assertNoSecrets, emulatorConfig, startTestEmulator, withStack } from "../harness/engine";
import { checkpoint, instanceIdsInState, instancesProgram, occupying, registerAgent, retried, SECRETS, withConfig } from "./helpers";

const N = 10;
// The seeds below need 3 runs of `up` and 1 of `destroy` (deterministic: see below); one spare run
// keeps a small change to the provider's request sequence from failing the test on statistics alone.
const MAX_RUNS = 4;
const REQUEST_TIMEOUT_MS = 2500;

const MIX: FaultOptions = {
    http5xxRate: 0.2,
    resetRate: 0.1,
    latencySpikeRate: 0.15,
    latencySpikeMs: 400,
    throttleBurst: 2,
    hangNext: 1,
    phase: "before",
};
const UP_FAULTS: FaultOptions = { ...MIX, seed: Number(process.env.RESILIENCE_UP_SEED ?? 7) };
const DESTROY_FAULTS: FaultOptions = { ...MIX, seed: Number(process.env.RESILIENCE_DESTROY_SEED ?? 11) };

describe("resilience: up and destroy under injected faults (real engine)", function () {
    this.timeout(150_000);
    let emulator: EmulatorHandle;

    before(async () => {
        emulator = await startTestEmulator({ rateLimitPerSecond: 0 });
    });
    after(async () => emulator.close());

    it(`${N} instances: up and destroy succeed within ${MAX_RUNS} runs each; 0 live left, 0 duplicate creations`, async () => {
        await registerAgent(emulator);
        const config = withConfig(emulatorConfig(emulator), { "zego:requestTimeoutMs": String(REQUEST_TIMEOUT_MS) });
        await withStack(instancesProgram(N, { gracefulShutdown: false }), config, async (run) => {
            emulator.setFaults(UP_FAULTS);
            const upStart = emulator.requests().length;
            const up = await retried(MAX_RUNS, () => run.up({ onOutput: run.onOutput, parallel: 1, continueOnError: true }));
            const upLog = emulator.requests().slice(upStart);

            const inState = await instanceIdsInState(run);
            expect(inState, "instances in state after up").to.have.length(N);
            expect(occupying(emulator), "live instances = instances in state").to.deep.equal(inState);
            expect(emulator.stats().duplicateCreations, "orphans of a retried create").to.equal(0);
            const outputs = await run.outputs();
            expect(Object.keys(outputs)).to.have.length(N);

            emulator.setFaults(DESTROY_FAULTS);
            const destroyStart = emulator.requests().length;
            const destroy = await retried(MAX_RUNS, () => run.destroy({ onOutput: run.onOutput, parallel: 1, continueOnError: true }));
            const destroyLog = emulator.requests().slice(destroyStart);
            emulator.setFaults({});

            expect(occupying(emulator), "instances left at the emulator").to.deep.equal([]);
            expect(await instanceIdsInState(run), "instances left in state").to.deep.equal([]);
            expect((await checkpoint(run)).pendingOperations).to.deep.equal([]);
            const stats = emulator.stats();
            expect(stats.duplicateCreations).to.equal(0);
            expect(stats.maxLive).to.be.at.most(N);
            // Every instance was created exactly once: successful creates = N.
            const created = emulator.instances().filter((i) => i.action === "CreateAgentInstance");
            expect(created, "instances ever created").to.have.length(N);

            // The faults really happened, in both phases.
            const kinds = (log: typeof upLog) => new Set(log.map((r) => r.fault?.kind).filter((k) => k !== undefined));
            for (const [phase, log] of [
                ["up", upLog],
                ["destroy", destroyLog],
            ] as const) {
                const seen = kinds(log);
                for (const kind of ["http5xx", "reset", "hang", "throttle", "latency-spike"])
                    expect(seen, `${kind} during ${phase}`).to.include(kind);
            }
            // The hung request was given up on after the configured timeout, not the default 10 s.
            expect(run.output.join("\n") + up.errors.join("\n")).to.contain(`within ${REQUEST_TIMEOUT_MS} ms`);

            const summary = (name: string, log: typeof upLog, runs: number) => {
                const count = (kind: string) => log.filter((r) => r.fault?.kind === kind).length;
                return (
                    `${name}: ${runs} run(s), ${log.length} requests, faults: ${count("http5xx")} 5xx, ${count("reset")} resets, ` +
                    `${count("hang")} hang, ${count("throttle")} throttled, ${count("latency-spike")} latency spikes`
                );
            };
            console.log(`      ${summary("up", upLog, up.tries)}\n      ${summary("destroy", destroyLog, destroy.tries)}`);

            assertNoSecrets([await run.exportState(), run.output.join("\n"), ...up.errors, ...destroy.errors], SECRETS);
        });
    });

    it("destroy while every status poll is throttled: fails within its bound (not the client's 300 s throttle deadline), says what happened, keeps the instance in state; destroy again succeeds", async () => {
        await registerAgent(emulator);
        // Bound: gracefulShutdownTimeout 1 s + zego:deleteWaitMargin 1 s.
        const BOUND_S = 2;
        const config = withConfig(emulatorConfig(emulator), { "zego:deleteWaitMargin": String(BOUND_S - 1) });
        await withStack(instancesProgram(1, { gracefulShutdownTimeout: 1 }), config, async (run) => {
            await run.up({ onOutput: run.onOutput });
            const [id] = await instanceIdsInState(run);
            // Busy past its graceful timeout, as a speaking agent would be.
            emulator.setBusy(id!, { seconds: 30 });
            emulator.setFaults({ throttleBurst: 1_000_000, actions: ["QueryAgentInstanceStatus"] });

            const started = Date.now();
            const failure = await run.destroy({ onOutput: run.onOutput }).then(
                () => undefined,
                (e: Error) => e,
            );
            const seconds = (Date.now() - started) / 1000;
            emulator.setFaults({});

            expect(failure, "destroy fails").to.be.instanceOf(Error);
            // The engine's own start and stop take a few seconds; the client alone would have retried for 300 s.
            expect(seconds, "the whole `pulumi destroy`").to.be.below(BOUND_S + 10);
            const said = `${failure!.message}\n${run.output.join("\n")}`;
            expect(said)
                .to.contain("bounded by 2 s (the graceful timeout of 1 s plus a margin of 1 s)")
                .and.contain("the status poll under way was cut off at the bound")
                .and.match(/QueryAgentInstanceStatus was cancelled waiting to retry .*throttled answers?/)
                .and.contain("stays in the Pulumi state");
            const took = Number(
                /was not seen gone ([\d.]+) s after delete started|still exists ([\d.]+) s after/.exec(said)?.slice(1).find(Boolean),
            );
            expect(took, "the provider's own account of the time").to.be.within(BOUND_S, BOUND_S + 0.5);
            expect(emulator.requests().filter((r) => r.action === "QueryAgentInstanceStatus" && r.fault?.kind === "throttle")).to.not.be
                .empty;
            expect(await instanceIdsInState(run), "the instance stays in state").to.deep.equal([id]);

            await run.destroy({ onOutput: run.onOutput });
            expect(await instanceIdsInState(run), "instances left in state").to.deep.equal([]);
            expect(occupying(emulator), "instances left at the emulator").to.deep.equal([]);
            assertNoSecrets([await run.exportState(), said], SECRETS);
        });
    });
});
