/**
 * Scale benchmark: preview, up and destroy of N = 10, 100, 300 agent instances against the engine's
 * own floor, N no-op dynamic resources, through the same engine (Automation API, the pinned CLI)
 * in the same run. Pacing is off on both sides (the emulator has no rate limit or latency, the
 * client's `zego:maxRequestsPerSecond` is 0), so what grows with N is engine and provider work.
 * Also the state file's bytes per instance. Two shapes, each against its floor:
 *
 *   zego         an instance of a registered agent (agentId, userId, rtc)  vs  floor: no-ops
 *   zego+readme  the README example's instance: its own llm, tts, asr, the LLM key and the TTS
 *                token marked secret by the user                            vs  floor+2secrets: no-ops with two secret inputs
 *   echo+readme  (diagnostic) a no-op with a hand-written __provider that stores exactly what
 *                zego+readme stores: the engine's cost of that state shape, without our provider
 *   input+readme (diagnostic) the same no-op given the same arguments, whose outputs are empty: what
 *                the engine costs for the README's arguments alone, which any provider pays
 *   lean+readme  (diagnostic) the same no-op whose outputs are what delete and refresh need plus one
 *                secret digest of the arguments for diff, instead of their echo: the cost of a state
 *                shape that does not repeat the arguments; leanplain+readme the same with the digests
 *                not secret; packed+readme the leanest: the instance id, its status and one string
 *                packing what delete and diff need (3 outputs)
 *
 * Results: BENCHMARKS.md.
 *
 *   npm run bench            (runs this, then tests/bench/teardown.ts)
 *   node dist/tests/bench/scale.js (this alone; BENCH_SCALE_N=10,100,300 BENCH_SCALE_ROUNDS=1
 *                             BENCH_SCALE_KINDS=floor,zego,floor+2secrets,zego+readme; also floor+secret,
 *                             floor+shape, echo+readme, input+readme, lean+readme,
 *                             leanplain+readme, packed+readme)
 *
 * Each N is measured kind after kind, for BENCH_SCALE_ROUNDS rounds; the ratio uses the best
 * (lowest) time of each, which is the least load-dependent figure on a shared machine. The last
 * line is machine-readable (each part present when its two kinds were measured):
 *
 *   RESULT scale_up_ratio=<x> scale_destroy_ratio=<y> scale_preview_ratio=<z> state_bytes_per_instance=<b>
 *          readme_up_ratio=<x> readme_destroy_ratio=<y> readme_preview_ratio=<z> readme_state_bytes_per_instance=<b> failures=<n>
 */
import * as pulumi from "@pulumi/pulumi";
import { performance } from "perf_hooks";
import { cpus } from "os";
import { AgentInstance, ZegoClient } from "../../provider";
import { secretProps } from "../../provider/resources/inputs";
import { EmulatorHandle } from "../../emulator";
import { APP_ID, assertNoSecrets, changesOf, emulatorConfig, SERVER_SECRET, startTestEmulator, withStack } from "../harness/engine";
import { ASR_SECRET, LLM_API_KEY, numberedInstanceArgs, TTS_TOKEN } from "../harness/fixtures";

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

/**
 * "echo+readme": the cheapest provider that stores what ours stores: a hand-written `__provider`
 * (as ours, no closure serialization) whose create echoes its inputs with our outputs added, given the
 * README shape marked by our own walker. What it costs over "floor+2secrets" is the engine's cost of
 * the state's shape (nested secret paths, bigger objects); what "zego+readme" costs over it is ours.
 */
const ECHO_PROVIDER =
    'exports.handler=()=>({async create(i){return{id:"x",outs:{...i,agentInstanceId:"x",appId:1,endpoint:"http://127.0.0.1:1",' +
    'status:"IDLE",stateVersion:2,deletion:{gracefulShutdown:true,gracefulShutdownTimeout:30,waitForDeletion:true}}}},async delete(){}})';
class Echo extends pulumi.CustomResource {
    constructor(name: string, props: pulumi.Inputs, provider = ECHO_PROVIDER, opts?: pulumi.CustomResourceOptions) {
        super("pulumi-nodejs:dynamic/bench:Echo", name, { ...props, __provider: provider }, opts);
    }
}
/** "input+readme": the README's arguments stored as inputs, nothing but `__provider` as outputs. */
const INPUT_PROVIDER = 'exports.handler=()=>({async create(){return{id:"x",outs:{}}},async delete(){}})';
/** "lean+readme": outputs of what delete and refresh need, and a digest per argument (one secret) for diff. */
const LEAN_PROVIDER =
    'exports.handler=()=>({async create(i){const h=require("crypto"),d={};for(const k of Object.keys(i))if(k!=="__provider")' +
    'd[k]=h.createHash("sha256").update(JSON.stringify(i[k])).digest("base64").slice(0,16);return{id:"x",outs:{agentInstanceId:"x",' +
    'appId:1,endpoint:"http://127.0.0.1:1",status:"IDLE",stateVersion:3,gracefulShutdownTimeout:i.gracefulShutdownTimeout,argDigests:d}}},async delete(){}})';

/**
 * "packed+readme": the instance id, its status, and one string packing what delete and diff need.
 * A lower bound: its digests are not secret, where a usable state would keep those of arguments
 * holding credentials secret (lean+readme's cost).
 */
const PACKED_PROVIDER =
    'exports.handler=()=>({async create(i){const h=require("crypto"),d=[];for(const k of Object.keys(i).sort())if(k!=="__provider")' +
    'd.push(k+"="+h.createHash("sha256").update(JSON.stringify(i[k])).digest("base64").slice(0,11));return{id:"x",outs:{agentInstanceId:"x",' +
    'status:"IDLE",ref:"v3 1 http://127.0.0.1:1 "+i.gracefulShutdownTimeout+" "+d.join(" ")}}},async delete(){}})';

/**
 * The README example's instance (examples/voice-agent/stack.ts): its own llm, tts and asr, the LLM key
 * and the TTS token marked secret by the user (`config.requireSecret`), one object shared by all instances.
 */
function readmeShape() {
    const llm = {
        url: "https://llm.example.com/v1/chat/completions",
        apiKey: pulumi.secret(LLM_API_KEY),
        model: "model-a",
        systemPrompt: "You are a friendly voice assistant. Answer in one or two short sentences.",
        temperature: 0.7,
        params: { max_tokens: 512 },
    };
    const tts = {
        vendor: "ByteDanceV3" as const,
        params: {
            app: { appid: "tts-app", token: pulumi.secret(TTS_TOKEN), cluster: "volcano_tts" },
            audio: { voice_type: "zh_female_wanwanxiaohe_moon_bigtts", speed_ratio: 1.0 },
        },
    };
    const asr = { vendor: "Tencent" as const };
    return { llm, tts, asr };
}
const readmeArgs = (i: number, shape: ReturnType<typeof readmeShape>) => {
    const { agentId, userId, rtc } = numberedInstanceArgs(i, AGENT_ID);
    return { agentId, userId, rtc, ...shape, gracefulShutdownTimeout: 30 };
};

/**
 * "floor+secret": the floor with one secret input, "floor+2secrets" with two (as many as the README
 * shape), to tell the engine's cost of a secret from ours (BENCH_SCALE_KINDS). "zego+readme": ours in the README shape.
 */
type Kind =
    | "floor"
    | "zego"
    | "floor+secret"
    | "floor+shape"
    | "floor+2secrets"
    | "echo+readme"
    | "input+readme"
    | "lean+readme"
    | "leanplain+readme"
    | "packed+readme"
    | "zego+readme";
const KINDS = (process.env.BENCH_SCALE_KINDS ?? "floor,zego,floor+2secrets,zego+readme").split(",") as Kind[];
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
        const shape = readmeShape();
        for (let i = 1; i <= n; i++) {
            if (kind === "floor") new Noop(`noop${i}`);
            else if (kind === "floor+shape") {
                const { agentId, userId, rtc } = numberedInstanceArgs(i, AGENT_ID);
                new Shaped(`shaped${i}`, { agentId, userId, rtc });
            } else if (kind === "floor+secret") new Noop(`noop${i}`, { secrets: pulumi.secret({}) });
            else if (kind === "floor+2secrets") new Noop(`noop${i}`, { key: pulumi.secret(LLM_API_KEY), token: pulumi.secret(TTS_TOKEN) });
            else if (kind === "echo+readme") new Echo(`echo${i}`, secretProps(readmeArgs(i, shape)));
            else if (kind === "input+readme") new Echo(`input${i}`, secretProps(readmeArgs(i, shape)), INPUT_PROVIDER);
            else if (kind === "lean+readme")
                new Echo(`lean${i}`, secretProps(readmeArgs(i, shape)), LEAN_PROVIDER, { additionalSecretOutputs: ["argDigests"] });
            else if (kind === "leanplain+readme") new Echo(`lean${i}`, secretProps(readmeArgs(i, shape)), LEAN_PROVIDER);
            else if (kind === "packed+readme") new Echo(`packed${i}`, secretProps(readmeArgs(i, shape)), PACKED_PROVIDER);
            else if (kind === "zego+readme") new AgentInstance(`agent${i}`, readmeArgs(i, shape));
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
        if (kind.startsWith("zego") && emulator.liveInstances().length !== n) run.failures++;
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
        if (kind.startsWith("zego")) run.failures += emulator.liveInstances().length;
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
                        `round ${round} ${kind.padEnd(14)} N=${String(n).padStart(3)}  preview ${fmt(r.preview).padStart(6)} s  up ${fmt(r.up).padStart(6)} s  ` +
                            `destroy ${fmt(r.destroy).padStart(6)} s  state ${r.stateBytes} B (${Math.round(r.stateBytes / n)} B/instance)  failures=${r.failures}` +
                            (kind.startsWith("zego")
                                ? `  API calls: ${calls.length} (create ${count("CreateAgentInstance")}, delete ${count("DeleteAgentInstance")}, status ${count("QueryAgentInstanceStatus")})`
                                : ""),
                    );
                }
            }
        }

        const best = (kind: Kind, n: number, key: "preview" | "up" | "destroy") =>
            Math.min(...runs.filter((r) => r.kind === kind && r.n === n).map((r) => r[key]));
        const bytes = (kind: Kind, n: number) => runs.find((r) => r.kind === kind && r.n === n)!.stateBytes;
        // Each measured shape against its floor: the registered agent's instance against no-ops, the
        // README shape (and its echoing no-op) against no-ops with as many secret inputs.
        const PAIRS: [Kind, Kind][] = (
            [
                ["zego", "floor"],
                ["zego+readme", "floor+2secrets"],
                ["echo+readme", "floor+2secrets"],
                ["input+readme", "floor+2secrets"],
                ["lean+readme", "floor+2secrets"],
                ["leanplain+readme", "floor+2secrets"],
                ["packed+readme", "floor+2secrets"],
                ["zego+readme", "echo+readme"],
                ["zego+readme", "input+readme"],
            ] as [Kind, Kind][]
        ).filter(([a, b]) => KINDS.includes(a) && KINDS.includes(b));
        log("");
        log(
            "| N | shape / floor | preview floor (s) | preview (s) | ratio | up floor (s) | up (s) | ratio | destroy floor (s) | destroy (s) | ratio | state floor (B/inst) | state (B/inst) |",
        );
        log("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (const n of SIZES) {
            for (const [kind, floor] of PAIRS) {
                const cells = (["preview", "up", "destroy"] as const).map((key) => {
                    const [f, z] = [best(floor, n, key), best(kind, n, key)];
                    return `${fmt(f)} | ${fmt(z)} | ${(z / f).toFixed(2)}`;
                });
                log(
                    `| ${n} | ${kind} / ${floor} | ${cells.join(" | ")} | ${Math.round(bytes(floor, n) / n)} | ${Math.round(bytes(kind, n) / n)} |`,
                );
            }
        }
        const top = Math.max(...SIZES);
        const ratio = (kind: Kind, floor: Kind, key: "preview" | "up" | "destroy") => best(kind, top, key) / best(floor, top, key);
        const perInstance = (kind: Kind) => Math.round(bytes(kind, top) / top);
        const failures = runs.reduce((sum, r) => sum + r.failures, 0);
        const fields: string[] = [];
        const verdicts: string[] = [];
        if (KINDS.includes("zego") && KINDS.includes("floor")) {
            const [up, destroy] = [ratio("zego", "floor", "up"), ratio("zego", "floor", "destroy")];
            fields.push(
                `scale_up_ratio=${up.toFixed(2)} scale_destroy_ratio=${destroy.toFixed(2)} ` +
                    `scale_preview_ratio=${ratio("zego", "floor", "preview").toFixed(2)} state_bytes_per_instance=${perInstance("zego")}`,
            );
            verdicts.push(
                `registered agent: up and destroy <= 1.3x the floor, <= 2500 B: ${up <= 1.3 && destroy <= 1.3 && perInstance("zego") <= 2500 ? "met" : "NOT met"}`,
            );
        }
        if (KINDS.includes("zego+readme") && KINDS.includes("floor+2secrets")) {
            const [up, destroy] = [ratio("zego+readme", "floor+2secrets", "up"), ratio("zego+readme", "floor+2secrets", "destroy")];
            fields.push(
                `readme_up_ratio=${up.toFixed(2)} readme_destroy_ratio=${destroy.toFixed(2)} ` +
                    `readme_preview_ratio=${ratio("zego+readme", "floor+2secrets", "preview").toFixed(2)} readme_state_bytes_per_instance=${perInstance("zego+readme")}`,
            );
            verdicts.push(
                `README shape: up and destroy <= 1.2x the floor with two secrets, <= 3000 B: ${up <= 1.2 && destroy <= 1.2 && perInstance("zego+readme") <= 3000 ? "met" : "NOT met"}`,
            );
        }
        log("");
        log(`targets at N=${top}, 0 failures (${failures === 0 ? "met" : "NOT met"}); ${verdicts.join("; ")}`);
        log(`RESULT ${fields.join(" ")} failures=${failures}`);
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
