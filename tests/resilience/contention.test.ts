/**
 * Many ephemeral stacks at once on one ZEGO app (issue 13), through the real engine: 4 stacks of
 * 5 instances, `up` together then `destroy` together, against an app limit of 2 calls per second
 * per action, while each stack's provider starts pacing itself at the default 10/s. Every stack
 * succeeds and nothing is left. (Old code: throttled creates were dropped after 6 attempts, about
 * 6 s of backoff, while the 20 creates need 10 s at 2/s.) The full case (10 x 10 at 10/s) is
 * `npm run bench:contention` (BENCHMARKS.md).
 */
import { expect } from "chai";
import { EmulatorHandle } from "../../emulator";
import { assertNoSecrets, startTestEmulator } from "../../testing/engine";
import { runContention } from "../../testing/contention";
import { registerAgent, SECRETS } from "./helpers";

const STACKS = 4;
const INSTANCES = 5;
const LIMIT = 2;

describe("resilience: many stacks at once on one app (real engine)", function () {
    this.timeout(300_000);
    let emulator: EmulatorHandle;

    before(async () => {
        emulator = await startTestEmulator({ rateLimitPerSecond: LIMIT, concurrencyLimit: STACKS * INSTANCES + 10 });
        await registerAgent(emulator);
    });
    after(async () => emulator.close());

    it(`${STACKS} stacks x ${INSTANCES} instances at ${LIMIT}/s per action: every up and destroy succeeds, nothing is left`, async () => {
        const outcome = await runContention(emulator, STACKS, INSTANCES);
        expect(outcome.errors, outcome.errors.join("\n")).to.deep.equal([]);
        expect(outcome.upSucceeded).to.equal(STACKS);
        expect(outcome.destroySucceeded).to.equal(STACKS);
        expect(outcome.left, "instances left at ZEGO").to.deep.equal([]);
        expect(outcome.leftInState).to.equal(0);
        // The contention was real: the stacks were throttled and had to share.
        expect(outcome.throttledCreates + outcome.throttledDeletes).to.be.greaterThan(0);
        const creates = emulator.requests().filter((r) => r.action === "CreateAgentInstance" && r.code === 0);
        expect(creates).to.have.length(STACKS * INSTANCES);
        expect(emulator.stats().duplicateCreations).to.equal(0);
        assertNoSecrets([outcome.errors.join("\n")], SECRETS);
    });
});
