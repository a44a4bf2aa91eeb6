/**
 * Drives the real Pulumi engine (the CLI built by scripts/ensure-pulumi.sh) through the Automation
 * API against the bundled emulator. Every stack is fresh, hermetic (temp backend and PULUMI_HOME)
 * and removed afterwards.
 */
import { ConfigMap, LocalWorkspace, OutputMap, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { startEmulator, EmulatorHandle, EmulatorOptions, DEFAULT_APP_ID, DEFAULT_SERVER_SECRET } from "../../emulator";
import { createPulumiEnv, getPulumiCommand, PulumiEnv } from "../../scripts/pulumi-env";

export const APP_ID = DEFAULT_APP_ID;
export const SERVER_SECRET = DEFAULT_SERVER_SECRET;

export interface EngineRun {
    stack: Stack;
    env: PulumiEnv;
    /** Everything the engine printed, for secret scans. */
    output: string[];
    onOutput: (line: string) => void;
    /** Set (or with undefined, unset) an environment variable the CLI and the provider see from now on. */
    setEnv(name: string, value: string | undefined): Promise<void>;
    /** The stack's state file as stored by the backend (secrets encrypted; `stack.exportStack()` would decrypt them). */
    exportState(): Promise<string>;
    outputs(): Promise<OutputMap>;
}

export async function startTestEmulator(options: Partial<EmulatorOptions> = {}): Promise<EmulatorHandle> {
    return startEmulator({ appId: APP_ID, serverSecret: SERVER_SECRET, rateLimitPerSecond: 0, ...options });
}

/** Stack config pointing the provider at the emulator. */
export function emulatorConfig(emulator: EmulatorHandle): ConfigMap {
    return {
        "zego:appId": { value: String(APP_ID) },
        "zego:serverSecret": { value: SERVER_SECRET, secret: true },
        "zego:endpoint": { value: emulator.url },
    };
}

export async function withStack(
    program: PulumiFn,
    config: ConfigMap,
    body: (run: EngineRun) => Promise<void>,
    envVars: Record<string, string> = {},
    stackName = `e2e-${randomBytes(4).toString("hex")}`,
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
        },
    );
    const output: string[] = [];
    const run: EngineRun = {
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
            const file = path.join(env.backendDir, ".pulumi", "stacks", projectName, `${stackName}.json`);
            return fs.readFileSync(file, "utf8");
        },
        outputs: () => stack.outputs(),
    };
    try {
        if (Object.keys(config).length > 0) await stack.setAllConfig(config);
        await body(run);
    } finally {
        try {
            await stack.destroy({ onOutput: run.onOutput });
        } catch {
            // The test already failed or cleaned up; leave the engine's error to the assertion that matters.
        }
        await stack.workspace.removeStack(stackName).catch(() => undefined);
        env.cleanup();
    }
}

/** Text of every secret a test run must never reveal. */
export function assertNoSecrets(texts: string[], secrets: string[]): void {
    for (const text of texts) {
        for (const secret of secrets) {
            if (text.includes(secret)) {
                const at = text.indexOf(secret);
                throw new Error(`secret leaked in plaintext near: ${JSON.stringify(text.slice(Math.max(0, at - 80), at))}…`);
            }
        }
    }
}
