/**
 * `npm run fuzz`: random sequences of the model (operations.test.ts) for FUZZ_MINUTES (default 60),
 * each in a mocha process of its own, from FUZZ_SEED (default: random) on, one seed per sequence.
 * One process per sequence, as docs/guide.md advises for the Automation API: the Pulumi Node SDK
 * leaves each inline run's gRPC clients open and grpc-js shares connections by address within a
 * process, so a long run of stacks in one process sooner or later hands a new engine a dead
 * connection (`14 UNAVAILABLE: No connection established`; seen twice in 40 sequences run in one process).
 *
 * A failure stops the run and prints how to replay it: FUZZ_SEED=<seed> FUZZ_RUNS=1 npm run fuzz
 * (with FUZZ_RUNS or FUZZ_PATH set, this runs one mocha process with the variables as given).
 */
import { spawnSync } from "child_process";
import * as path from "path";

const MOCHA = require.resolve("mocha/bin/mocha.js");
const TEST = path.join(__dirname, "operations.test.js");

function runMocha(env: Record<string, string>): number {
    const result = spawnSync(process.execPath, [MOCHA, "--no-config", "--timeout", "0", TEST], {
        stdio: "inherit",
        env: { ...process.env, FUZZ: "1", ...env },
    });
    return result.status ?? 1;
}

function main(): number {
    if (process.env.FUZZ_RUNS !== undefined || process.env.FUZZ_PATH !== undefined) return runMocha({});
    const minutes = Number(process.env.FUZZ_MINUTES ?? 60);
    const first = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
    const deadline = Date.now() + minutes * 60_000;
    console.log(`fuzz: one sequence per process, seeds from ${first} on, for ${minutes} minutes`);
    let sequences = 0;
    while (Date.now() < deadline) {
        const seed = (first + sequences) % 2 ** 31;
        const status = runMocha({ FUZZ_SEED: String(seed), FUZZ_RUNS: "1", FUZZ_MINUTES: String(minutes) });
        if (status !== 0) {
            console.log(
                `fuzz: the sequence of seed ${seed} failed after ${sequences} passed; replay: FUZZ_SEED=${seed} FUZZ_RUNS=1 npm run fuzz`,
            );
            return 1;
        }
        sequences++;
    }
    console.log(`fuzz: ${sequences} sequences passed (seeds ${first} to ${(first + sequences - 1) % 2 ** 31})`);
    return 0;
}

process.exit(main());
