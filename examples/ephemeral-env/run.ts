/**
 * An ephemeral environment for one CI run, with the Pulumi Automation API:
 *
 *   1. create a stack with a name unique to the run (`ci-<GITHUB_RUN_ID>-<GITHUB_RUN_ATTEMPT>`, or random);
 *   2. `up` the voice-agent stack (../voice-agent/stack.ts) with ids prefixed by the stack name, retrying
 *      up to 3 times on transient failures;
 *   3. a smoke step: a `@pulumi/command` `local.Command` runs `node smoke.js`, which checks every agent
 *      instance's status and makes each agent speak a sentence;
 *   4. ALWAYS destroy the stack and remove it: on success, on failure, and on SIGINT/SIGTERM (Ctrl-C, a
 *      cancelled CI job); then print what was destroyed. Exit code 0 only when everything passed.
 *
 * Run it with `npm start` in this directory (see README.md). Environment:
 *
 *   ZEGO_APP_ID, ZEGO_SERVER_SECRET     the ZEGO app (read by the provider and by the smoke step)
 *   ZEGO_REGION or ZEGO_ENDPOINT        optional: regional host, or an explicit endpoint (the emulator)
 *   LLM_API_KEY, TTS_APP_ID, TTS_TOKEN  the voice-agent stack's LLM and TTS credentials
 *   PULUMI_BACKEND_URL / PULUMI_ACCESS_TOKEN, PULUMI_CONFIG_PASSPHRASE   where the state goes, as for any Pulumi run
 *   STACK_NAME                          override the generated stack name
 *   SMOKE_STEP                          command (default) | direct (run smoke.js from this script, no
 *                                       @pulumi/command plugin needed) | none
 *   UP_ATTEMPTS                         default 3
 *   GRACEFUL_SHUTDOWN_TIMEOUT           seconds each agent may finish speaking on destroy (default 10)
 *   EPHEMERAL_REPORT                    optional path: write the run's report there as JSON
 *   EPHEMERAL_RECOVER=1 (with STACK_NAME)  recover the stack a killed run left: sweep, destroy, remove
 *
 * Every setting is checked before anything happens (settings.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { ConcurrentUpdateError, EngineEvent, LocalWorkspace, OutputMap, Stack } from "@pulumi/pulumi/automation";
import * as local from "@pulumi/command/local";
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { voiceAgentStack } from "../voice-agent/stack";
import { classifyFailure, stackInUseLine } from "./failures";
import { readSettings, Settings, SettingsError, SmokeStep } from "./settings";
import { MaybeLeft, maybeLeftOf, sweep } from "./sweep";

export { defaultStackName } from "./settings";
export const PROJECT = "zego-ephemeral-env";
const SMOKE_SCRIPT = path.join(__dirname, "smoke.js");
const INSTANCE_TYPE = /zego:(DigitalHuman)?AgentInstance$/;

export interface DestroyedResource {
    type: string;
    name: string;
    id?: string;
}

export interface EphemeralReport {
    stackName: string;
    /**
     * passed: up and smoke succeeded; failed: something did; interrupted: a signal arrived (also
     * during the cleanup); recovered: EPHEMERAL_RECOVER cleaned up a killed run's stack.
     */
    result: "passed" | "failed" | "interrupted" | "recovered";
    error?: string;
    signal?: string;
    upAttempts: number;
    outputs?: Record<string, unknown>;
    smoke?: string;
    /** Resources the destroy deleted (the stack itself and providers left out). */
    destroyed: DestroyedResource[];
    /**
     * Agent instances no state recorded although their create was sent (an unknown outcome, a
     * create cut off), displaced and deleted by AgentUserId (sweep.ts).
     */
    swept: { agentUserId: string; urn: string; outcome: string }[];
    /** Agent instances that may still be live, by AgentUserId: their sweep failed. Empty when nothing is left. */
    mayBeLeft: { agentUserId: string; urn: string; error: string }[];
    /** The destroy succeeded, the stack was removed from the backend, and nothing may be left (mayBeLeft is empty). */
    cleanedUp: boolean;
}

const log = (line: string) => process.stdout.write(`[ephemeral-env] ${line}\n`);

/** Engine output, indented, so the CI log shows what Pulumi did. */
const engineOutput = (text: string) => process.stdout.write(text.replace(/^(?=.)/gm, "    "));

// ---------------------------------------------------------------------------------------------
// Transient failures
//
// `pulumi up` is retried (UP_ATTEMPTS, default 3) only when it failed for a reason that may pass:
// throttling, a 5xx or a dropped connection that outlasted the client's own retries, or a create
// whose outcome is unknown. The ZEGO client never retries an ambiguous create by itself (a second
// CreateAgentInstance could leave two agents running); re-running `up` is the safe retry, because the
// new instance reuses the AgentUserId and ZEGO kicks the earlier one out, and because this stack sets
// adoptExistingAgent (an ambiguous RegisterAgent of this run's own AgentId is adopted, not an error).
// Bad input, bad settings, missing credentials or a missing plugin fail at once: retrying cannot fix
// them. failures.ts decides, by error class and code only.
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Signals: the first SIGINT/SIGTERM cancels the running Pulumi operation and makes the script destroy
// the stack, once, then exit non-zero. Later signals are reported and ignored, because stopping the
// destroy half-way is what would leave agents running (and billing) with nobody watching them.
// ---------------------------------------------------------------------------------------------
class Interrupted extends Error {
    constructor(readonly signal: NodeJS.Signals) {
        super(`interrupted by ${signal}`);
    }
}

class SignalWatch {
    received: NodeJS.Signals | undefined;
    readonly abort = new AbortController();
    /** Set once the engine said it got the signal itself (Ctrl-C in a terminal reaches the whole process group). */
    private engineCancelling = false;
    private readonly listeners: (() => void)[] = [];
    private readonly handler = (signal: NodeJS.Signals) => this.onSignal(signal);

    install(): void {
        process.on("SIGINT", this.handler);
        process.on("SIGTERM", this.handler);
    }

    uninstall(): void {
        process.off("SIGINT", this.handler);
        process.off("SIGTERM", this.handler);
    }

    /** Watches engine output for the CLI's own "^C received; cancelling" / "SIGTERM received; cancelling". */
    sawEngineOutput(text: string): void {
        if (/received; cancelling/.test(text)) this.engineCancelling = true;
    }

    onInterrupt(listener: () => void): void {
        this.listeners.push(listener);
    }

    throwIfInterrupted(): void {
        if (this.received) throw new Interrupted(this.received);
    }

    /** setTimeout that ends early on a signal. */
    sleep(ms: number): Promise<void> {
        return new Promise((resolve) => {
            const timer = setTimeout(resolve, ms);
            this.onInterrupt(() => {
                clearTimeout(timer);
                resolve();
            });
        });
    }

    private onSignal(signal: NodeJS.Signals): void {
        if (this.received) {
            log(`${signal} again: the cleanup is already running and will not be stopped half-way; it exits when the stack is destroyed`);
            return;
        }
        this.received = signal;
        log(`${signal} received: cancelling, then destroying the stack`);
        // Forward the signal to the running Pulumi CLI, unless it got it itself (a terminal's Ctrl-C goes to
        // the whole process group): a second signal would make the CLI terminate at once instead of
        // finishing its in-flight steps and saving the state that the destroy needs.
        setTimeout(() => {
            if (!this.engineCancelling) this.abort.abort();
        }, 1000).unref();
        for (const listener of this.listeners.splice(0)) listener();
    }
}

// ---------------------------------------------------------------------------------------------

/** The inline program: the voice-agent stack, plus the smoke command when SMOKE_STEP=command. */
function program(smokeStep: SmokeStep, stackName: string) {
    return async () => {
        const env = voiceAgentStack(new pulumi.Config());
        let smoke: pulumi.Output<string> | undefined;
        if (smokeStep === "command") {
            // Runs once, after every instance exists (it depends on their ids). Credentials are inherited
            // from this process's environment, so none of them ends up in the command's state.
            const command = new local.Command("smoke", {
                create: `"${process.execPath}" "${SMOKE_SCRIPT}"`,
                environment: {
                    AGENT_INSTANCE_IDS: env.instanceIds.apply((ids) => Object.values(ids).join(",")),
                    SMOKE_TEXT: `Smoke test of ${stackName}: hello!`,
                },
            });
            smoke = command.stdout;
        }
        return {
            agentId: env.agentId,
            roomId: env.roomId,
            instanceIds: env.instanceIds,
            statuses: env.statuses,
            endpoint: env.endpoint,
            smoke,
        };
    };
}

/** SMOKE_STEP=direct: the same script, run by this process instead of by the command provider. */
function runSmokeDirectly(instanceIds: string[], stackName: string, signals: SignalWatch): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = execFile(
            process.execPath,
            [SMOKE_SCRIPT],
            { env: { ...process.env, AGENT_INSTANCE_IDS: instanceIds.join(","), SMOKE_TEXT: `Smoke test of ${stackName}: hello!` } },
            (error, stdout, stderr) => {
                if (error) reject(new Error(`smoke step failed: ${(stderr || stdout || error.message).trim()}`));
                else resolve(stdout);
            },
        );
        signals.onInterrupt(() => child.kill("SIGTERM"));
    });
}

function plainOutputs(outputs: OutputMap): Record<string, unknown> {
    return Object.fromEntries(Object.entries(outputs).map(([key, o]) => [key, o.secret ? "[secret]" : o.value]));
}

/** Destroys the stack (3 tries: deletes are idempotent) and removes it; never removes a stack that still holds resources. */
async function tearDown(stack: Stack, report: EphemeralReport): Promise<void> {
    const seen = new Set<string>();
    const collect = (event: EngineEvent) => {
        const meta = event.resOutputsEvent?.metadata;
        if (!meta || meta.op !== "delete" || seen.has(meta.urn)) return;
        seen.add(meta.urn);
        if (meta.type === "pulumi:pulumi:Stack" || meta.type.startsWith("pulumi:providers:")) return;
        report.destroyed.push({ type: meta.type, name: meta.urn.split("::").pop() ?? meta.urn, id: meta.old?.id || undefined });
    };
    for (let attempt = 1; attempt <= 3; attempt++) {
        log(`pulumi destroy ${report.stackName} (attempt ${attempt} of 3)`);
        try {
            await stack.destroy({ onOutput: engineOutput, onEvent: collect, color: "never" }).catch(async (e: Error) => {
                // A CLI that was terminated (second signal, kill -9) leaves its lock; this run owns the stack.
                if (!(e instanceof ConcurrentUpdateError)) throw e;
                log(`the stack is locked by a terminated pulumi process; removing the lock (pulumi cancel)`);
                await stack.cancel();
                await stack.destroy({ onOutput: engineOutput, onEvent: collect, color: "never" });
            });
            await removeStackAndBackups(stack);
            fs.rmSync(path.join(stack.workspace.workDir, `Pulumi.${report.stackName}.yaml`), { force: true });
            report.cleanedUp = report.mayBeLeft.length === 0;
            return;
        } catch (e) {
            log(`destroy failed: ${firstLine(e)}`);
            if (attempt < 3) await new Promise((resolve) => setTimeout(resolve, 2000 * attempt));
        }
    }
    log(
        `!!! the stack ${report.stackName} could NOT be destroyed and was kept so that its resources are not forgotten. ` +
            `Run \`pulumi destroy --stack ${report.stackName} && pulumi stack rm ${report.stackName}\` in ${stack.workspace.workDir}.`,
    );
}

/**
 * `pulumi stack rm --remove-backups`: a DIY backend (file://, s3://, postgres://) otherwise keeps the
 * stack's last checkpoint (`<stack>.json.bak`) and a backup per update, rows that pile up in a backend
 * shared by every CI run. The Automation API's removeStack has no such option. Other backends ignore it.
 */
async function removeStackAndBackups(stack: Stack): Promise<void> {
    const ws = stack.workspace as LocalWorkspace;
    const env = { ...(ws.pulumiHome ? { PULUMI_HOME: ws.pulumiHome } : {}), ...ws.envVars };
    await promisify(execFile)(ws.pulumiCommand.command, ["stack", "rm", "--yes", "--remove-backups", stack.name], {
        cwd: ws.workDir,
        env: { ...process.env, ...env },
    });
}

function firstLine(e: unknown): string {
    const text = e instanceof Error ? e.message : String(e);
    const lines = text.split("\n").filter((l) => /error|failed/i.test(l));
    return (lines.length > 0 ? lines.slice(0, 3).join(" | ") : (text.split("\n")[0] ?? "")).trim().slice(0, 600);
}

/** Creates of agent instances the engine started, by URN, from its events (inputs carry the AgentUserId). */
class CreateWatch {
    readonly started = new Map<string, MaybeLeft>();
    readonly onEvent = (event: EngineEvent) => {
        const meta = event.resourcePreEvent?.metadata;
        if (!meta || !INSTANCE_TYPE.test(meta.type) || !["create", "create-replacement", "replace"].includes(meta.op)) return;
        const left = maybeLeftOf(meta.urn, meta.new?.inputs);
        if (left) this.started.set(meta.urn, left);
    };
}

/** Instances that may be live with no id in state: creates started (this run) or pending (a killed run) whose resource has no id. */
async function unrecorded(stack: Stack, started: Map<string, MaybeLeft>): Promise<MaybeLeft[]> {
    const deployment = (await stack.exportStack()).deployment as {
        resources?: { urn: string; type: string; id?: string }[];
        pending_operations?: { type: string; resource: { urn: string; type: string; inputs?: unknown } }[];
    };
    const candidates = new Map(started);
    for (const op of deployment.pending_operations ?? []) {
        if (op.type !== "creating" || !INSTANCE_TYPE.test(op.resource.type)) continue;
        const left = maybeLeftOf(op.resource.urn, op.resource.inputs);
        if (left) candidates.set(left.urn, left);
    }
    const recorded = new Set((deployment.resources ?? []).filter((r) => r.id).map((r) => r.urn));
    return [...candidates.values()].filter((c) => !recorded.has(c.urn));
}

/** Sweep (sweep.ts) what may be left, up to 3 tries each; what still fails goes to report.mayBeLeft. */
async function sweepAll(settings: Settings, lefts: MaybeLeft[], report: EphemeralReport): Promise<void> {
    if (lefts.length === 0) return;
    log(
        `${lefts.length} agent instance(s) may be live without an id in state: ${lefts.map((l) => l.agentUserId).join(", ")}; sweeping them by AgentUserId`,
    );
    const client = settings.client();
    try {
        for (const left of lefts) {
            let error = "";
            for (let attempt = 1; attempt <= 3; attempt++) {
                try {
                    const outcome = await sweep(client, left);
                    report.swept.push({ agentUserId: left.agentUserId, urn: left.urn, outcome });
                    log(
                        `  - ${left.agentUserId}: ${outcome === "swept" ? "displaced and deleted" : "its agent is not registered, so nothing runs"}`,
                    );
                    error = "";
                    break;
                } catch (e) {
                    error = firstLine(e);
                }
            }
            if (error) {
                report.mayBeLeft.push({ agentUserId: left.agentUserId, urn: left.urn, error });
                log(`  !!! ${left.agentUserId} may still be live: ${error}`);
            }
        }
    } finally {
        client.close();
    }
}

function newReport(stackName: string): EphemeralReport {
    return { stackName, result: "failed", upAttempts: 0, destroyed: [], swept: [], mayBeLeft: [], cleanedUp: false };
}

export async function runEphemeralEnvironment(settings: Settings = readSettings()): Promise<EphemeralReport> {
    if (settings.recover) return recoverStack(settings);
    const signals = new SignalWatch();
    signals.install();
    const { stackName, smokeStep } = settings;
    const report = newReport(stackName);

    const config = {
        [`${PROJECT}:namePrefix`]: { value: `${stackName}-` },
        [`${PROJECT}:adoptExistingAgent`]: { value: "true" },
        [`${PROJECT}:llmApiKey`]: { value: settings.llmApiKey, secret: true },
        [`${PROJECT}:ttsAppId`]: { value: settings.ttsAppId },
        [`${PROJECT}:ttsToken`]: { value: settings.ttsToken, secret: true },
        [`${PROJECT}:gracefulShutdownTimeout`]: { value: String(settings.gracefulShutdownTimeout) },
    };

    // createStack, not createOrSelectStack: a stack of that name that already exists is not ours to destroy.
    const stack = await LocalWorkspace.createStack(
        { stackName, projectName: PROJECT, program: program(smokeStep, stackName) },
        { workDir: process.cwd() },
    );
    log(`created stack ${stackName} (smoke step: ${smokeStep})`);
    const creates = new CreateWatch();
    const onOutput = (text: string) => {
        signals.sawEngineOutput(text);
        engineOutput(text);
    };
    try {
        signals.throwIfInterrupted();
        await stack.setAllConfig(config);
        for (let attempt = 1; ; attempt++) {
            signals.throwIfInterrupted();
            report.upAttempts = attempt;
            log(`pulumi up (attempt ${attempt} of ${settings.upAttempts})`);
            try {
                const up = await stack.up({ onOutput, onEvent: creates.onEvent, color: "never", signal: signals.abort.signal });
                report.outputs = plainOutputs(up.outputs);
                break;
            } catch (e) {
                signals.throwIfInterrupted();
                const failure = classifyFailure(e);
                if (failure.kind !== "transient" || attempt >= settings.upAttempts) throw e;
                const delay = 5 * attempt;
                log(`up failed with a transient error (${failure.reason}): ${firstLine(e)}; retrying in ${delay} s`);
                await signals.sleep(delay * 1000);
            }
        }
        signals.throwIfInterrupted();
        if (smokeStep === "command") {
            report.smoke = String(report.outputs?.smoke ?? "");
        } else if (smokeStep === "direct") {
            const ids = Object.values((report.outputs?.instanceIds ?? {}) as Record<string, string>);
            report.smoke = await runSmokeDirectly(ids, stackName, signals);
            process.stdout.write(report.smoke);
        }
        signals.throwIfInterrupted();
        report.result = "passed";
        log(`up and smoke step passed`);
    } catch (e) {
        if (e instanceof Interrupted || signals.received) {
            report.result = "interrupted";
            report.signal = signals.received;
        } else {
            report.result = "failed";
            report.error = stackInUseLine(e, stackName) ?? firstLine(e);
            log(`FAILED: ${report.error}`);
        }
    } finally {
        await sweepAll(settings, await unrecorded(stack, creates.started).catch(() => [...creates.started.values()]), report);
        await tearDown(stack, report);
        signals.uninstall();
    }
    // A signal during the cleanup still makes the run interrupted: CI cancelled it.
    if (signals.received && report.result !== "interrupted") {
        report.result = "interrupted";
        report.signal = signals.received;
    }
    printReport(report, settings.reportFile);
    return report;
}

/**
 * EPHEMERAL_RECOVER=1: the stack a killed run left (locked, with pending creates and no ids).
 * Removes the lock, sweeps the pending creates by AgentUserId, destroys and removes the stack.
 */
async function recoverStack(settings: Settings): Promise<EphemeralReport> {
    const report = newReport(settings.stackName);
    const stack = await LocalWorkspace.selectStack(
        { stackName: settings.stackName, projectName: PROJECT, program: async () => ({}) },
        { workDir: process.cwd() },
    );
    log(`recovering stack ${settings.stackName}`);
    await stack.cancel().catch(() => undefined); // no lock: nothing to cancel
    await sweepAll(settings, await unrecorded(stack, new Map()), report);
    await tearDown(stack, report);
    report.result = report.cleanedUp ? "recovered" : "failed";
    printReport(report, settings.reportFile);
    return report;
}

function printReport(report: EphemeralReport, reportFile: string | undefined): void {
    log(`--- ${report.stackName}: ${report.result}${report.signal ? ` (${report.signal})` : ""}${report.error ? `: ${report.error}` : ""}`);
    log(`cleaned up ${report.destroyed.length} resource(s)${report.destroyed.length > 0 ? ":" : ""}`);
    for (const r of report.destroyed) log(`  - ${r.type} ${r.name}${r.id ? ` (id ${r.id})` : ""}`);
    for (const r of report.mayBeLeft) log(`  ! may still be live: AgentUserId ${r.agentUserId} (${r.error})`);
    log(
        report.cleanedUp
            ? `stack ${report.stackName} destroyed and removed`
            : `stack ${report.stackName} NOT cleaned up (see above)${report.mayBeLeft.length > 0 ? `; rerun with EPHEMERAL_RECOVER=1 STACK_NAME=${report.stackName}` : ""}`,
    );
    if (reportFile) fs.writeFileSync(reportFile, JSON.stringify(report, null, 2));
}

export function exitCode(report: EphemeralReport): number {
    if (report.result === "interrupted") return report.signal === "SIGTERM" ? 143 : 130;
    return (report.result === "passed" || report.result === "recovered") && report.cleanedUp ? 0 : 1;
}

if (require.main === module) {
    let settings: Settings | undefined;
    Promise.resolve()
        .then(() => runEphemeralEnvironment((settings = readSettings())))
        .then(
            (report) => process.exit(exitCode(report)),
            (e: unknown) => {
                // Bad settings, a name already taken, a stack that cannot be created: nothing of this run
                // exists. The report is still written, as README promises (if its path was usable).
                // A stack in use by another run is named as such (the CLI's own text starts with "code: -2").
                const message =
                    stackInUseLine(e, settings?.stackName ?? process.env.STACK_NAME ?? "") ??
                    (e instanceof SettingsError ? e.message : firstLine(e));
                log(`FAILED before creating anything: ${message}`);
                const report = { ...newReport(settings?.stackName ?? process.env.STACK_NAME ?? ""), error: message.slice(0, 600) };
                const file = settings?.reportFile ?? process.env.EPHEMERAL_REPORT;
                if (file && !(e instanceof SettingsError && /EPHEMERAL_REPORT/.test(message))) {
                    try {
                        fs.writeFileSync(file, JSON.stringify(report, null, 2));
                    } catch {
                        // Reported above already.
                    }
                }
                process.exit(1);
            },
        );
}
