/**
 * What one Pulumi CLI process costs in CPU (issue 13: the Automation API's `up()` runs
 * `stack output` twice and `stack history` after `pulumi up`, each a CLI process of its own):
 * user + system CPU-seconds of each command against a stack of 3 instances, median and minimum of
 * 5 runs, measured with /usr/bin/time.
 *
 *   npm run build && node dist/bench/cliReads.js
 */
import { spawnSync } from "child_process";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { AgentInstance } from "../provider";
import { emulatorConfig, startTestEmulator, withStack } from "../testing/engine";
import { numberedInstanceArgs } from "../testing/fixtures";
import { AGENT_ID, registerAgent } from "../testing/stacks";

const RUNS = 5;

async function main(): Promise<void> {
    const emulator = await startTestEmulator();
    await registerAgent(emulator);
    const program = async () => {
        for (let j = 1; j <= 3; j++) new AgentInstance(`agent${j}`, { ...numberedInstanceArgs(j, AGENT_ID), gracefulShutdown: false });
    };
    await withStack(program, emulatorConfig(emulator), async (run) => {
        await run.unchecked.up({ onOutput: () => undefined });
        const env = { ...process.env, ...(run.stack.workspace as LocalWorkspace).envVars };
        const stack = ["--stack", run.stack.name];
        const commands: [string, string[]][] = [
            ["pulumi version", ["version"]],
            ["pulumi stack output --json", ["stack", "output", "--json", ...stack]],
            ["pulumi stack output --json --show-secrets", ["stack", "output", "--json", "--show-secrets", ...stack]],
            ["pulumi stack history --json --page-size 1", ["stack", "history", "--json", "--page-size", "1", ...stack]],
        ];
        console.log("| command | CPU-s median | CPU-s min |\n|---|---|---|");
        for (const [label, args] of commands) {
            const cpu: number[] = [];
            for (let i = 0; i < RUNS; i++) {
                const r = spawnSync("/usr/bin/time", ["-f", "%U %S", "pulumi", ...args], { cwd: run.env.workDir, env, encoding: "utf8" });
                if (r.status !== 0) throw new Error(`${label} failed: ${r.stderr}`);
                const [user, system] = r.stderr.trim().split("\n").at(-1)!.split(" ").map(Number);
                cpu.push(user! + system!);
            }
            cpu.sort((a, b) => a - b);
            console.log(`| \`${label}\` | ${cpu[Math.floor(RUNS / 2)]!.toFixed(2)} | ${cpu[0]!.toFixed(2)} |`);
        }
    });
    await emulator.close();
}

main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
});
