/**
 * Many ephemeral stacks at once on one ZEGO app (issue 13), through the real engine: 4 stacks of
 * 5 instances, `up` together then `destroy` together, against an app limit of 2 calls per second
 * per action, while each stack's provider starts pacing itself at the default 10/s. Every stack
 * succeeds and nothing is left, with the dynamic resources and with the zego plugin (the same client
 * in another process). (Old code: throttled creates were dropped after 6 attempts, about
 * 6 s of backoff, while the 20 creates need 10 s at 2/s.) The full case (10 x 10 at 10/s) is
 * `npm run bench:contention` (BENCHMARKS.md).
 */
import { expect } from "chai";
import { assertNoSecrets, startTestEmulator } from "../harness/engine";
import { runContention } from "../harness/contention";
import { registerAgent, SECRETS } from "./helpers";

const STACKS = 4;
const INSTANCES = 5;
const LIMIT = 2;

describe("resilience: many stacks at once on one app (real engine)", function () {
    this.timeout(300_000);

    for (const provider of ["dynamic", "plugin"] as const) {
        it(`${STACKS} stacks x ${INSTANCES} instances at ${LIMIT}/s per action (${provider === "dynamic" ? "dynamic resources" : "the zego plugin"}): every up and destroy succeeds, nothing is left`, async () => {
            const emulator = await startTestEmulator({ rateLimitPerSecond: LIMIT, concurrencyLimit: STACKS * INSTANCES + 10 });
            try {
                await registerAgent(emulator);
                const outcome = await runContention(emulator, { stacks: STACKS, instances: INSTANCES, provider });
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
            } finally {
                await emulator.close();
            }
        });
    }
});
