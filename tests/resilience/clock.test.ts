/**
 * Clock skew between the machine running Pulumi and ZEGO. ZEGO rejects a Timestamp more than 10
 * minutes off its clock with 100000004 "signature expired". The emulator's clock is shifted (its
 * `now` option), which is the same as the local clock being off by that much the other way. The
 * client learns the offset from the response's Date header and re-sends once (issue 10; old code:
 * six attempts with the same skewed clock, then a failed `up`).
 */
import { expect } from "chai";
import { EmulatorHandle } from "../../emulator";
import { assertNoSecrets, emulatorConfig, startTestEmulator, withStack } from "../harness/engine";
import { checkpoint, instanceIdsInState, instancesProgram, occupying, registerAgent, SECRETS } from "./helpers";
import { stackOutput } from "../../scripts/pulumi-env";

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

    it("11 minutes off: a 100000004 per call in flight, then the provider corrects its clock from the Date header; up and destroy work", async () => {
        await withStack(instancesProgram(2), emulatorConfig(emulator), async (run) => {
            skewMs = 11 * MINUTE;
            run.convergeAfterUp = false; // counted below: the up's own requests only
            const first = emulator.requests().length;
            const up = await run.up({ onOutput: run.onOutput });
            expect(up.summary.result).to.equal("succeeded");
            const codes = emulator
                .requests()
                .slice(first)
                .map((r) => r.code);
            // One refused request per create already in flight when the first answer came back;
            // after that every signature (in this provider process) is corrected.
            expect(codes.filter((c) => c === 100000004)).to.have.length.within(1, 2);
            expect(codes.filter((c) => c !== 100000004 && c !== 0)).to.deep.equal([]);
            expect(occupying(emulator)).to.deep.equal([stackOutput(up.outputs, "instance1"), stackOutput(up.outputs, "instance2")].sort());
            await run.checkConverged();
            await run.destroy({ onOutput: run.onOutput });
            expect(occupying(emulator)).to.deep.equal([]);
            expect(await instanceIdsInState(run)).to.deep.equal([]);
            expect((await checkpoint(run)).resources.filter((r) => r.type !== "pulumi:pulumi:Stack")).to.have.length.at.most(1); // the default provider at most
            assertNoSecrets([await run.exportState(), run.output.join("\n")], SECRETS);
        });
        skewMs = 0;
    });
});
