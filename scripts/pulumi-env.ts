/**
 * Hermetic environment for driving the real Pulumi engine (Automation API), for the demo and the tests:
 *
 *   const env = createPulumiEnv();
 *   const stack = await LocalWorkspace.createOrSelectStack(
 *       { stackName: "test", projectName: "t", program },
 *       { workDir: env.workDir, envVars: env.envVars, pulumiCommand: await getPulumiCommand(),
 *         projectSettings: { name: "t", runtime: "nodejs" } });
 *   try { ... } finally { await stack.workspace.removeStack("test"); await env.cleanup(); }
 *
 * Use env.workDir, never the repository root: LocalWorkspace writes Pulumi.yaml (projectSettings)
 * and Pulumi.<stack>.yaml (setConfig) into its workDir. workDir is also the cwd of the dynamic
 * provider host, which resolves `@pulumi/pulumi` and bare `pulumi-zego-aiagent/...` requires from it:
 * it lives under <repo>/.pulumi-state/ (git-ignored) so that the repo's node_modules is found, and has
 * node_modules/pulumi-zego-aiagent -> <repo>, like a consumer project would.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { OutputMap, PulumiCommand } from "@pulumi/pulumi/automation";

export interface PulumiEnv {
    /** Temp root holding everything below; removed by cleanup(). */
    root: string;
    /** PULUMI_HOME (plugin cache, workspace settings). */
    pulumiHome: string;
    /** Directory of the file:// (DIY) state backend. */
    backendDir: string;
    /** file:// URL of backendDir. */
    backendUrl: string;
    /** Program directory to pass as LocalWorkspace `workDir`. */
    workDir: string;
    /** Variables for LocalWorkspace `envVars` (the CLI gets process.env overlaid with these). */
    envVars: { [key: string]: string };
    cleanup(): Promise<void>;
}

export interface PulumiEnvOptions {
    /** A directory printed by ensure-pulumi.sh; defaults to running it. */
    cliRoot?: string;
    /** Defaults to a fixed test passphrase. */
    passphrase?: string;
}

let cachedCliRoot: string | undefined;

/** The repository root: the nearest ancestor of this file (scripts/ or dist/scripts/) with scripts/ensure-pulumi.sh. */
export function repoRoot(): string {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "scripts", "ensure-pulumi.sh"))) {
            return dir;
        }
        if (path.dirname(dir) === dir) {
            throw new Error(`scripts/ensure-pulumi.sh not found above ${__dirname}`);
        }
    }
}

/** Runs scripts/ensure-pulumi.sh once per process; returns the dir whose bin/ holds the CLI. */
export function ensurePulumiCli(): string {
    if (cachedCliRoot === undefined) {
        const out = execFileSync("bash", [path.join(repoRoot(), "scripts", "ensure-pulumi.sh")], {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "inherit"],
        });
        const lines = out.trim().split("\n");
        const dir = (lines[lines.length - 1] ?? "").trim();
        if (!path.isAbsolute(dir) || !fs.existsSync(path.join(dir, "bin", "pulumi"))) {
            throw new Error(`ensure-pulumi.sh printed no usable CLI directory: ${JSON.stringify(out)}`);
        }
        cachedCliRoot = dir;
    }
    return cachedCliRoot;
}

/** A PulumiCommand for the CLI that ensure-pulumi.sh provides. */
export async function getPulumiCommand(): Promise<PulumiCommand> {
    return PulumiCommand.get({ root: ensurePulumiCli() });
}

/** Creates a fresh PULUMI_HOME, file backend and program dir, and the env vars pointing the engine at them. */
export function createPulumiEnv(opts: PulumiEnvOptions = {}): PulumiEnv {
    const cliBin = path.join(opts.cliRoot ?? ensurePulumiCli(), "bin");
    const repo = repoRoot();
    const parent = path.join(repo, ".pulumi-state");
    fs.mkdirSync(parent, { recursive: true });
    const root = fs.mkdtempSync(path.join(parent, "env-"));
    const pulumiHome = path.join(root, "home");
    const backendDir = path.join(root, "state");
    const workDir = path.join(root, "work");
    for (const dir of [pulumiHome, backendDir, path.join(workDir, "node_modules")]) {
        fs.mkdirSync(dir, { recursive: true });
    }
    fs.symlinkSync(repo, path.join(workDir, "node_modules", "pulumi-zego-aiagent"), "junction");
    const backendUrl = `file://${backendDir}`;
    const envVars: { [key: string]: string } = {
        PULUMI_HOME: pulumiHome,
        PULUMI_BACKEND_URL: backendUrl,
        PULUMI_CONFIG_PASSPHRASE: opts.passphrase ?? "test-passphrase",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PATH: [cliBin, process.env.PATH ?? ""].filter((p) => p !== "").join(path.delimiter),
    };
    return {
        root,
        pulumiHome,
        backendDir,
        backendUrl,
        workDir,
        envVars,
        // fs.rm does not follow the node_modules/pulumi-zego-aiagent symlink (it unlinks it).
        // Asynchronous: a PULUMI_HOME with a plugin installed holds thousands of files, and a synchronous
        // removal would stall every other stack (and an in-process emulator) of the same process.
        cleanup: () => fs.promises.rm(root, { recursive: true, force: true }),
    };
}

/** A stack output's value; a missing output is a clear error naming it and the outputs there are. */
export function stackOutput(outputs: OutputMap, name: string): unknown {
    const output = outputs[name];
    if (output === undefined)
        throw new Error(`the stack has no output ${JSON.stringify(name)}; it has: ${Object.keys(outputs).join(", ") || "none"}`);
    return output.value;
}
