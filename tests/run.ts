/**
 * `npm test`'s runner. The unit and integration tests run in one mocha process; every engine test file
 * (e2e, resilience, model) runs in a mocha process of its own, TEST_JOBS (default: one more than the
 * CPU count) at once, longest first. A process per file keeps each file's inline Pulumi programs apart from every
 * other file's (the Node SDK keeps per-process state and gRPC clients across inline runs), so nothing of
 * the SDK needs patching, and engine tests, which mostly wait on the engine's processes, overlap.
 *
 *   node dist/tests/run.js                 every file
 *   node dist/tests/run.js e2e/plugin      only files whose path contains one of the arguments
 *
 * Each file's output is printed whole when it ends (mocha's summary lines included, which .ci/run
 * adds up), then a table of where the time went. A file that fails, or whose process does not exit
 * once its tests are done (something left open), fails the run.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const DIST_TESTS = __dirname;
const MOCHA = require.resolve("mocha/bin/mocha.js");
/** Engine test files that took longest in CI (the runner's table), started first so the run does not end waiting for one of them. */
const LONGEST_FIRST = [
    "e2e/lifecycle",
    "e2e/examples",
    "model/",
    "e2e/sequences",
    "e2e/release",
    "e2e/upgrade",
    "e2e/secrets",
    "resilience/contention",
    "resilience/interrupt",
    "e2e/migration",
];
/** How long a file's process may live after mocha printed its summary. */
const EXIT_GRACE_MS = 30_000;

interface Job {
    name: string;
    files: string[];
}

interface Outcome {
    name: string;
    seconds: number;
    ok: boolean;
    output: string;
}

function testFiles(dir: string): string[] {
    const root = path.join(DIST_TESTS, dir);
    if (!fs.existsSync(root)) return [];
    return (fs.readdirSync(root, { recursive: true }) as string[])
        .filter((f) => f.endsWith(".test.js"))
        .map((f) => path.join(root, f))
        .sort();
}

function jobs(filters: string[]): Job[] {
    const rel = (f: string) => path.relative(DIST_TESTS, f);
    const wanted = (f: string) => filters.length === 0 || filters.some((s) => rel(f).includes(s));
    const fast = [...testFiles("unit"), ...testFiles("integration")].filter(wanted);
    const engine = ["e2e", "resilience", "model"].flatMap(testFiles).filter(wanted);
    const rank = (f: string) => {
        const i = LONGEST_FIRST.findIndex((p) => rel(f).startsWith(p));
        return i < 0 ? LONGEST_FIRST.length : i;
    };
    engine.sort((a, b) => rank(a) - rank(b));
    return [
        ...engine.map((f) => ({ name: rel(f).replace(/\.test\.js$/, ""), files: [f] })),
        ...(fast.length > 0 ? [{ name: "unit + integration", files: fast }] : []),
    ];
}

function run(job: Job): Promise<Outcome> {
    const started = Date.now();
    const args = [MOCHA, "--no-config", "--timeout", "60000", "--reporter", "spec", ...job.files];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: process.env });
    let output = "";
    let lingering: NodeJS.Timeout | undefined;
    const take = (chunk: Buffer) => {
        output += chunk.toString();
        // mocha's last summary line is "N passing (..)" or, after failures, their report: give it time to exit.
        if (lingering === undefined && /^\s+\d+ passing \(/m.test(output)) {
            lingering = setTimeout(() => {
                output += `\nrun.ts: the process did not exit ${EXIT_GRACE_MS / 1000} s after its tests ended (something left open); killed\n`;
                child.kill("SIGKILL");
            }, EXIT_GRACE_MS);
        }
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    return new Promise((resolve) => {
        child.on("close", (code, signal) => {
            clearTimeout(lingering);
            resolve({ name: job.name, seconds: (Date.now() - started) / 1000, ok: code === 0 && signal === null, output });
        });
    });
}

async function main(): Promise<void> {
    const queue = jobs(process.argv.slice(2));
    if (queue.length === 0) throw new Error(`no test files match ${process.argv.slice(2).join(", ")}`);
    // Engine test files mostly wait on the engine's processes (about 40 % of a core each): one more than the cores keeps them busy.
    const parallel = Math.max(1, Number(process.env.TEST_JOBS ?? os.cpus().length + 1));
    const started = Date.now();
    const outcomes: Outcome[] = [];
    const children = new Set<Promise<void>>();
    const worker = async () => {
        for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
            const outcome = await run(job);
            outcomes.push(outcome);
            process.stdout.write(
                `\n=== ${outcome.name} (${outcome.seconds.toFixed(0)} s${outcome.ok ? "" : ", FAILED"}) ===\n${outcome.output}`,
            );
        }
    };
    for (let i = 0; i < parallel; i++) children.add(worker());
    await Promise.all(children);
    const wall = (Date.now() - started) / 1000;
    const sum = outcomes.reduce((s, o) => s + o.seconds, 0);
    const failed = outcomes.filter((o) => !o.ok);
    console.log(`\n=== where the time went: ${outcomes.length} processes, ${parallel} at once ===`);
    for (const o of [...outcomes].sort((a, b) => b.seconds - a.seconds))
        console.log(`${o.seconds.toFixed(0).padStart(6)} s  ${o.name}${o.ok ? "" : "  FAILED"}`);
    console.log(`wall ${wall.toFixed(0)} s for ${sum.toFixed(0)} s of test processes (${(sum / wall).toFixed(2)} at once on average)`);
    if (failed.length > 0) {
        console.log(`failed: ${failed.map((o) => o.name).join(", ")}`);
        process.exitCode = 1;
    }
}

main().catch((e: Error) => {
    console.error(e.message);
    process.exitCode = 1;
});
