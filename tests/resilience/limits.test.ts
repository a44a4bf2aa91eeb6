/**
 * ZEGO's per-app limit on live instances (default 10 concurrent; 410000011 beyond it), met
 * through the real engine: the 11th instance fails with an error naming the limit, the stack
 * stays consistent with ZEGO (10 in state, the same 10 live) and destroy still works.
 */
import { expect } from "chai";
import { EmulatorHandle } from "../../emulator";
import { assertNoSecrets, emulatorConfig, startTestEmulator, withStack } from "../harness/engine";
import { checkpoint, instanceIdsInState, instancesProgram, occupying, registerAgent, SECRETS } from "./helpers";

const LIMIT = 10;

describe("resilience: service-side limits (real engine)", function () {
    this.timeout(120_000);
    let emulator: EmulatorHandle;

    before(async () => {
        emulator = await startTestEmulator({ concurrencyLimit: LIMIT, rateLimitPerSecond: 10 });
        await registerAgent(emulator);
    });
    after(async () => emulator.close());

    it(`the ${LIMIT + 1}th instance at a limit of ${LIMIT}: a clear 410000011 error; ${LIMIT} in state and live; destroy works`, async () => {
        await withStack(instancesProgram(LIMIT + 1, { gracefulShutdown: false }), emulatorConfig(emulator), async (run) => {
            const failed = await run.up({ onOutput: run.onOutput }).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(failed, "up of 11 instances").to.be.instanceOf(Error);
            const output = run.output.join("\n");
            for (const text of [failed!.message, output]) {
                expect(text).to.contain("CreateAgentInstance failed: ZEGO code 410000011");
                expect(text).to.contain("concurrency limit reached (delete instances or ask ZEGO to raise the limit)");
                expect(text).to.contain(`the limit is ${LIMIT}`);
            }
            // A definitive refusal: not retried, nothing ambiguous about it.
            expect(emulator.requests().filter((r) => r.code === 410000011)).to.have.length(1);
            expect(output).to.not.contain("may or may not have been created");

            const inState = await instanceIdsInState(run);
            expect(inState).to.have.length(LIMIT);
            expect(occupying(emulator), "the same instances live at ZEGO as in state").to.deep.equal(inState);
            expect((await checkpoint(run)).pendingOperations).to.deep.equal([]);
            expect(emulator.stats().duplicateCreations).to.equal(0);

            const destroy = await run.destroy({ onOutput: run.onOutput });
            expect(destroy.summary.result).to.equal("succeeded");
            expect(occupying(emulator)).to.deep.equal([]);
            expect(await instanceIdsInState(run)).to.deep.equal([]);
            assertNoSecrets([await run.exportState(), run.output.join("\n"), failed!.message], SECRETS);
        });
    });
});
