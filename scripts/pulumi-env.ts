/**
 * Hermetic environment for driving the real Pulumi engine from tests (Automation API).
 *
 *   const cmd = await getPulumiCommand();
 *   const env = createPulumiEnv();
 *   const stack = await LocalWorkspace.createOrSelectStack(
 *       { stackName, projectName, program },
 *       { workDir, pulumiCommand: cmd, envVars: env.envVars, projectSettings: { name, runtime: "nodejs" } });
 *   ...
 *   env.cleanup();
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PulumiCommand } from "@pulumi/pulumi/automation";

export interface PulumiEnv {
    /** Temp root holding everything below; removed by cleanup(). */
    root: string;
    /** PULUMI_HOME (plugin cache, workspace settings). */
    pulumiHome: string;
    /** Directory of the file:// (DIY) state backend. */
    backendDir: string;
    /** file:// URL of backendDir. */
    backendUrl: string;
    /** Variables for LocalWorkspace `envVars` (merged over process.env by the Automation API). */
    envVars: { [key: string]: string };
    cleanup(): void;
}

export interface PulumiEnvOptions {
    /** A directory printed by ensure-pulumi.sh; defaults to running it. */
    cliRoot?: string;
    /** Defaults to a fixed test passphrase. */
    passphrase?: string;
}

let cachedCliRoot: string | undefined;

function findEnsureScript(): string {
    // Works both from scripts/ (ts-node) and from dist/scripts/ (compiled).
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        const candidate = path.join(dir, "scripts", "ensure-pulumi.sh");
        if (fs.existsSync(candidate)) {
            return candidate;
        }
        const sibling = path.join(dir, "ensure-pulumi.sh");
        if (fs.existsSync(sibling)) {
            return sibling;
        }
        if (path.dirname(dir) === dir) {
            throw new Error(`scripts/ensure-pulumi.sh not found above ${__dirname}`);
        }
    }
}

/** Runs scripts/ensure-pulumi.sh once per process; returns the dir whose bin/ holds the CLI. */
export function ensurePulumiCli(): string {
    if (cachedCliRoot === undefined) {
        const out = execFileSync("bash", [findEnsureScript()], {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "inherit"],
        });
        const lines = out.trim().split("\n");
        const dir = lines[lines.length - 1].trim();
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

/** Creates a fresh temp PULUMI_HOME + file backend and the env vars that point the engine at them. */
export function createPulumiEnv(opts: PulumiEnvOptions = {}): PulumiEnv {
    const cliBin = path.join(opts.cliRoot ?? ensurePulumiCli(), "bin");
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-env-"));
    const pulumiHome = path.join(root, "home");
    const backendDir = path.join(root, "state");
    fs.mkdirSync(pulumiHome);
    fs.mkdirSync(backendDir);
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
        envVars,
        cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
    };
}
