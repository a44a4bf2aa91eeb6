/**
 * The harness against the Pulumi SDK losing a registration (testing/sdkWatch.ts). Seen in CI once:
 * a preview planned deletes of resources the program registers, and the up after it updated them.
 * Reproduced here by registering outside the run's async-local store, the way the SDK then does
 * it (against no monitor, so the engine never hears of the resources).
 */
import { expect } from "chai";
import * as sinon from "sinon";
import { EmulatorHandle } from "../../emulator";
import { emulatorConfig, InvariantError, previewFailure, startTestEmulator, withStack } from "../../testing/engine";
import { upgradeProgram } from "../../testing/upgradeProgram";

/** The store the SDK keeps each run's settings in (internal to the SDK). */
const runStore = (globalThis as unknown as { asyncLocalStorage: { exit<T>(fn: () => T): T } }).asyncLocalStorage;

describe("e2e: the harness and the Pulumi SDK losing registrations", function () {
    this.timeout(180_000);
    let emulator: EmulatorHandle;
    before(async () => (emulator = await startTestEmulator()));
    after(async () => emulator.close());
    afterEach(() => sinon.restore());

    /** The upgrade program; the run numbered `spoil` builds its resources outside the run's store. */
    function program(model: () => string, spoil: () => number) {
        let runs = 0;
        const run = async () => {
            runs++;
            return runs === spoil() ? runStore.exit(() => upgradeProgram(model())) : upgradeProgram(model());
        };
        return { run, runs: () => runs };
    }

    it("a preview that lost its registrations (it plans deletes) is run again, saying so; the up after it passes the invariant", async () => {
        emulator.reset();
        let model = "m";
        let spoil = 0;
        const p = program(
            () => model,
            () => spoil,
        );
        await withStack(p.run, emulatorConfig(emulator), async (run) => {
            await run.stack.up({ onOutput: run.onOutput });
            const log = sinon.spy(console, "log");
            model = "m2";
            spoil = p.runs() + 1; // the harness's preview before this up
            const up = await run.stack.up({ onOutput: run.onOutput });
            expect(up.summary.resourceChanges).to.deep.equal({ same: 1, update: 2 });
            expect(run.checked.previewEqualsUp).to.equal(2);
            const said = log.getCalls().map((c) => String(c.args[0]));
            expect(said.some((l) => /the Pulumi SDK lost resource registrations in a preview; running it again/.test(l))).to.equal(true);
            expect(said.some((l) => /outside the run's async context/.test(l) && /no monitor/.test(l))).to.equal(true);
        });
    });

    it("an up that lost its registrations fails the invariant, naming what the SDK did", async () => {
        emulator.reset();
        let spoil = 0;
        const p = program(
            () => "m",
            () => spoil,
        );
        await withStack(p.run, emulatorConfig(emulator), async (run) => {
            await run.stack.up({ onOutput: run.onOutput });
            spoil = p.runs() + 2; // the up itself (its preview comes first)
            const error = await run.stack.up({ onOutput: run.onOutput }).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(error).to.be.instanceOf(InvariantError);
            expect(error!.message).to.match(
                /^invariant violated: up succeeded, but the Pulumi SDK lost resource registrations in it:\noutside the run's async context, at[^]*\nno monitor, at/,
            );
        });
    });

    it("a preview that must fail but succeeds is run again, then fails with the SDK's incidents and the engine's log of the program's run", async () => {
        await withStack(
            async () => {},
            emulatorConfig(emulator),
            async (run) => {
                const log = sinon.spy(console, "log");
                const error = await previewFailure(run).then(
                    () => undefined,
                    (e: Error) => e,
                );
                expect(log.getCalls().some((c) => /attempt 1\)[^]*running it again$/.test(String(c.args[0])))).to.equal(true);
                expect(error?.message).to.match(/^preview succeeded although its program fails \(attempt 2\);\nSDK incidents: none\n/);
                // The log lines prove the engine's log was found and read: the language host's Run, and how the program ended.
                expect(error?.message).to.match(/engine log of the program's run:\n[^]*langhost\[[^\]]*\]\.Run\([^]*success: progerr=,/);
                expect(error?.message).to.contain(" SignalAndWaitForShutdown completed\n").and.contain(" Program exited with no error");
            },
        );
    });
});
