/**
 * Runs examples/ephemeral-env/run.js as a CI job would (a child process with its own environment,
 * the CLI on PATH) against the emulator, and collects its exit code, output, report and the stacks left
 * in its backend: the helpers of tests/e2e/examples.test.ts and tests/e2e/sharedBackend.test.ts.
 */
import { expect } from "chai";
import { ChildProcess, execFile, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { EmulatorHandle } from "../../emulator";
import { createPulumiEnv, PulumiEnv, repoRoot } from "../../scripts/pulumi-env";
import { APP_ID, SERVER_SECRET } from "../harness/engine";

export const LLM_KEY = "sk-example-LLMKEY-5e1f0a";
export const TTS_TOKEN = "tts-example-TOKEN-77c2";

/** An onStart hook: `act` on the child once the emulator saw its first `action` request. */
export function onFirstRequest(
    emulator: EmulatorHandle,
    action: string,
    act: (child: ChildProcess) => void,
): (child: ChildProcess) => void {
    return (child) => {
        const timer = setInterval(() => {
            if (emulator.requests().some((r) => r.action === action)) {
                clearInterval(timer);
                act(child);
            }
        }, 20);
        child.on("exit", () => clearInterval(timer));
    };
}

export interface EphemeralRun {
    code: number | null;
    stdout: string;
    report: {
        result: string;
        signal?: string;
        upAttempts: number;
        smoke?: string;
        destroyed: { type: string; name: string; id?: string }[];
        swept?: { agentUserId: string; urn: string; outcome: string }[];
        mayBeLeft?: { agentUserId: string; error: string }[];
        error?: string;
        cleanedUp: boolean;
    };
    /** Stacks left in the backend afterwards (on a shared backend: this run's). */
    stacks: string[];
}

export interface RunOptions {
    /** Share one backend between runs (a killed run, then its recovery); the caller cleans it up. */
    engine?: PulumiEnv;
    /** The killed run leaves its stack config file; its recovery removes it. */
    allowLeftovers?: boolean;
    /** Its own process group, so that the test can signal the group as CI does. */
    detached?: boolean;
    /** A shared state backend (PULUMI_BACKEND_URL) instead of the engine's own file:// one. */
    backendUrl?: string;
}

export async function runEphemeral(
    emulator: EmulatorHandle,
    env: Record<string, string>,
    commandPluginDir?: string,
    onStart?: (child: ChildProcess) => void,
    options: RunOptions = {},
): Promise<EphemeralRun> {
    const engine = options.engine ?? createPulumiEnv();
    const reportFile = path.join(engine.root, "report.json");
    const childEnv: NodeJS.ProcessEnv = {
        ...process.env,
        ...engine.envVars,
        ZEGO_APP_ID: String(APP_ID),
        ZEGO_SERVER_SECRET: SERVER_SECRET,
        ZEGO_ENDPOINT: emulator.url,
        LLM_API_KEY: LLM_KEY,
        TTS_APP_ID: "tts-app-1",
        TTS_TOKEN,
        GRACEFUL_SHUTDOWN_TIMEOUT: "5",
        EPHEMERAL_REPORT: reportFile,
        ...(options.backendUrl ? { PULUMI_BACKEND_URL: options.backendUrl } : {}),
        ...env,
    };
    if (commandPluginDir) childEnv.PATH = `${commandPluginDir}${path.delimiter}${childEnv.PATH}`;
    try {
        const child = spawn(process.execPath, [path.join(repoRoot(), "dist", "examples", "ephemeral-env", "run.js")], {
            cwd: engine.workDir,
            env: childEnv,
            stdio: ["ignore", "pipe", "pipe"],
            detached: options.detached,
        });
        let stdout = "";
        child.stdout!.on("data", (d) => (stdout += d));
        child.stderr!.on("data", (d) => (stdout += d));
        onStart?.(child);
        const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
        if (process.env.SHOW_EPHEMERAL_OUTPUT === "1") process.stdout.write(stdout);
        const reportText = fs.existsSync(reportFile) ? fs.readFileSync(reportFile, "utf8") : "";
        if (reportText) fs.rmSync(reportFile);
        const report = reportText ? JSON.parse(reportText) : { destroyed: [], cleanedUp: false, upAttempts: 0, result: "none" };
        const stacks = await listStacks(engine, childEnv);
        const leftovers = fs.readdirSync(engine.workDir).filter((f) => /^Pulumi\..+\.yaml$/.test(f));
        // With the run's output: which step kept the file is in its log (a kill test once failed here under load, not alone).
        if (!options.allowLeftovers)
            expect(
                leftovers,
                `stack config files left in the work dir by a run (exit ${code}) whose output ends:\n${stdout.slice(-4000)}\n`,
            ).to.deep.equal([]);
        return { code, stdout, report, stacks };
    } finally {
        if (!options.engine) await engine.cleanup();
    }
}

/**
 * The stacks left in the run's backend: the file backend's stack files; on a shared backend (other runs'
 * stacks come and go there), this run's STACK_NAME if `pulumi stack ls --all` still lists it.
 */
async function listStacks(engine: PulumiEnv, env: NodeJS.ProcessEnv): Promise<string[]> {
    if (env.PULUMI_BACKEND_URL === engine.backendUrl) {
        const stacksDir = path.join(engine.backendDir, ".pulumi", "stacks");
        return fs.existsSync(stacksDir)
            ? fs
                  .readdirSync(stacksDir, { recursive: true })
                  .map(String)
                  .filter((f) => f.endsWith(".json"))
            : [];
    }
    const { stdout } = await promisify(execFile)("pulumi", ["stack", "ls", "--all", "--json"], { cwd: engine.root, env });
    return (JSON.parse(stdout) as { name: string }[]).map((s) => s.name).filter((name) => name.split("/").pop() === env.STACK_NAME);
}

export function expectAllCleanedUp(run: EphemeralRun, destroyedTypes?: string[]): void {
    expect(run.report.cleanedUp, run.stdout).to.equal(true);
    expect(run.stacks, "stacks left in the backend").to.deep.equal([]);
    if (destroyedTypes) {
        expect(run.report.destroyed.map((r) => r.type.replace("pulumi-nodejs:dynamic/", "")).sort()).to.deep.equal(
            [...destroyedTypes].sort(),
        );
    }
    for (const r of run.report.destroyed) expect(run.stdout).to.contain(`- ${r.type} ${r.name}`);
}
