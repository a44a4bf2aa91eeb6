/**
 * Clock skew between the machine running Pulumi and ZEGO. ZEGO rejects a Timestamp more than 10
 * minutes off its clock with 100000004 "signature expired". The emulator's clock is shifted (its
 * `now` option), which is the same as the local clock being off by that much the other way.
 */
import { expect } from "chai";
import { EmulatorHandle } from "../../emulator";
import { assertNoSecrets, emulatorConfig, startTestEmulator, withStack } from "../e2e/harness";
import { checkpoint, instanceIdsInState, instancesProgram, occupying, registerAgent, SECRETS } from "./helpers";

const MINUTE = 60_000;

describe("resilience: clock skew (real engine)", function () {
    this.timeout(120_000);
    let emulator: EmulatorHandle;
    /** How far ZEGO's (the emulator's) clock is ahead of this machine's. */
    let skewMs = 0;

    before(async () => {
        emulator = await startTestEmulator({ now: () => Date.now() + skewMs });
        await registerAgent(emulator);
    });
    after(async () => emulator.close());

    it("11 minutes off: up fails with 100000004 and an error that points at the clock; 5 minutes off: up and destroy work", async () => {
        await withStack(instancesProgram(1), emulatorConfig(emulator), async (run) => {
            skewMs = 11 * MINUTE;
            const before = emulator.stats().requests;
            const failed = await run.stack.up({ onOutput: run.onOutput }).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(failed, "up with the clock 11 minutes off").to.be.instanceOf(Error);
            const output = run.output.join("\n");
            for (const text of [failed!.message, output]) {
                expect(text).to.contain("CreateAgentInstance failed: ZEGO code 100000004");
                expect(text).to.contain("check the machine clock: the timestamp must be within 10 minutes of ZEGO's");
                // The emulator's own detail (real ZEGO's Message may say less; the line above is ours).
                expect(text).to.match(/Timestamp \d+ is 66\d s behind the server clock \(allowed: 600 s\)/);
            }
            // Signature expiry is retried (each attempt is signed afresh), then given up on.
            expect(output).to.match(/Gave up after \d+ attempts/);
            expect(emulator.stats().requests - before).to.be.greaterThan(1);
            expect(emulator.liveInstances(), "nothing was created").to.deep.equal([]);
            expect(await instanceIdsInState(run)).to.deep.equal([]);

            skewMs = 5 * MINUTE;
            const up = await run.stack.up({ onOutput: run.onOutput });
            expect(up.summary.result).to.equal("succeeded");
            expect(occupying(emulator)).to.deep.equal([up.outputs.instance1.value]);
            await run.stack.destroy({ onOutput: run.onOutput });
            expect(occupying(emulator)).to.deep.equal([]);
            expect((await checkpoint(run)).resources.filter((r) => r.type !== "pulumi:pulumi:Stack")).to.have.length.at.most(1); // the default provider at most
            assertNoSecrets([await run.exportState(), run.output.join("\n"), failed!.message], SECRETS);
        });
        skewMs = 0;
    });
});
