/**
 * Contention benchmark (issue 13): K = 10 stacks of M = 10 agent instances each on one ZEGO app,
 * through the real engine (Automation API) against the emulator at ZEGO's documented limit of 10
 * calls per second per action (30 ms latency per request). All `up`s start together, then all
 * `destroy`s; the whole case runs twice, with each of two providers: the dynamic resources (one
 * dynamic provider host per stack, `@pulumi/pulumi`'s Node process) and the zego plugin (its own
 * Node process, installed from dist/ into each stack's PULUMI_HOME). The floor the rate limit imposes is K x M / 10 s for the
 * creates and the same for the deletes; the ratios are wall time / floor: of the engine commands
 * (`pulumi up` and `pulumi destroy`, start-up of K CLIs and providers included, from the release
 * to the last one's last line of output), of the Automation API calls (`up()` also runs `stack
 * output` twice and `stack history`, `destroy()` `stack history`: CLI processes that compete for
 * the same CPUs), the engine commands net of the engine overhead (K empty stacks up and destroyed
 * together, measured in the same run), and, for the pacing alone, first-to-last accepted call /
 * floor; and from the release to the first accepted create (delete): K CLIs and K provider
 * processes starting on the same CPUs. Each run also prints what the machine's CPUs did from each
 * release to the last call returning (tests/harness/cpu.ts): the share of all CPU time busy, and the
 * share a shared host (a cloud VM) gave to other machines (steal). Near 100 % busy, the wall time
 * is the CPUs', not the pacing's. A second table says which processes used that CPU time
 * (tests/harness/processCpu.ts, sampled every 100 ms), and the CPU floor: those CPU-seconds / the CPUs,
 * the least wall time in which this machine could have run them.
 *
 *   npm run bench:contention     (= npm run plugin && node dist/tests/bench/contention.js; also part of npm run bench)
 *
 * The stacks keep their secrets in a key management service (tests/harness/kms.ts), as stacks on Pulumi
 * Cloud or with a cloud KMS do: with the passphrase provider, every CLI command that loads a stack
 * also derives its key (1,000,000 PBKDF2 iterations, tests/bench/cliReads.ts), which ten CI jobs pay on
 * ten machines but this benchmark's ten stacks on the same CPUs.
 *
 * Options (environment): BENCH_STACKS (K, default 10), BENCH_INSTANCES (M, default 10),
 * BENCH_RUNS (default 2), BENCH_PROVIDERS (default dynamic,plugin), BENCH_SECRETS (kms, the
 * default, or passphrase). The last line is machine-readable:
 *
 *   RESULT contention_succeeded=<ok>/<all> left=<n> up_ratio=<worst> destroy_ratio=<worst> call_ratio=<worst> net_ratio=<worst> span_ratio=<worst>
 *          plugin_up_ratio=<worst> ... plugin_span_ratio=<worst> host_load_s=<s> up_ratio_less_host_load=<worst>
 *          destroy_ratio_less_host_load=<worst> throttled=<n> secrets=<kms|passphrase>
 *
 * (one line; the unprefixed ratios are the dynamic resources', the plugin_ ones the plugin's;
 * host_load_s is K loads of @pulumi/pulumi on the machine's CPUs, the dynamic provider hosts'
 * start-up, which the *_less_host_load ratios take off the dynamic resources' worst wall times).
 */
import { cpus } from "os";
import { assertNoSecrets, startTestEmulator } from "../harness/engine";
import { ContentionProvider, ContentionSecrets, runContention } from "../harness/contention";
import { CpuShare, sdkLoadCpuSeconds } from "../harness/cpu";
import { CpuByKind, PROCESS_KINDS } from "../harness/processCpu";
import { registerAgent, SECRETS } from "../harness/stacks";

const RATE = 10;
const LATENCY_MS = 30;
const K = Number(process.env.BENCH_STACKS ?? 10);
const M = Number(process.env.BENCH_INSTANCES ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const FLOOR_S = (K * M) / RATE;
const PROVIDERS = (process.env.BENCH_PROVIDERS ?? "dynamic,plugin").split(",") as ContentionProvider[];
for (const p of PROVIDERS)
    if (p !== "dynamic" && p !== "plugin") throw new Error(`BENCH_PROVIDERS: "dynamic", "plugin" or both (comma-separated), not "${p}"`);
const SECRETS_AT = (process.env.BENCH_SECRETS ?? "kms") as ContentionSecrets;
if (SECRETS_AT !== "kms" && SECRETS_AT !== "passphrase") throw new Error(`BENCH_SECRETS: "kms" or "passphrase", not "${SECRETS_AT}"`);

/** Wall time / floor, per run (up and destroy), for one provider. */
interface Ratios {
    up: number[];
    destroy: number[];
    call: number[];
    net: number[];
    span: number[];
}
const newRatios = (): Ratios => ({ up: [], destroy: [], call: [], net: [], span: [] });

const fmt = (s: number) => s.toFixed(2);

/** busy/steal, in percent of all CPUs' time. */
const cpuCell = (c: CpuShare | undefined) => (c === undefined ? "n/a" : `${c.busyPercent.toFixed(0)}/${c.stealPercent.toFixed(0)}`);
const log = (line: string) => console.log(line);
const cpuSum = (c: CpuByKind) => PROCESS_KINDS.reduce((a, k) => a + c[k], 0);
/** A row of the CPU table: a phase's wall time to the last call returning, its CPU-seconds by kind of process, and the CPU floor. */
const cpuRow = (label: string, wall: number, c: CpuByKind | undefined) =>
    c === undefined
        ? `| ${label} | ${fmt(wall)} | n/a |`
        : `| ${label} | ${fmt(wall)} | ${cpuSum(c).toFixed(1)} | ${fmt(cpuSum(c) / cpus().length)} | ${PROCESS_KINDS.map((k) => c[k].toFixed(1)).join(" | ")} |`;

async function main(): Promise<void> {
    log(
        `# contention benchmark: ${K} stacks x ${M} instances, emulator ${RATE}/s per action, latency ${LATENCY_MS} ms, ${cpus().length} CPU(s), node ${process.version}`,
    );
    log(`# floor: ${K * M} creates / ${RATE} per s = ${fmt(FLOOR_S)} s, and the same for the deletes`);
    const sdkLoad = sdkLoadCpuSeconds();
    /** The dynamic provider hosts' start-up, Pulumi's: K loads of the SDK on the machine's CPUs. */
    const hostLoadS = (K * sdkLoad) / cpus().length;
    log(
        `# this machine: a fresh node loads @pulumi/pulumi/runtime in ${fmt(sdkLoad)} CPU-s (median of 5), as every dynamic provider host does first: ` +
            `${K} hosts on ${cpus().length} CPUs, ${fmt(hostLoadS)} s`,
    );
    log(`# stacks' secrets: ${SECRETS_AT === "kms" ? "a key management service (tests/harness/kms.ts)" : "the passphrase provider"}`);
    // The engine alone: K empty stacks, up and destroy together.
    const idle = await startTestEmulator({ rateLimitPerSecond: RATE, latencyMs: LATENCY_MS });
    const overhead = await runContention(idle, { stacks: K, instances: 0, secrets: SECRETS_AT }).finally(() => idle.close());
    log(
        `# engine overhead: ${K} empty stacks at once: up ${fmt(overhead.upSeconds)} s (call ${fmt(overhead.upCallSeconds)} s), ` +
            `destroy ${fmt(overhead.destroySeconds)} s (call ${fmt(overhead.destroyCallSeconds)} s); CPU busy/steal % ${cpuCell(overhead.upCpu)} and ${cpuCell(overhead.destroyCpu)}`,
    );
    log("");
    log(
        "| provider | run | up ok | destroy ok | up wall (s) | up ratio | up() call (s) | first create (s) | creates span (s) | last request (s) | destroy wall (s) | destroy ratio | destroy() call (s) | first delete (s) | deletes span (s) | last request (s) | throttled creates | throttled deletes | left | up CPU busy/steal % | destroy CPU busy/steal % |",
    );
    log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    let succeeded = 0;
    let left = 0;
    let throttled = 0;
    const ratios = { dynamic: newRatios(), plugin: newRatios() };
    const errors: string[] = [];
    const cpuRows: string[] = [];
    /** Destroys whose requests went on after the last accepted delete, printed after the tables. */
    const tails: string[] = [];
    for (let run = 1; run <= RUNS; run++) {
        for (const provider of PROVIDERS) {
            const emulator = await startTestEmulator({ rateLimitPerSecond: RATE, latencyMs: LATENCY_MS, concurrencyLimit: K * M + 10 });
            try {
                await registerAgent(emulator);
                const o = await runContention(emulator, { stacks: K, instances: M, provider, secrets: SECRETS_AT, cpuByProcess: true });
                const r = ratios[provider];
                succeeded += Math.min(o.upSucceeded, o.destroySucceeded);
                left += o.left.length + o.leftInState;
                throttled += o.throttledCreates + o.throttledDeletes;
                r.up.push(o.upSeconds / FLOOR_S);
                r.destroy.push(o.destroySeconds / FLOOR_S);
                r.span.push(o.createSpanSeconds / FLOOR_S, o.deleteSpanSeconds / FLOOR_S);
                r.call.push(o.upCallSeconds / FLOOR_S, o.destroyCallSeconds / FLOOR_S);
                r.net.push((o.upSeconds - overhead.upSeconds) / FLOOR_S, (o.destroySeconds - overhead.destroySeconds) / FLOOR_S);
                errors.push(...o.errors.map((e) => `${provider}: ${e}`));
                assertNoSecrets([...o.errors], SECRETS);
                log(
                    `| ${provider} | ${run} | ${o.upSucceeded}/${K} | ${o.destroySucceeded}/${K} | ${fmt(o.upSeconds)} | ${fmt(o.upSeconds / FLOOR_S)} | ${fmt(o.upCallSeconds)} | ${fmt(o.firstCreateSeconds)} | ${fmt(o.createSpanSeconds)} | ${fmt(o.lastUpRequestSeconds)} | ` +
                        `${fmt(o.destroySeconds)} | ${fmt(o.destroySeconds / FLOOR_S)} | ${fmt(o.destroyCallSeconds)} | ${fmt(o.firstDeleteSeconds)} | ${fmt(o.deleteSpanSeconds)} | ${fmt(o.lastDestroyRequestSeconds)} | ` +
                        `${o.throttledCreates} | ${o.throttledDeletes} | ${o.left.length + o.leftInState} | ${cpuCell(o.upCpu)} | ${cpuCell(o.destroyCpu)} |`,
                );
                if (o.destroyTail.length > 0)
                    tails.push(
                        `${provider} run ${run}: requests from 1 s before the last accepted delete on:`,
                        ...o.destroyTail.map((l) => `  ${l}`),
                    );
                cpuRows.push(cpuRow(`${provider} | ${run} | up`, o.upCallSeconds, o.upCpuByKind));
                cpuRows.push(cpuRow(`${provider} | ${run} | destroy`, o.destroyCallSeconds, o.destroyCpuByKind));
            } finally {
                await emulator.close();
            }
        }
    }
    log("");
    log(`CPU-seconds by kind of process, from each release to the last call returning; CPU floor = CPU-seconds / ${cpus().length} CPUs:`);
    log("");
    log(`| provider | run | phase | wall (s) | CPU-s | CPU floor (s) | ${PROCESS_KINDS.join(" | ")} |`);
    log(`|---|---|---|---|---|---|${PROCESS_KINDS.map(() => "---|").join("")}`);
    for (const row of cpuRows) log(row);
    if (tails.length > 0) {
        log("");
        log("Destroys whose requests went on more than 0.7 s after their last accepted delete (status polls):");
        for (const line of tails) log(line);
    }
    log("");
    for (const e of errors) log(`error: ${e.split("\n").slice(-6).join(" | ")}`);
    const worst = (xs: number[], less = 0) => (Math.max(...xs) - less).toFixed(2);
    const of = (r: Ratios, prefix = "") =>
        `${prefix}up_ratio=${worst(r.up)} ${prefix}destroy_ratio=${worst(r.destroy)} ${prefix}call_ratio=${worst(r.call)} ` +
        `${prefix}net_ratio=${worst(r.net)} ${prefix}span_ratio=${worst(r.span)}`;
    log(
        `RESULT contention_succeeded=${succeeded}/${K * RUNS * PROVIDERS.length} left=${left} ` +
            PROVIDERS.map((p) => of(ratios[p], p === "plugin" ? "plugin_" : "")).join(" ") +
            // The dynamic resources less their hosts' SDK load (the issue's "measure it separately").
            (ratios.dynamic.up.length > 0
                ? ` host_load_s=${fmt(hostLoadS)} up_ratio_less_host_load=${worst(ratios.dynamic.up, hostLoadS / FLOOR_S)}` +
                  ` destroy_ratio_less_host_load=${worst(ratios.dynamic.destroy, hostLoadS / FLOOR_S)}`
                : "") +
            ` throttled=${throttled} secrets=${SECRETS_AT}`,
    );
    if (succeeded < K * RUNS * PROVIDERS.length || left > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
});
