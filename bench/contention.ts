/**
 * Contention benchmark (issue 13): K = 10 stacks of M = 10 agent instances each on one ZEGO app,
 * through the real engine (Automation API) against the emulator at ZEGO's documented limit of 10
 * calls per second per action (30 ms latency per request). All `up`s start together, then all
 * `destroy`s; the whole case runs twice. The floor the rate limit imposes is K x M / 10 s for the
 * creates and the same for the deletes; the ratios are wall time / floor: of the engine commands
 * (`pulumi up` and `pulumi destroy`, start-up of K CLIs and providers included, from the release
 * to the last one's last line of output), of the Automation API calls (`up()` also runs `stack
 * output` twice and `stack history`, `destroy()` `stack history`: CLI processes that compete for
 * the same CPUs), the engine commands net of the engine overhead (K empty stacks up and destroyed
 * together, measured in the same run), and, for the pacing alone, first-to-last accepted call /
 * floor.
 *
 *   npm run bench:contention     (= npm run build && node dist/bench/contention.js; also part of npm run bench)
 *
 * Options (environment): BENCH_STACKS (K, default 10), BENCH_INSTANCES (M, default 10),
 * BENCH_RUNS (default 2). The last line is machine-readable:
 *
 *   RESULT contention_succeeded=<ok>/<all> left=<n> up_ratio=<worst> destroy_ratio=<worst> call_ratio=<worst> net_ratio=<worst> span_ratio=<worst> throttled=<n>
 */
import { cpus } from "os";
import { assertNoSecrets, startTestEmulator } from "../testing/engine";
import { runContention } from "../testing/contention";
import { registerAgent, SECRETS } from "../testing/stacks";

const RATE = 10;
const LATENCY_MS = 30;
const K = Number(process.env.BENCH_STACKS ?? 10);
const M = Number(process.env.BENCH_INSTANCES ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const FLOOR_S = (K * M) / RATE;

const fmt = (s: number) => s.toFixed(2);
const log = (line: string) => console.log(line);

async function main(): Promise<void> {
    log(
        `# contention benchmark: ${K} stacks x ${M} instances, emulator ${RATE}/s per action, latency ${LATENCY_MS} ms, ${cpus().length} CPU(s), node ${process.version}`,
    );
    log(`# floor: ${K * M} creates / ${RATE} per s = ${fmt(FLOOR_S)} s, and the same for the deletes`);
    // The engine alone: K empty stacks, up and destroy together.
    const idle = await startTestEmulator({ rateLimitPerSecond: RATE, latencyMs: LATENCY_MS });
    const overhead = await runContention(idle, K, 0).finally(() => idle.close());
    log(
        `# engine overhead: ${K} empty stacks at once: up ${fmt(overhead.upSeconds)} s (call ${fmt(overhead.upCallSeconds)} s), ` +
            `destroy ${fmt(overhead.destroySeconds)} s (call ${fmt(overhead.destroyCallSeconds)} s)`,
    );
    log("");
    log(
        "| run | up ok | destroy ok | up wall (s) | up ratio | up() call (s) | creates span (s) | destroy wall (s) | destroy ratio | destroy() call (s) | deletes span (s) | throttled creates | throttled deletes | left |",
    );
    log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    let succeeded = 0;
    let left = 0;
    let throttled = 0;
    const upRatios: number[] = [];
    const destroyRatios: number[] = [];
    const spanRatios: number[] = [];
    const callRatios: number[] = [];
    const netRatios: number[] = [];
    const errors: string[] = [];
    for (let run = 1; run <= RUNS; run++) {
        const emulator = await startTestEmulator({ rateLimitPerSecond: RATE, latencyMs: LATENCY_MS, concurrencyLimit: K * M + 10 });
        try {
            await registerAgent(emulator);
            const o = await runContention(emulator, K, M);
            succeeded += Math.min(o.upSucceeded, o.destroySucceeded);
            left += o.left.length + o.leftInState;
            throttled += o.throttledCreates + o.throttledDeletes;
            upRatios.push(o.upSeconds / FLOOR_S);
            destroyRatios.push(o.destroySeconds / FLOOR_S);
            spanRatios.push(o.createSpanSeconds / FLOOR_S, o.deleteSpanSeconds / FLOOR_S);
            callRatios.push(o.upCallSeconds / FLOOR_S, o.destroyCallSeconds / FLOOR_S);
            netRatios.push((o.upSeconds - overhead.upSeconds) / FLOOR_S, (o.destroySeconds - overhead.destroySeconds) / FLOOR_S);
            errors.push(...o.errors);
            assertNoSecrets([...o.errors], SECRETS);
            log(
                `| ${run} | ${o.upSucceeded}/${K} | ${o.destroySucceeded}/${K} | ${fmt(o.upSeconds)} | ${fmt(o.upSeconds / FLOOR_S)} | ${fmt(o.upCallSeconds)} | ${fmt(o.createSpanSeconds)} | ` +
                    `${fmt(o.destroySeconds)} | ${fmt(o.destroySeconds / FLOOR_S)} | ${fmt(o.destroyCallSeconds)} | ${fmt(o.deleteSpanSeconds)} | ` +
                    `${o.throttledCreates} | ${o.throttledDeletes} | ${o.left.length + o.leftInState} |`,
            );
        } finally {
            await emulator.close();
        }
    }
    log("");
    for (const e of errors) log(`error: ${e.split("\n").slice(-6).join(" | ")}`);
    const worst = (xs: number[]) => Math.max(...xs).toFixed(2);
    log(
        `RESULT contention_succeeded=${succeeded}/${K * RUNS} left=${left} up_ratio=${worst(upRatios)} destroy_ratio=${worst(destroyRatios)} ` +
            `call_ratio=${worst(callRatios)} net_ratio=${worst(netRatios)} span_ratio=${worst(spanRatios)} throttled=${throttled}`,
    );
    if (succeeded < K * RUNS || left > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
});
