/**
 * What one Pulumi CLI process costs in CPU (issue 13: the Automation API's `up()` runs
 * `stack output` twice and `stack history` after `pulumi up`, each a CLI process of its own):
 * user + system CPU-seconds of each command against a stack of 3 instances, median and minimum of
 * 5 runs, measured with /usr/bin/time; for a stack whose secrets provider is the passphrase one
 * (each command that loads the stack's secrets derives its key: 1,000,000 PBKDF2 iterations) and
 * for one whose data key a key management service holds (tests/harness/kms.ts: an HTTP call instead).
 *
 *   npm run build && node dist/tests/bench/cliReads.js
 */
import { execFile } from "child_process";
import { promisify } from "util";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { AgentInstance } from "../../provider";
import { emulatorConfig, EngineRun, startTestEmulator, withStack } from "../harness/engine";
import { startKms } from "../harness/kms";
import { numberedInstanceArgs } from "../harness/fixtures";
import { AGENT_ID, registerAgent } from "../harness/stacks";

const RUNS = 5;
const execFileAsync = promisify(execFile);

async function main(): Promise<void> {
    const emulator = await startTestEmulator();
    await registerAgent(emulator);
    const program = async () => {
        for (let j = 1; j <= 3; j++) new AgentInstance(`agent${j}`, { ...numberedInstanceArgs(j, AGENT_ID), gracefulShutdown: false });
    };
    const kms = await startKms();
    console.log("| secrets | command | CPU-s median | CPU-s min |\n|---|---|---|---|");
    for (const secrets of ["passphrase", "kms"] as const) {
        await withStack(program, emulatorConfig(emulator), (run) => measure(run, secrets), secrets === "kms" ? kms.stackOptions : {});
    }
    await kms.close();
    await emulator.close();
}

async function measure(run: EngineRun, secrets: string): Promise<void> {
    // Unchecked (run.stack): the up only sets the stack up for the reads measured below.
    await run.stack.up({ onOutput: () => undefined });
    const env = { ...process.env, ...(run.stack.workspace as LocalWorkspace).envVars };
    const stack = ["--stack", run.stack.name];
    const commands: [string, string[]][] = [
        ["pulumi version", ["version"]],
        ["pulumi stack output --json", ["stack", "output", "--json", ...stack]],
        ["pulumi stack output --json --show-secrets", ["stack", "output", "--json", "--show-secrets", ...stack]],
        ["pulumi stack history --json --page-size 1", ["stack", "history", "--json", "--page-size", "1", ...stack]],
    ];
    for (const [label, args] of commands) {
        const cpu: number[] = [];
        for (let i = 0; i < RUNS; i++) {
            // Not spawnSync: the KMS answers the CLI from this process's event loop.
            const { stderr } = await execFileAsync("/usr/bin/time", ["-f", "%U %S", "pulumi", ...args], {
                cwd: run.env.workDir,
                env,
            }).catch((e) => {
                throw new Error(`${label} failed: ${(e as { stderr?: string }).stderr ?? e}`);
            });
            const [user, system] = stderr.trim().split("\n").at(-1)!.split(" ").map(Number);
            cpu.push(user! + system!);
        }
        cpu.sort((a, b) => a - b);
        console.log(`| ${secrets} | \`${label}\` | ${cpu[Math.floor(RUNS / 2)]!.toFixed(2)} | ${cpu[0]!.toFixed(2)} |`);
    }
}

main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
});
