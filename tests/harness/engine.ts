/**
 * Drives the real Pulumi engine (the CLI built by scripts/ensure-pulumi.sh) through the Automation
 * API against the bundled emulator, for the e2e and resilience tests, the benchmarks and the
 * upgrade-fixture recorder (test code, not public). Issue 9's invariants are plain functions a test can call on any
 * Automation API stack (`expectNothingLeaked`, `expectPlanMatched`, `expectConverged`); `run.up`/
 * `preview`/`refresh`/`destroy` (and `checkedStack(stack)` for a stack made elsewhere) run an
 * operation and check them after it, success or failure, while `run.stack` is the plain stack.
 * Every stack is fresh, hermetic (temp backend and PULUMI_HOME) and removed afterwards.
 */
import {
    ConfigMap,
    EngineEvent,
    LocalWorkspace,
    OutputMap,
    PreviewOptions,
    PreviewResult,
    PulumiFn,
    Stack,
    UpOptions,
    UpResult,
} from "@pulumi/pulumi/automation";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { EmulatorHandle, DEFAULT_APP_ID, DEFAULT_SERVER_SECRET } from "../../emulator";
import { createPulumiEnv, getPulumiCommand, PulumiEnv } from "../../scripts/pulumi-env";
import { emulatorAt } from "../../testing/emulator";

export { assertNoSecrets, emulatorConfig, startTestEmulator } from "../../testing/emulator";

export const APP_ID = DEFAULT_APP_ID;
export const SERVER_SECRET = DEFAULT_SERVER_SECRET;

/** The engine operations run with issue 9's invariants checked after each (see `checkedOperations`). */
export interface CheckedOperations {
    up: Stack["up"];
    preview: Stack["preview"];
    refresh: Stack["refresh"];
    destroy: Stack["destroy"];
    /** Refresh, then preview with expectNoChanges (`expectConverged`), each followed by the live-in-state check. */
    checkConverged(): Promise<void>;
}

/** A stack whose operations are checked: the plain `stack` beside them runs an operation unchecked. */
export interface CheckedStack extends CheckedOperations {
    /** The plain Automation API stack: an operation through it checks nothing (say why where a test does that). */
    readonly stack: Stack;
    /** Where the checked operations send the engine's output when the caller passes none. */
    onOutput: (line: string) => void;
    /** What the invariants checked so far (for the harness's own tests). */
    readonly checked: InvariantLog;
    /**
     * False: an up does not run refresh + preview itself (a test that counts an up's own requests
     * sets this, then calls checkConverged() after counting).
     */
    convergeAfterUp: boolean;
}

export interface EngineRun extends CheckedStack {
    env: PulumiEnv;
    /** Everything the engine printed, for secret scans. */
    output: string[];
    /** Set (or with undefined, unset) an environment variable the CLI and the provider see from now on. */
    setEnv(name: string, value: string | undefined): Promise<void>;
    /** The stack's state file as stored by the backend (secrets encrypted; `stack.exportStack()` would decrypt them). */
    exportState(): Promise<string>;
    outputs(): Promise<OutputMap>;
}

export interface InvariantLog {
    /** Operations after which "every live instance is in state" was checked. */
    liveInState: number;
    /** Successful ups whose preview plan was compared. */
    previewEqualsUp: number;
    /** Successful ups followed by refresh + preview(expectNoChanges). */
    converged: number;
}

/** Stacks running now, per emulator URL: with several at once, another stack's instances are live too. */
const activeRuns = new Map<string, number>();

export interface StackOptions {
    /** Overlaid on the hermetic environment's variables. */
    envVars?: Record<string, string>;
    stackName?: string;
    /** The stack's secrets provider (`pulumi stack init --secrets-provider`); the passphrase one by default. */
    secretsProvider?: string;
}

/** The raw state file a file backend (`PulumiEnv.backendDir`) keeps for a project's stack. */
export function stateFileOf(env: Pick<PulumiEnv, "backendDir">, projectName: string, stackName: string): string {
    return path.join(env.backendDir, ".pulumi", "stacks", projectName, `${stackName}.json`);
}

export async function withStack(
    program: PulumiFn,
    config: ConfigMap,
    body: (run: EngineRun) => Promise<void>,
    { envVars = {}, stackName = `e2e-${randomBytes(4).toString("hex")}`, secretsProvider }: StackOptions = {},
): Promise<void> {
    const env = createPulumiEnv();
    const projectName = "zego-e2e";
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName, projectName, program },
        {
            workDir: env.workDir,
            envVars: { ...env.envVars, ...envVars },
            pulumiCommand: await getPulumiCommand(),
            projectSettings: { name: projectName, runtime: "nodejs" },
            secretsProvider,
        },
    );
    const output: string[] = [];
    const stateFile = stateFileOf(env, projectName, stackName);
    const base: Omit<EngineRun, keyof CheckedOperations> = {
        stack,
        env,
        output,
        onOutput: (line) => output.push(line),
        async setEnv(name, value) {
            // The CLI (and the provider process it starts) gets process.env overlaid with these.
            const ws = stack.workspace as LocalWorkspace;
            if (value === undefined) delete ws.envVars[name];
            else ws.envVars[name] = value;
        },
        async exportState() {
            return fs.readFileSync(stateFile, "utf8");
        },
        outputs: () => stack.outputs(),
        checked: { liveInState: 0, previewEqualsUp: 0, converged: 0 },
        convergeAfterUp: true,
    };
    // Looked up at each check: a test may replace the emulator at the same URL.
    const url = String(config["zego:endpoint"]?.value ?? "");
    const run: EngineRun = Object.assign(
        base,
        checkedOperations(base, {
            stateFile,
            emulators: () => [emulatorAt(url)].filter((e) => e !== undefined),
            shared: () => (activeRuns.get(url) ?? 0) > 1,
        }),
    );
    activeRuns.set(url, (activeRuns.get(url) ?? 0) + 1);
    /** Why the closing destroy of a passing body fails the test. */
    let closingFailure: unknown;
    let cleaned = false;
    try {
        if (Object.keys(config).length > 0) await stack.setAllConfig(config);
        await body(run);
        // A passing test must also be destroyable, and leave nothing behind: its closing destroy failing fails it.
        try {
            await run.destroy({ onOutput: run.onOutput });
            cleaned = true;
        } catch (e) {
            closingFailure = e;
        }
    } finally {
        try {
            if (!cleaned) await run.destroy({ onOutput: run.onOutput });
        } catch {
            // The test already failed or cleaned up; leave the engine's error to the assertion that matters.
        }
        await stack.workspace.removeStack(stackName).catch(() => undefined);
        await env.cleanup();
        activeRuns.set(url, (activeRuns.get(url) ?? 1) - 1);
    }
    if (closingFailure !== undefined) {
        if (closingFailure instanceof InvariantError) throw closingFailure;
        const message = closingFailure instanceof Error ? closingFailure.message : String(closingFailure);
        throw new Error(`the test passed, but the stack's closing destroy failed: ${message}`);
    }
}

export class InvariantError extends Error {
    constructor(message: string) {
        super(`invariant violated: ${message}`);
        this.name = "InvariantError";
    }
}

/**
 * Invariant: every instance live at the emulators is in the stack's state (nothing leaked), read
 * from the backend's raw state file (`stateFile`; none yet: an empty state). Returns how many
 * emulators it checked.
 */
export function expectNothingLeaked(stateFile: string, emulators: readonly EmulatorHandle[], after = "the operation"): number {
    if (emulators.length === 0) return 0;
    const ids = checkpointOf(readIfThere(stateFile)).resources.map((r) => r.id ?? "");
    const missing = emulators.flatMap((e) => e.liveInstances().map((i) => i.agentInstanceId)).filter((id) => !ids.includes(id));
    if (missing.length > 0)
        throw new InvariantError(`after ${after}, instances live at the emulator but not in state: ${missing.join(", ")}`);
    return emulators.length;
}

/**
 * Invariant: a successful up did the steps its preview planned, resource by resource (`compareSteps`);
 * a preview that failed before an up that succeeded is a violation too.
 */
export function expectPlanMatched(plan: Plan, up: { result: UpResult; done: readonly string[] }): void {
    if (plan.result === undefined)
        // With the preview's own error: a failure seen once (a long fuzz run) must be diagnosable from its log.
        throw new InvariantError(
            `preview failed, but up succeeded with ${JSON.stringify(changesOf(up.result.summary.resourceChanges))}\n` +
                `--- preview's error:\n${tail(plan.error?.message ?? "(none recorded)")}\n--- up:\n${tail(up.result.stdout)}`,
        );
    const mismatch = compareSteps(plan.planned, up.done);
    if (mismatch !== undefined)
        // With what the engine printed for both: a mismatch seen once in CI must be diagnosable from its log.
        throw new InvariantError(
            `preview's plan is not what up did: ${mismatch}\n--- preview ${JSON.stringify(plan.result.changeSummary)}:\n` +
                `${tail(plan.result.stdout)}\n--- up:\n${tail(up.result.stdout)}`,
        );
}

/**
 * Invariant: the stack has converged: a refresh, then a preview with expectNoChanges. `stack` is any
 * Automation API stack (or checked operations, to check the other invariants after each of the two).
 */
export async function expectConverged(
    stack: Pick<Stack, "refresh" | "preview">,
    onOutput: (line: string) => void = () => undefined,
): Promise<void> {
    await stack.refresh({ onOutput });
    await stack.preview({ onOutput, expectNoChanges: true }).catch((e: Error) => {
        if (e instanceof InvariantError) throw e;
        throw new InvariantError(`after up and refresh, preview still wants changes:\n${e.message.slice(-3000)}`);
    });
}

/** Where a stack's invariants look: its raw state file and the emulators its instances live at. */
export interface InvariantScope {
    /** The backend's raw state file of the stack (`stateFileOf`). */
    stateFile: string;
    /** The emulators to check, looked up at each check (a test may replace one at the same URL). */
    emulators: () => readonly EmulatorHandle[];
    /** True while other stacks run on the same emulator: their instances are live too, so live-in-state is not checked. */
    shared?: () => boolean;
}

/**
 * Any Automation API stack (an inline program or a local project such as a Pulumi YAML one) with
 * checked operations beside it: `checked.up(...)` where a test would call `stack.up(...)`.
 */
export function checkedStack(stack: Stack, scope: InvariantScope, onOutput: (line: string) => void = () => undefined): CheckedStack {
    const base = { stack, onOutput, checked: { liveInState: 0, previewEqualsUp: 0, converged: 0 }, convergeAfterUp: true };
    return Object.assign(base, checkedOperations(base, scope));
}

/**
 * Issue 9's invariants, checked after every engine operation run through the returned operations
 * (up, preview, refresh, destroy), success or failure:
 * - every instance live at the emulators is in the stack's state (`expectNothingLeaked`); while
 *   other stacks run on the same emulator at once their instances are live too, so it is checked
 *   only when this stack is alone there;
 * - before each up, a preview of the same program; when the up succeeds, the steps it did (from the
 *   engine's events: operation and URN of each) are the steps the preview planned (`expectPlanMatched`);
 * - after each successful up: refresh, then preview with expectNoChanges (`expectConverged`), unless
 *   `target.convergeAfterUp` is false. Skipped while an emulator injects faults: the extra requests
 *   would shift its seeded sequence.
 * `target` is read at each call (a test may switch convergeAfterUp between operations).
 */
export function checkedOperations(target: Omit<CheckedStack, keyof CheckedOperations>, scope: InvariantScope): CheckedOperations {
    const { stack } = target;
    const liveInState = (operation: string) => {
        if (scope.shared?.()) return;
        if (expectNothingLeaked(scope.stateFile, scope.emulators(), operation) > 0) target.checked.liveInState++;
    };
    const afterEach = async <T>(operation: string, call: () => Promise<T>): Promise<T> => {
        let result: T;
        try {
            result = await call();
        } catch (e) {
            liveInState(`${operation} (failed)`);
            throw e;
        }
        liveInState(operation);
        return result;
    };
    const quiet = () => ({ onOutput: target.onOutput });
    const checkConverged = async () => {
        await expectConverged(
            {
                refresh: (opts) => afterEach("refresh after up", () => stack.refresh(opts)),
                preview: (opts) => afterEach("preview after refresh", () => stack.preview(opts)),
            },
            target.onOutput,
        );
        target.checked.converged++;
    };
    return {
        preview: (opts) => afterEach("preview", () => stack.preview(opts)),
        refresh: (opts) => afterEach("refresh", () => stack.refresh(opts)),
        destroy: (opts) => afterEach("destroy", () => stack.destroy(opts)),
        async up(opts) {
            // The preview gets the options that change the plan (`--replace`, `--target`), as a user's `preview` would.
            const plan = await plannedSteps((o) => stack.preview(o), {
                ...quiet(),
                parallel: opts?.parallel,
                replace: opts?.replace,
                target: opts?.target,
            });
            const up = await afterEach("up", () => upSteps((o) => stack.up(o), opts));
            expectPlanMatched(plan, up);
            target.checked.previewEqualsUp++;
            if (target.convergeAfterUp && !scope.emulators().some(faultsActive)) await checkConverged();
            return up.result;
        },
        checkConverged,
    };
}

/** A preview's result (undefined if it failed) and the steps it planned. */
export interface Plan {
    readonly result?: PreviewResult;
    readonly error?: Error;
    readonly planned: readonly string[];
}

/** Runs a preview and records its planned steps (a failed preview too: its error and what it planned before). */
export async function plannedSteps(preview: Stack["preview"], opts: PreviewOptions): Promise<Plan> {
    const planned: string[] = [];
    return preview({ ...opts, onEvent: (e) => stepOf(e, planned) }).then(
        (result) => ({ result, planned }),
        (error: Error) => ({ error, planned }),
    );
}

/**
 * The error message of a preview whose program or check must fail. A preview that succeeds instead
 * fails the test, with what tells why: the engine's output and the engine's own log of the program's
 * run (it logs at -v=7 into the stack's temp directory).
 */
export async function previewFailure(run: EngineRun, opts: PreviewOptions = {}): Promise<string> {
    const ws = run.stack.workspace as LocalWorkspace;
    const logDir = fs.mkdtempSync(path.join(run.env.root, "log-"));
    const tmpdir = ws.envVars.TMPDIR;
    await run.setEnv("TMPDIR", logDir);
    const outcome = await run
        .preview({ onOutput: run.onOutput, ...opts, logVerbosity: 7 })
        .catch((e: Error) => e)
        .finally(() => run.setEnv("TMPDIR", tmpdir));
    if (outcome instanceof Error) return outcome.message;
    throw new Error(
        `preview succeeded although it must fail;\nengine output:\n${tail(outcome.stdout)}\n` +
            `engine log of the program's run:\n${programRunLog(logDir)}`,
    );
}

/** The engine log's lines about the language host's Run and the program's end (CLI and plugins log there at -v). */
function programRunLog(dir: string): string {
    const wanted = /langhost\[[^\]]*\]\.Run|EvalSourceIterator ended|Program exited|SignalAndWaitForShutdown|unhandled error/;
    const lines = fs
        .readdirSync(dir)
        .filter((f) => f.includes(".log.INFO."))
        .flatMap((f) => fs.readFileSync(path.join(dir, f), "utf8").split("\n"))
        .filter((l) => wanted.test(l))
        .map(logMessage);
    return lines.length === 0 ? "(no such lines)" : lines.slice(-40).join("\n");
}

/** A log line as "time message" (the CLI logs JSON objects; other lines are kept as they are). */
function logMessage(line: string): string {
    try {
        const { time, msg } = JSON.parse(line) as { time?: string; msg?: string };
        if (typeof msg === "string") return `${time ?? ""} ${msg}`;
    } catch {
        // not JSON
    }
    return line;
}

/** Runs an up, recording the steps it did. */
export async function upSteps(up: Stack["up"], opts?: UpOptions): Promise<{ result: UpResult; done: string[] }> {
    const done: string[] = [];
    const result = await up({
        ...opts,
        onEvent: (e) => {
            stepOf(e, done);
            opts?.onEvent?.(e);
        },
    });
    return { result, done };
}

/**
 * Records a step the engine starts (in a preview: plans) in `steps`, as "op urn" (the start, not the
 * outputs event: a component's outputs come only when it registers them, if ever);
 * steps that change nothing ("same") and the engine's own default providers are left out.
 */
export function stepOf(event: EngineEvent, steps: string[]): void {
    const step = event.resourcePreEvent?.metadata;
    if (step === undefined || step.op === "same") return;
    if (step.type.startsWith("pulumi:providers:") && step.urn.slice(step.urn.lastIndexOf("::") + 2).startsWith("default")) return;
    steps.push(`${step.op} ${step.urn}`);
}

/**
 * Compares a preview's planned steps with an up's, resource by resource (stronger than comparing
 * counts: the same counts on different resources differ). Undefined when they are the same.
 */
export function compareSteps(planned: readonly string[], done: readonly string[]): string | undefined {
    const left = [...planned].sort();
    const right = [...done].sort();
    const onlyPlanned = left.filter((s) => !removeOne(right, s));
    if (onlyPlanned.length === 0 && right.length === 0) return undefined;
    return [
        onlyPlanned.length > 0 ? `planned, not done: ${onlyPlanned.join(", ")}` : "",
        right.length > 0 ? `done, not planned: ${right.join(", ")}` : "",
    ]
        .filter(Boolean)
        .join("; ");
}

function tail(text: string, lines = 40): string {
    return text.trimEnd().split("\n").slice(-lines).join("\n");
}

function removeOne(list: string[], item: string): boolean {
    const i = list.indexOf(item);
    if (i >= 0) list.splice(i, 1);
    return i >= 0;
}

/** The resource changes of a summary (or a preview's changeSummary), without "same", sorted by kind. */
export function changesOf(resourceChanges: Record<string, number> | undefined): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [kind, n] of Object.entries(resourceChanges ?? {}).sort()) if (kind !== "same" && n) out[kind] = n;
    return out;
}

function faultsActive(emulator: EmulatorHandle): boolean {
    const faults = emulator.options().faults as Record<string, unknown>;
    return Object.entries(faults).some(
        ([key, value]) => key !== "seed" && key !== "latencySpikeMs" && typeof value === "number" && value > 0,
    );
}

export interface StateResource {
    urn: string;
    type: string;
    id?: string;
    outputs?: Record<string, unknown>;
    initErrors?: string[];
}

/** An operation the engine started and had not finished when the checkpoint was written ("creating", "deleting", …). */
export interface PendingOperation {
    type: string;
    resource: StateResource;
}

/** The latest checkpoint as the backend stores it (secrets stay encrypted); empty before the first operation. */
export async function latestCheckpoint(run: Pick<EngineRun, "exportState">): Promise<Checkpoint> {
    try {
        return checkpointOf(await run.exportState());
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
        return checkpointOf("");
    }
}

export interface Checkpoint {
    resources: StateResource[];
    pendingOperations: PendingOperation[];
}

/** The latest checkpoint in a raw state file's text (empty text: no state yet). */
export function checkpointOf(raw: string): Checkpoint {
    const latest: { resources?: StateResource[]; pending_operations?: PendingOperation[] } =
        raw === "" ? {} : (JSON.parse(raw).checkpoint?.latest ?? {});
    return { resources: latest.resources ?? [], pendingOperations: latest.pending_operations ?? [] };
}

/** A file's text, or "" when there is none (a stack's state file before its first operation). */
function readIfThere(file: string): string {
    try {
        return fs.readFileSync(file, "utf8");
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return "";
        throw e;
    }
}
