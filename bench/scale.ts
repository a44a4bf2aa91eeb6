/**
 * Scale benchmark: preview, up and destroy of N = 10, 100, 300 agent instances against the engine's
 * own floor, N no-op dynamic resources, through the same engine (Automation API, the pinned CLI)
 * in the same run. Pacing is off on both sides (the emulator has no rate limit or latency, the
 * client's `zego:maxRequestsPerSecond` is 0), so what grows with N is engine and provider work.
 * Also the state file's bytes per instance (instances of a registered agent: agentId, userId, rtc;
 * bench/teardown.ts reports the size of instances with their own llm/tts/asr and secrets).
 * Results: BENCHMARKS.md.
 *
 *   npm run bench            (runs this, then bench/teardown.ts)
 *   node dist/bench/scale.js (this alone; BENCH_SCALE_N=10,100,300 BENCH_SCALE_ROUNDS=1)
 *
 * Each N is measured floor first, then ours, alternately for BENCH_SCALE_ROUNDS rounds; the ratio
 * uses the best (lowest) time of each, which is the least load-dependent figure on a shared
 * machine. The last line is machine-readable:
 *
 *   RESULT scale_up_ratio=<x> scale_destroy_ratio=<y> scale_preview_ratio=<z> state_bytes_per_instance=<b> failures=<n>
 */
import * as pulumi from "@pulumi/pulumi";
import { performance } from "perf_hooks";
import { cpus } from "os";
import { AgentInstance, ZegoClient } from "../provider";
import { EmulatorHandle } from "../emulator";
import { APP_ID, assertNoSecrets, changesOf, emulatorConfig, SERVER_SECRET, startTestEmulator, withStack } from "../testing/engine";
import { ASR_SECRET, LLM_API_KEY, numberedInstanceArgs, TTS_TOKEN } from "../testing/fixtures";

const SIZES = (process.env.BENCH_SCALE_N ?? "10,100,300").split(",").map(Number);
const ROUNDS = Number(process.env.BENCH_SCALE_ROUNDS ?? 1);
const AGENT_ID = "scale_agent";
const SECRETS = [SERVER_SECRET, LLM_API_KEY, TTS_TOKEN, ASR_SECRET];

/** The engine's floor: a dynamic resource whose provider does nothing (one module-level object, serialized once). */
const noop: pulumi.dynamic.ResourceProvider = {
    async create() {
        return { id: "noop", outs: {} };
    },
    async delete() {},
};
/** "floor+shape": a no-op that stores what ours stores (the same inputs, outputs shaped like ours). */
const shaped: pulumi.dynamic.ResourceProvider = {
    async create(inputs: Record<string, unknown>) {
        const outs = {
            ...inputs,
            agentInstanceId: "x",
            appId: 1,
            endpoint: "http://127.0.0.1:1",
            status: "IDLE",
            stateVersion: 1,
            deletion: { gracefulShutdown: true, gracefulShutdownTimeout: 30, waitForDeletion: true },
        };
        return { id: "noop", outs };
    },
    async delete() {},
};
class Shaped extends pulumi.dynamic.Resource {
    constructor(name: string, props: pulumi.Inputs = {}) {
        super(shaped, name, props, undefined, "bench", "Shaped");
    }
}
class Noop extends pulumi.dynamic.Resource {
    constructor(name: string, props: pulumi.Inputs = {}) {
        super(noop, name, props, undefined, "bench", "Noop");
    }
}

/** "floor+secret": the floor with one secret input, to tell the engine's cost of a secret from ours (BENCH_SCALE_KINDS). */
type Kind = "floor" | "zego" | "floor+secret" | "floor+shape";
const KINDS = (process.env.BENCH_SCALE_KINDS ?? "floor,zego").split(",") as Kind[];
interface Run {
    kind: Kind;
    n: number;
    preview: number;
    up: number;
    destroy: number;
    stateBytes: number;
    failures: number;
}

function program(kind: Kind, n: number) {
    return async () => {
        for (let i = 1; i <= n; i++) {
            if (kind === "floor") new Noop(`noop${i}`);
            else if (kind === "floor+shape") {
                const { agentId, userId, rtc } = numberedInstanceArgs(i, AGENT_ID);
                new Shaped(`shaped${i}`, { agentId, userId, rtc });
            } else if (kind === "floor+secret") new Noop(`noop${i}`, { secrets: pulumi.secret({}) });
            else {
                // An instance of the registered agent (its LLM/TTS/ASR come from RegisterAgent): the smallest useful one.
                const { agentId, userId, rtc } = numberedInstanceArgs(i, AGENT_ID);
                new AgentInstance(`agent${i}`, { agentId, userId, rtc });
            }
        }
    };
}

const secondsSince = (t0: number) => (performance.now() - t0) / 1000;
const fmt = (s: number) => s.toFixed(2);
const log = (line: string) => console.log(line);

async function measure(emulator: EmulatorHandle, kind: Kind, n: number): Promise<Run> {
    const run: Run = { kind, n, preview: 0, up: 0, destroy: 0, stateBytes: 0, failures: 0 };
    const config = { ...emulatorConfig(emulator), "zego:maxRequestsPerSecond": { value: "0" } };
    await withStack(program(kind, n), config, async (engine) => {
        // Each operation is timed alone, unchecked (engine.stack); the harness's invariants are checked
        // after it, outside the timed part: preview = up, then refresh + preview show no changes.
        let t0 = performance.now();
        const plan = await engine.stack.preview({ onOutput: engine.onOutput });
        run.preview = secondsSince(t0);

        t0 = performance.now();
        const up = await engine.stack.up({ onOutput: engine.onOutput }).catch((e: Error) => {
            console.error(`up of ${n} ${kind}: ${e.message.slice(-1500)}`);
            return undefined;
        });
        run.up = secondsSince(t0);
        if (up?.summary.result !== "succeeded") run.failures++;
        if (up && JSON.stringify(changesOf(plan.changeSummary)) !== JSON.stringify(changesOf(up.summary.resourceChanges))) {
            console.error(
                `up of ${n} ${kind} did ${JSON.stringify(up.summary.resourceChanges)}, preview planned ${JSON.stringify(plan.changeSummary)}`,
            );
            run.failures++;
        }
        if (kind === "zego" && emulator.liveInstances().length !== n) run.failures++;
        const state = await engine.exportState();
        run.stateBytes = Buffer.byteLength(state);
        await engine.checkConverged().catch((e: Error) => {
            console.error(`after up of ${n} ${kind}: ${e.message.slice(-1500)}`);
            run.failures++;
        });

        t0 = performance.now();
        await engine.stack.destroy({ onOutput: engine.onOutput }).catch((e: Error) => {
            console.error(`destroy of ${n} ${kind}: ${e.message.slice(-1500)}`);
            run.failures++;
        });
        run.destroy = secondsSince(t0);
        if (kind === "zego") run.failures += emulator.liveInstances().length;
        assertNoSecrets([state, engine.output.join("\n")], SECRETS);
    });
    return run;
}

async function main(): Promise<void> {
    const emulator = await startTestEmulator({ concurrencyLimit: 2 * Math.max(...SIZES), rateLimitPerSecond: 0, latencyMs: 0 });
    try {
        const client = new ZegoClient({ appId: APP_ID, serverSecret: SERVER_SECRET, endpoint: emulator.url });
        await client.registerAgent({ agentId: AGENT_ID, name: "Scale" });
        client.close();
        log(
            `# scale benchmark: pacing off, ${cpus().length} CPU(s), node ${process.version}, engine parallel = CLI default, ${ROUNDS} round(s)`,
        );

        const runs: Run[] = [];
        for (let round = 1; round <= ROUNDS; round++) {
            for (const n of SIZES) {
                for (const kind of KINDS) {
                    const requests = emulator.requests().length;
                    const r = await measure(emulator, kind, n);
                    runs.push(r);
                    const calls = emulator.requests().slice(requests);
                    const count = (action: string) => calls.filter((c) => c.action === action).length;
                    log(
                        `round ${round} ${kind.padEnd(5)} N=${String(n).padStart(3)}  preview ${fmt(r.preview).padStart(6)} s  up ${fmt(r.up).padStart(6)} s  ` +
                            `destroy ${fmt(r.destroy).padStart(6)} s  state ${r.stateBytes} B (${Math.round(r.stateBytes / n)} B/instance)  failures=${r.failures}` +
                            (kind === "zego"
                                ? `  API calls: ${calls.length} (create ${count("CreateAgentInstance")}, delete ${count("DeleteAgentInstance")}, status ${count("QueryAgentInstanceStatus")})`
                                : ""),
                    );
                }
            }
        }

        const best = (kind: Kind, n: number, key: "preview" | "up" | "destroy") =>
            Math.min(...runs.filter((r) => r.kind === kind && r.n === n).map((r) => r[key]));
        const bytes = (kind: Kind, n: number) => runs.find((r) => r.kind === kind && r.n === n)!.stateBytes;
        log("");
        log(
            "| N | preview floor (s) | preview ours (s) | ratio | up floor (s) | up ours (s) | ratio | destroy floor (s) | destroy ours (s) | ratio | state floor (B/inst) | state ours (B/inst) |",
        );
        log("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (const n of SIZES) {
            const cells = (["preview", "up", "destroy"] as const).map((key) => {
                const [f, z] = [best("floor", n, key), best("zego", n, key)];
                return `${fmt(f)} | ${fmt(z)} | ${(z / f).toFixed(2)}`;
            });
            log(`| ${n} | ${cells.join(" | ")} | ${Math.round(bytes("floor", n) / n)} | ${Math.round(bytes("zego", n) / n)} |`);
        }
        const top = Math.max(...SIZES);
        const ratio = (key: "preview" | "up" | "destroy") => best("zego", top, key) / best("floor", top, key);
        const perInstance = Math.round(bytes("zego", top) / top);
        const failures = runs.reduce((sum, r) => sum + r.failures, 0);
        log("");
        log(
            `target at N=${top}: up and destroy <= 1.3x the floor, <= 2500 B per instance, 0 failures: ` +
                (ratio("up") <= 1.3 && ratio("destroy") <= 1.3 && perInstance <= 2500 && failures === 0 ? "met" : "NOT met"),
        );
        log(
            `RESULT scale_up_ratio=${ratio("up").toFixed(2)} scale_destroy_ratio=${ratio("destroy").toFixed(2)} ` +
                `scale_preview_ratio=${ratio("preview").toFixed(2)} state_bytes_per_instance=${perInstance} failures=${failures}`,
        );
    } finally {
        await emulator.close();
    }
}

main().then(
    () => process.exit(0),
    (e) => {
        console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
        process.exit(1);
    },
);
