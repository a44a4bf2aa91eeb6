/**
 * Teardown benchmark: `pulumi destroy` of N = 50 idle agent instances vs N = 1, through the real
 * engine (Automation API) against the emulator with ZEGO's documented limit of 10 calls per second
 * per action and 30 ms of latency per request, each with the engine's default `parallel` and with
 * `parallel: 50`. Also: 50 busy agents (each graceful delete waits its whole timeout, which is
 * where `parallel` matters), the official-sample baseline (50 signed deletes at once, unpaced, no
 * retry), previews of a new and of the deployed 50-instance stack (API calls must be 0), and the
 * size of what the provider puts into state. Results: BENCHMARKS.md.
 *
 *   npm run bench            (= npm run build && node dist/tests/bench/teardown.js)
 *
 * Options (environment): BENCH_N (default 50), BENCH_PARALLEL (comma list of engine `parallel`
 * settings to try; "default" = the CLI's own default; default "default,50"), BENCH_BUSY10_ONLY=1
 * (only the teardown of 10 busy agents with the default 30 s graceful timeout).
 *
 * The marginal teardown ratio is (T50 - T1) / (49 / 10 per s): the time the 49 extra deletes cost
 * over the floor the rate limit imposes on them. Status polls use another action's budget, so they
 * need not add to it. The last line is machine-readable:
 *
 *   RESULT teardown_ratio=<x> failures=<n> baseline_failures=<m> preview_api_calls=<k> provider_bytes=<b>
 */
import { performance } from "perf_hooks";
import { cpus } from "os";
import { AgentInstance, ZegoClient } from "../../provider";
import { signedQuery } from "../../provider/client/signing";
import { EmulatorHandle } from "../../emulator";
import { APP_ID, assertNoSecrets, EngineRun, emulatorConfig, SERVER_SECRET, startTestEmulator, withStack } from "../harness/engine";
import { ASR_SECRET, LLM_API_KEY, numberedInstanceArgs, TTS_TOKEN } from "../harness/fixtures";

const RATE = 10;
const LATENCY_MS = 30;
const N = Number(process.env.BENCH_N ?? 50);
const PARALLEL: (number | undefined)[] = (process.env.BENCH_PARALLEL ?? "default,50")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "")
    .map((p) => (p === "default" ? undefined : Number(p)));
const AGENT_ID = "bench_agent";
const SECRETS = [SERVER_SECRET, LLM_API_KEY, TTS_TOKEN, ASR_SECRET];
/** The floor for the N - 1 extra deletes at RATE per second (the issue's definition). */
const FLOOR_S = (N - 1) / RATE;
const INSTANCE_TYPE = "pulumi-nodejs:dynamic/zego:AgentInstance";

interface Teardown {
    n: number;
    graceful: boolean;
    parallel?: number;
    seconds: number;
    throttled: number;
    failures: number;
    deletes: number;
    polls: number;
    /** First to last DeleteAgentInstance arriving at the emulator: the pacing itself. */
    deleteSpan: number;
}

function program(n: number, graceful: boolean, gracefulTimeout = 10) {
    return async () => {
        for (let i = 1; i <= n; i++) {
            new AgentInstance(`agent${i}`, {
                ...numberedInstanceArgs(i, AGENT_ID),
                ...(graceful ? { gracefulShutdown: true, gracefulShutdownTimeout: gracefulTimeout } : { gracefulShutdown: false }),
            });
        }
    };
}

const secondsSince = (t0: number) => (performance.now() - t0) / 1000;
const fmt = (s: number) => s.toFixed(2);
const log = (line: string) => console.log(line);

/**
 * 10 busy agents (ZEGO's default concurrency limit) with the engine's default `parallel` and the
 * default 30 s graceful timeout: do the graceful waits run in waves (more than one timeout)?
 */
async function busyTen(emulator: EmulatorHandle): Promise<Teardown> {
    const r = await teardown(emulator, 10, true, undefined, async () => {}, { gracefulTimeout: 30 });
    log(
        `destroy N=10 BUSY graceful timeout 30 s parallel=default ${fmt(r.seconds).padStart(6)} s  ` +
            `(${(r.seconds / 30).toFixed(2)} timeouts) deletes=${r.deletes} (spanning ${fmt(r.deleteSpan)} s) status_polls=${r.polls} failures=${r.failures}`,
    );
    return r;
}

async function main(): Promise<void> {
    if (process.env.BENCH_BUSY10_ONLY) {
        const emulator = await startTestEmulator({ concurrencyLimit: 100, rateLimitPerSecond: RATE, latencyMs: LATENCY_MS });
        try {
            await new ZegoClient({ appId: APP_ID, serverSecret: SERVER_SECRET, endpoint: emulator.url }).registerAgent({
                agentId: AGENT_ID,
            });
            await busyTen(emulator);
        } finally {
            await emulator.close();
        }
        return;
    }
    const emulator = await startTestEmulator({ concurrencyLimit: Math.max(100, 2 * N), rateLimitPerSecond: RATE, latencyMs: LATENCY_MS });
    const failuresSeen: string[] = [];
    try {
        await new ZegoClient({ appId: APP_ID, serverSecret: SERVER_SECRET, endpoint: emulator.url }).registerAgent({
            agentId: AGENT_ID,
            name: "Bench",
            llm: { url: "https://llm.example.com/v1/chat/completions", apiKey: LLM_API_KEY, model: "model-a" },
        });
        log(
            `# teardown benchmark: emulator rate limit ${RATE}/s per action, latency ${LATENCY_MS} ms, ${cpus().length} CPU(s), node ${process.version}`,
        );
        log(`# floor for the ${N - 1} extra deletes: ${N - 1} / ${RATE} per s = ${fmt(FLOOR_S)} s`);

        // ---- Engine overhead: destroy of an empty stack ----
        const empty: number[] = [];
        await withStack(
            async () => {},
            emulatorConfig(emulator),
            async (run) => {
                await run.up({ onOutput: run.onOutput });
                for (let i = 0; i < 2; i++) {
                    const t0 = performance.now();
                    await run.destroy({ onOutput: run.onOutput });
                    empty.push(secondsSince(t0));
                }
            },
        );
        const overhead = Math.min(...empty);
        log(`engine overhead: destroy of an empty stack ${fmt(overhead)} s`);

        // ---- Preview of a new 50-instance stack (50 creates planned) ----
        let freshPreview: { seconds: number; apiCalls: number; steps: string } | undefined;
        await withStack(program(N, false), emulatorConfig(emulator), async (run) => {
            freshPreview = await measurePreview(run, emulator);
            assertNoSecrets([run.output.join("\n")], SECRETS);
        });

        // ---- Teardowns through the engine ----
        const results: Teardown[] = [];
        let preview: { seconds: number; apiCalls: number; steps: string } | undefined;
        let sizes: { providerBytes: number; stateBytes: number; perInstance: number; n: number } | undefined;
        let sizes1: { stateBytes: number } | undefined;
        for (const parallel of PARALLEL) {
            for (const graceful of [false, true]) {
                for (const n of [1, N]) {
                    const wantExtras = parallel === PARALLEL[0] && !graceful;
                    const r = await teardown(emulator, n, graceful, parallel, async (run) => {
                        if (!wantExtras) return;
                        const state = await run.exportState();
                        if (n === 1) sizes1 = { stateBytes: Buffer.byteLength(state) };
                        else {
                            sizes = measureState(state, n);
                            preview = await measurePreview(run, emulator);
                        }
                    });
                    results.push(r);
                    if (r.failures > 0)
                        failuresSeen.push(
                            `${r.failures} failure(s) in destroy of ${n} (graceful ${graceful}, parallel ${label(parallel)})`,
                        );
                    log(
                        `destroy N=${String(n).padStart(2)} graceful=${String(graceful).padEnd(5)} parallel=${label(parallel).padEnd(7)} ` +
                            `${fmt(r.seconds).padStart(6)} s  throttled=${r.throttled} deletes=${r.deletes} (spanning ${fmt(r.deleteSpan)} s) status_polls=${r.polls} failures=${r.failures}`,
                    );
                }
            }
        }

        // ---- Busy agents: graceful deletes that each wait the graceful timeout (where `parallel` matters) ----
        const busyTimeout = 3;
        const busy: Teardown[] = [];
        for (const parallel of PARALLEL) {
            const r = await teardown(emulator, N, true, parallel, async () => {}, { gracefulTimeout: busyTimeout });
            busy.push(r);
            if (r.failures > 0) failuresSeen.push(`${r.failures} failure(s) in the busy destroy of ${N} (parallel ${label(parallel)})`);
            log(
                `destroy N=${N} BUSY graceful timeout ${busyTimeout} s parallel=${label(parallel).padEnd(7)} ${fmt(r.seconds).padStart(6)} s  ` +
                    `throttled=${r.throttled} deletes=${r.deletes} (spanning ${fmt(r.deleteSpan)} s) status_polls=${r.polls} failures=${r.failures}`,
            );
        }

        busy.push(await busyTen(emulator));

        // ---- Baseline: the official sample's way ----
        const baseline = await baselineDeletes(emulator, N);
        log(
            `baseline (official sample: ${N} signed POSTs at once with Promise.all, no pacing, no retry): ` +
                `${baseline.failures} of ${N} failed (${baseline.byReason}) in ${fmt(baseline.seconds)} s`,
        );

        // ---- Summary ----
        log("");
        log(
            `| parallel | graceful | T1 (s) | T${N} (s) | T${N} - T1 (s) | of which deletes spanned (s) | ratio (T${N}-T1)/${fmt(FLOOR_S)} s | throttled | failures |`,
        );
        log("|---|---|---|---|---|---|---|---|---|");
        const ratios: { parallel?: number; graceful: boolean; ratio: number }[] = [];
        for (const parallel of PARALLEL) {
            for (const graceful of [false, true]) {
                const t1 = results.find((r) => r.n === 1 && r.graceful === graceful && r.parallel === parallel)!;
                const tn = results.find((r) => r.n === N && r.graceful === graceful && r.parallel === parallel)!;
                const ratio = (tn.seconds - t1.seconds) / FLOOR_S;
                ratios.push({ parallel, graceful, ratio });
                log(
                    `| ${label(parallel)} | ${graceful} | ${fmt(t1.seconds)} | ${fmt(tn.seconds)} | ${fmt(tn.seconds - t1.seconds)} | ${fmt(tn.deleteSpan)} | ${ratio.toFixed(2)} | ` +
                        `${t1.throttled + tn.throttled} | ${t1.failures + tn.failures} |`,
                );
            }
        }
        log("");
        if (freshPreview)
            log(
                `preview of a new ${N}-instance stack: ${fmt(freshPreview.seconds)} s, API calls ${freshPreview.apiCalls} (${freshPreview.steps})`,
            );
        if (preview)
            log(
                `preview of the deployed ${N}-instance stack (no changes): ${fmt(preview.seconds)} s, API calls ${preview.apiCalls} (${preview.steps})`,
            );
        if (sizes) {
            log(
                `state: __provider ${sizes.providerBytes} bytes per resource; state file ${sizes.stateBytes} bytes for ${sizes.n} instances` +
                    (sizes1
                        ? `, ${sizes1.stateBytes} bytes for 1; ${Math.round((sizes.stateBytes - sizes1.stateBytes) / (sizes.n - 1))} bytes per extra instance`
                        : ""),
            );
        }
        // The headline: the engine's default parallelism (what users get), worst of graceful and not.
        const headline = ratios.filter((r) => r.parallel === PARALLEL[0]);
        const teardownRatio = Math.max(...headline.map((r) => r.ratio));
        const failures = [...results, ...busy].reduce((sum, r) => sum + r.failures, 0);
        if (failuresSeen.length > 0) log(`failures: ${failuresSeen.join("; ")}`);
        log(
            `headline: parallel=${label(PARALLEL[0])}, worst of graceful/non-graceful; ` +
                `target ratio <= 1.3 with 0 failures: ${teardownRatio <= 1.3 && failures === 0 ? "met" : "NOT met"}`,
        );
        log(
            `RESULT teardown_ratio=${teardownRatio.toFixed(2)} failures=${failures} baseline_failures=${baseline.failures} ` +
                `preview_api_calls=${preview && freshPreview ? preview.apiCalls + freshPreview.apiCalls : -1} provider_bytes=${sizes?.providerBytes ?? -1}`,
        );
    } finally {
        await emulator.close();
    }
}

function label(parallel: number | undefined): string {
    return parallel === undefined ? "default" : String(parallel);
}

/** up N instances (not timed), then time `pulumi destroy`. */
async function teardown(
    emulator: EmulatorHandle,
    n: number,
    graceful: boolean,
    parallel: number | undefined,
    afterUp: (run: EngineRun) => Promise<void>,
    busy?: { gracefulTimeout: number },
): Promise<Teardown> {
    let result: Teardown | undefined;
    await withStack(program(n, graceful, busy?.gracefulTimeout), emulatorConfig(emulator), async (run) => {
        const up = await run.up({ onOutput: run.onOutput, parallel: Math.max(n, 8) });
        if (up.summary.result !== "succeeded") throw new Error(`up of ${n} instances: ${up.summary.result}`);
        if (emulator.liveInstances().length !== n) throw new Error(`up of ${n}: ${emulator.liveInstances().length} live instances`);
        await afterUp(run);
        // Let the emulator's rate window and the client's pacing from the up settle.
        await new Promise((resolve) => setTimeout(resolve, 1100));
        // Busy agents: each graceful delete then waits the whole graceful timeout.
        if (busy)
            for (const instance of emulator.liveInstances())
                emulator.setBusy(instance.agentInstanceId, { status: "SPEAKING", seconds: 600 });

        const before = emulator.stats();
        const seq = emulator.requests().length;
        let failures = 0;
        const t0 = performance.now();
        try {
            await run.destroy({ onOutput: run.onOutput, ...(parallel !== undefined ? { parallel } : {}) });
        } catch (e) {
            failures++;
            console.error(`destroy of ${n} failed: ${(e as Error).message.slice(-2000)}`);
        }
        const seconds = secondsSince(t0);
        const after = emulator.stats();
        const log = emulator.requests().slice(seq);
        const deletes = log.filter((r) => r.action === "DeleteAgentInstance");
        const firstDelete = deletes[0];
        const lastDelete = deletes[deletes.length - 1];
        const left = emulator.liveInstances().length + emulator.instances().filter((i) => i.state === "shutting-down").length;
        failures += left;
        assertNoSecrets([await run.exportState(), run.output.join("\n")], SECRETS);
        result = {
            n,
            graceful,
            parallel,
            seconds,
            throttled: after.throttled - before.throttled,
            failures,
            deletes: deletes.length,
            polls: log.filter((r) => r.action === "QueryAgentInstanceStatus").length,
            deleteSpan: firstDelete && lastDelete ? (lastDelete.at - firstDelete.at) / 1000 : 0,
        };
    });
    return result!;
}

function measureState(state: string, n: number): { providerBytes: number; stateBytes: number; perInstance: number; n: number } {
    const resources = JSON.parse(state).checkpoint.latest.resources as {
        type: string;
        outputs?: Record<string, unknown>;
        inputs?: Record<string, unknown>;
    }[];
    const instances = resources.filter((r) => r.type === INSTANCE_TYPE);
    const providers = new Set(instances.map((r) => String(r.outputs?.__provider ?? "")));
    const [provider, ...others] = providers;
    if (provider === undefined || others.length > 0)
        throw new Error(`expected one serialized provider shared by all instances, found ${providers.size}`);
    const stateBytes = Buffer.byteLength(state);
    return { providerBytes: Buffer.byteLength(provider), stateBytes, perInstance: Math.round(stateBytes / n), n };
}

async function measurePreview(run: EngineRun, emulator: EmulatorHandle): Promise<{ seconds: number; apiCalls: number; steps: string }> {
    const before = emulator.stats().requests;
    const t0 = performance.now();
    const result = await run.preview({ onOutput: run.onOutput });
    const seconds = secondsSince(t0);
    const steps = Object.entries(result.changeSummary)
        .map(([op, count]) => `${op} ${count}`)
        .join(", ");
    return { seconds, apiCalls: emulator.stats().requests - before, steps };
}

/**
 * ZEGO's official sample server: one signed POST per instance, all at once, no pacing, no retry.
 * The instances are made with a paced client first (not timed).
 */
async function baselineDeletes(emulator: EmulatorHandle, n: number): Promise<{ failures: number; byReason: string; seconds: number }> {
    const client = new ZegoClient({ appId: APP_ID, serverSecret: SERVER_SECRET, endpoint: emulator.url });
    const ids: string[] = [];
    for (let i = 1; i <= n; i++) {
        const { agentInstanceId } = await client.createAgentInstance({
            agentId: AGENT_ID,
            userId: `base_user_${i}`,
            rtc: {
                roomId: `base_room_${i}`,
                agentStreamId: `base_stream_${i}`,
                agentUserId: `base_agent_${i}`,
                userStreamId: `base_user_stream_${i}`,
            },
        });
        ids.push(agentInstanceId);
    }
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const reasons = new Map<string, number>();
    const t0 = performance.now();
    const outcomes = await Promise.all(
        ids.map(async (id) => {
            const query = signedQuery("DeleteAgentInstance", APP_ID, SERVER_SECRET);
            const url = `${emulator.url}/?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
            try {
                const res = await fetch(url, {
                    method: "POST",
                    headers: { "Content-Type": "application/json" },
                    body: JSON.stringify({ AgentInstanceId: id }),
                });
                const text = await res.text();
                let code: unknown;
                try {
                    code = (JSON.parse(text) as { Code?: unknown }).Code;
                } catch {
                    code = undefined;
                }
                return res.ok && code === 0 ? "ok" : `HTTP ${res.status}${code !== undefined ? ` Code ${String(code)}` : ""}`;
            } catch (e) {
                return `network ${(e as { cause?: { code?: string } }).cause?.code ?? "error"}`;
            }
        }),
    );
    const seconds = secondsSince(t0);
    for (const outcome of outcomes) if (outcome !== "ok") reasons.set(outcome, (reasons.get(outcome) ?? 0) + 1);
    // Clean up what the baseline left behind, paced.
    for (const instance of emulator.liveInstances())
        await client.deleteAgentInstance({ agentInstanceId: instance.agentInstanceId }).catch(() => undefined);
    client.close();
    const byReason = [...reasons].map(([reason, count]) => `${count} × ${reason}`).join(", ") || "none";
    return { failures: outcomes.filter((o) => o !== "ok").length, byReason, seconds };
}

main().then(
    () => process.exit(0),
    (e) => {
        console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
        process.exit(1);
    },
);
