/**
 * K stacks of M agent instances each on one ZEGO app (one emulator, one rate limit), driven
 * through the real engine at the same time: every `up` starts together, then every `destroy`
 * (issue 13). Shared by the resilience test (short) and the contention benchmark (full).
 */
import { performance } from "perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import { AgentInstance } from "../../provider";
import { EmulatorHandle } from "../../emulator";
import { compareSteps, emulatorConfig, plannedSteps, upSteps, withStack } from "./engine";
import { numberedInstanceArgs } from "./fixtures";
import { installPlugin } from "./plugin";
import { Kms, startKms } from "./kms";
import { cpuBetween, CpuShare, CpuTicks, cpuTicks } from "./cpu";
import { CpuByKind, cpuByKindBetween, ProcessCpuSampler } from "./processCpu";

/** A moment on the performance clock (the timings), the emulator's (Date.now, which stamps each request) and the CPU counters. */
interface Moment {
    readonly at: number;
    readonly wall: number;
    readonly ticks: CpuTicks | undefined;
    readonly byKind: CpuByKind | undefined;
}
const momentOf = (sampler: ProcessCpuSampler | undefined) => (): Moment => ({
    at: performance.now(),
    wall: Date.now(),
    ticks: cpuTicks(),
    byKind: sampler?.snapshot(),
});
import { AGENT_ID, instanceIdsInState, occupying, PLUGIN_INSTANCE_TYPE } from "./stacks";

/** Requests this long after a destroy's last accepted delete are a tail worth printing. */
const TAIL_MS = 700;

export interface ContentionOutcome {
    readonly stacks: number;
    readonly instances: number;
    readonly upSucceeded: number;
    readonly destroySucceeded: number;
    /**
     * From the moment every `up` was released to the last one's engine command finished (its last
     * line of output): what `pulumi up` takes, without the reads the Automation API's `up()` runs
     * after it (`stack output` twice and `stack history`: three more CLI processes per stack).
     */
    readonly upSeconds: number;
    readonly destroySeconds: number;
    /** The same to the last Automation API call returning (`up()` and `destroy()` with their reads). */
    readonly upCallSeconds: number;
    readonly destroyCallSeconds: number;
    /** What the machine's CPUs did from the release to the last call returning (undefined without /proc/stat). */
    readonly upCpu: CpuShare | undefined;
    readonly destroyCpu: CpuShare | undefined;
    /** The same span's CPU-seconds by kind of process (with `cpuByProcess`). */
    readonly upCpuByKind: CpuByKind | undefined;
    readonly destroyCpuByKind: CpuByKind | undefined;
    /** First to last CreateAgentInstance / DeleteAgentInstance the emulator accepted: the pacing itself. */
    readonly createSpanSeconds: number;
    readonly deleteSpanSeconds: number;
    /** From the release to the first CreateAgentInstance / DeleteAgentInstance accepted: K CLIs and providers starting. */
    readonly firstCreateSeconds: number;
    readonly firstDeleteSeconds: number;
    /**
     * From the release to the phase's last API request of any action (a delete's status polls
     * included): what the commands took after it (upSeconds minus this) is the engines finishing.
     */
    readonly lastUpRequestSeconds: number;
    readonly lastDestroyRequestSeconds: number;
    /**
     * When requests went on for more than TAIL_MS after the last accepted delete (only status polls
     * are left then): each request from a second before that delete on, so that what held them shows.
     */
    readonly destroyTail: string[];
    readonly throttledCreates: number;
    readonly throttledDeletes: number;
    /** Instance ids still occupying the app after every destroy. */
    readonly left: readonly string[];
    /** Instances still in some stack's state after its destroy. */
    readonly leftInState: number;
    /** Error messages of failed ups and destroys (the engine's, with the provider's). */
    readonly errors: readonly string[];
}

/**
 * Who serves the instances: the dynamic resources (the dynamic provider host, `@pulumi/pulumi`'s
 * Node process) or the zego plugin (its own Node process, which loads only what it serves).
 */
export type ContentionProvider = "dynamic" | "plugin";

class PluginInstance extends pulumi.CustomResource {
    constructor(name: string, args: pulumi.Inputs) {
        super(PLUGIN_INSTANCE_TYPE, name, args);
    }
}

/** M instances of AGENT_ID, numbered apart from every other stack's (RTC ids are unique per app). */
function stackProgram(stack: number, m: number, provider: ContentionProvider) {
    return async () => {
        for (let j = 1; j <= m; j++) {
            const args = { ...numberedInstanceArgs(stack * 1000 + j, AGENT_ID), gracefulShutdown: false };
            if (provider === "dynamic") new AgentInstance(`agent${j}`, args);
            else new PluginInstance(`agent${j}`, args);
        }
    };
}

/** Resolves for everyone once `n` have arrived. */
function barrier(n: number): () => Promise<void> {
    let arrived = 0;
    let release!: () => void;
    const all = new Promise<void>((resolve) => (release = resolve));
    return () => {
        if (++arrived === n) release();
        return all;
    };
}

/**
 * Where the stacks' secrets are kept: the passphrase provider (each CLI command derives the key:
 * 1,000,000 PBKDF2 iterations) or a key management service, as on Pulumi Cloud or with a cloud KMS
 * (here tests/harness/kms.ts, started for the run).
 */
export type ContentionSecrets = "passphrase" | "kms";

export interface ContentionCase {
    /** K */
    readonly stacks: number;
    /** M, per stack */
    readonly instances: number;
    readonly provider?: ContentionProvider;
    readonly secrets?: ContentionSecrets;
    /** Sample every process's CPU time (tests/harness/processCpu.ts) to report it by kind. */
    readonly cpuByProcess?: boolean;
}

/** Runs the K stacks; the emulator's AGENT_ID must be registered, its concurrency limit at least K x M. */
export async function runContention(emulator: EmulatorHandle, run: ContentionCase): Promise<ContentionOutcome> {
    const kms = run.secrets === "kms" ? await startKms() : undefined;
    const sampler = run.cpuByProcess ? new ProcessCpuSampler() : undefined;
    try {
        return await contend(emulator, run, kms, momentOf(sampler));
    } finally {
        sampler?.stop();
        await kms?.close();
    }
}

async function contend(
    emulator: EmulatorHandle,
    { stacks, instances, provider = "dynamic" }: ContentionCase,
    kms: Kms | undefined,
    moment: () => Moment,
): Promise<ContentionOutcome> {
    const errors: string[] = [];
    const upGate = barrier(stacks);
    const upsDone = barrier(stacks);
    const destroyGate = barrier(stacks);
    /** When each phase was released (its first stack through the gate) and when its last call returned. */
    const released: { up?: Moment; destroy?: Moment } = {};
    const ended: { up?: Moment; destroy?: Moment } = {};
    const upDone: number[] = [];
    const destroyDone: number[] = [];
    const upEngineDone: number[] = [];
    const destroyEngineDone: number[] = [];
    let upSucceeded = 0;
    let destroySucceeded = 0;
    let leftInState = 0;
    const firstSeq = emulator.requests().at(-1)?.seq ?? -1;

    // Only the ups and the destroys are timed, unchecked (run.stack); the harness's invariants are checked
    // around them, untimed: each stack's preview before the ups are released must equal what its up
    // did, and once every up is done each stack converges (refresh, then preview with no changes).
    // Settled, not all: a stack whose closing destroy (withStack's) fails too is one more error of
    // this run, reported with the rest, not a rejection that drops the report while the others go on.
    const settled = await Promise.allSettled(
        Array.from({ length: stacks }, (_, k) =>
            withStack(
                stackProgram(k + 1, instances, provider),
                emulatorConfig(emulator),
                async (run) => {
                    if (provider === "plugin") await installPlugin(run.env);
                    /** The engine's output, noting when its last line came: the command's end. */
                    let lastLine = 0;
                    const onOutput = (line: string) => {
                        lastLine = performance.now();
                        run.onOutput(line);
                    };
                    const plan = await plannedSteps((o) => run.stack.preview(o), { onOutput: run.onOutput });
                    if (plan.error) errors.push(`stack ${k + 1} preview: ${plan.error.message.slice(-2000)}`);
                    await upGate();
                    released.up ??= moment();
                    try {
                        const { done } = await upSteps((o) => run.stack.up(o), { onOutput });
                        const mismatch = compareSteps(plan.planned, done);
                        if (mismatch !== undefined) errors.push(`stack ${k + 1}: preview's plan is not what up did: ${mismatch}`);
                        else upSucceeded++;
                    } catch (e) {
                        errors.push(`stack ${k + 1} up: ${(e as Error).message.slice(-2000)}`);
                    }
                    upDone.push(performance.now());
                    upEngineDone.push(lastLine);
                    if (upDone.length === stacks) ended.up = moment();
                    await upsDone();
                    await run.checkConverged().catch((e: Error) => errors.push(`stack ${k + 1} after up: ${e.message.slice(-2000)}`));
                    await destroyGate();
                    released.destroy ??= moment();
                    try {
                        await run.stack.destroy({ onOutput });
                        destroySucceeded++;
                    } catch (e) {
                        errors.push(`stack ${k + 1} destroy: ${(e as Error).message.slice(-2000)}`);
                    }
                    destroyDone.push(performance.now());
                    destroyEngineDone.push(lastLine);
                    if (destroyDone.length === stacks) ended.destroy = moment();
                    leftInState += (await instanceIdsInState(run)).length;
                },
                kms?.stackOptions,
            ),
        ),
    );
    settled.forEach((s, k) => {
        if (s.status === "rejected") errors.push(`stack ${k + 1}: ${(s.reason as Error).message.slice(-2000)}`);
    });

    const log = emulator.requests().filter((r) => r.seq > firstSeq);
    const of = (action: string) => log.filter((r) => r.action === action);
    const accepted = (action: string) => of(action).filter((r) => !r.throttled && r.code === 0);
    const span = (action: string) => {
        const calls = accepted(action);
        const first = calls[0];
        const last = calls[calls.length - 1];
        return calls.length < 2 || !first || !last ? 0 : (last.at - first.at) / 1000;
    };
    const start = (action: string, from: Moment | undefined) => {
        const first = accepted(action)[0];
        return first === undefined ? 0 : (first.at - (from?.wall ?? first.at)) / 1000;
    };
    const since = (from: Moment | undefined, ends: number[]) => (Math.max(...ends) - (from?.at ?? 0)) / 1000;
    const destroyTail = (): string[] => {
        if (released.destroy === undefined) return [];
        const from = released.destroy.wall;
        const deletes = accepted("DeleteAgentInstance").filter((r) => r.at >= from);
        const lastDelete = deletes[deletes.length - 1]?.at;
        const after = log.filter((r) => r.at >= from);
        if (lastDelete === undefined || Math.max(...after.map((r) => r.at)) - lastDelete <= TAIL_MS) return [];
        return after
            .filter((r) => r.at >= lastDelete - 1000)
            .map(
                (r) =>
                    `${((r.at - lastDelete) / 1000).toFixed(2)} s ${r.action} ${r.throttled ? "throttled" : `code ${r.code}`} ` +
                    `${(r.body as { AgentInstanceId?: string } | undefined)?.AgentInstanceId ?? ""}`,
            );
    };
    const lastRequest = (from: Moment | undefined, to: Moment | undefined) => {
        if (from === undefined || to === undefined) return 0;
        const within = log.filter((r) => r.at >= from.wall && r.at <= to.wall);
        return within.length === 0 ? 0 : (Math.max(...within.map((r) => r.at)) - from.wall) / 1000;
    };
    return {
        stacks,
        instances,
        upSucceeded,
        destroySucceeded,
        upSeconds: since(released.up, upEngineDone),
        destroySeconds: since(released.destroy, destroyEngineDone),
        upCallSeconds: since(released.up, upDone),
        destroyCallSeconds: since(released.destroy, destroyDone),
        upCpu: cpuBetween(released.up?.ticks, ended.up?.ticks),
        destroyCpu: cpuBetween(released.destroy?.ticks, ended.destroy?.ticks),
        upCpuByKind: cpuByKindBetween(released.up?.byKind, ended.up?.byKind),
        destroyCpuByKind: cpuByKindBetween(released.destroy?.byKind, ended.destroy?.byKind),
        createSpanSeconds: span("CreateAgentInstance"),
        deleteSpanSeconds: span("DeleteAgentInstance"),
        firstCreateSeconds: start("CreateAgentInstance", released.up),
        firstDeleteSeconds: start("DeleteAgentInstance", released.destroy),
        lastUpRequestSeconds: lastRequest(released.up, ended.up),
        lastDestroyRequestSeconds: lastRequest(released.destroy, ended.destroy),
        destroyTail: destroyTail(),
        throttledCreates: of("CreateAgentInstance").filter((r) => r.throttled).length,
        throttledDeletes: of("DeleteAgentInstance").filter((r) => r.throttled).length,
        left: occupying(emulator),
        leftInState,
        errors,
    };
}
