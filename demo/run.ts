/**
 * `npm run demo`: the main job. Starts the bundled ZEGO API emulator, runs this repo's own Pulumi
 * project (Pulumi.yaml + demo/stack.ts) through the real engine — up, a busy agent, a preview
 * diff, destroy with graceful shutdown — narrating what happens, and leaves nothing behind.
 *
 * The engine is driven through the Automation API with the project's program inline, because
 * the Node language host cannot be built on machines without a Pulumi install (see README).
 */
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_APP_ID, DEFAULT_SERVER_SECRET, EmulatedInstance, EmulatorHandle, startEmulator } from "../emulator";
import { createPulumiEnv, ensurePulumiCli, getPulumiCommand, repoRoot, stackOutput } from "../scripts/pulumi-env";
import { voiceAgentStack } from "./stack";

const BUSY_SECONDS = 6;
const TIMEOUT_SECONDS = 10;

const say = (line = "") => process.stdout.write(`${line}\n`);
const step = (n: number, text: string) => say(`\n\x1b[1m[${n}/5] ${text}\x1b[0m`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Engine output lines worth showing: resource steps, diffs and our provider's progress lines. */
function relay(prefix = "      "): (text: string) => void {
    return (text) => {
        for (const line of text.split("\n")) {
            // Skip blank lines, headers, the engine's end-of-run repeat of provider messages, and its
            // note that the stack's history is kept (the demo removes the stack).
            if (
                line.trim() === "" ||
                /^\s+\[pulumi-zego-aiagent\]/.test(line) ||
                /have been deleted, but the history/.test(line) ||
                /^\s*(Type|Name|Plan|Status|Info|Duration|View in|Previewing|Updating|Destroying|Resources:|Outputs:)\b/.test(line)
            )
                continue;
            if (/pulumi-zego-aiagent\]|[+~-]{1,2}\s|\(replace\)|\(update\)|=>|created|deleted|error/i.test(line))
                say(prefix + line.trimEnd());
        }
    };
}

async function main(): Promise<void> {
    const started = Date.now();
    say("pulumi-zego-aiagent demo: ZEGOCLOUD AI agent instances as infrastructure, against the bundled API emulator");

    step(1, "Pulumi engine");
    const cliRoot = ensurePulumiCli();
    say(`      using ${path.join(cliRoot, "bin", "pulumi")}`);

    step(2, "ZEGO AI Agent API emulator");
    const emulator = await startEmulator({ appId: DEFAULT_APP_ID, serverSecret: DEFAULT_SERVER_SECRET, port: 0 });
    say(`      listening on ${emulator.url} (app ${emulator.appId}; rate limit 10 requests/s per action, like ZEGO)`);

    const env = createPulumiEnv({ cliRoot });
    const stackName = `demo-${randomBytes(3).toString("hex")}`;
    const root = repoRoot();
    let stack: Stack | undefined;
    try {
        stack = await LocalWorkspace.createOrSelectStack(
            { stackName, projectName: "zego-aiagent-demo", program: async () => voiceAgentStack() },
            { workDir: root, envVars: env.envVars, pulumiCommand: await getPulumiCommand() },
        );
        await stack.setAllConfig({
            "zego:appId": { value: String(DEFAULT_APP_ID) },
            "zego:serverSecret": { value: DEFAULT_SERVER_SECRET, secret: true },
            "zego:endpoint": { value: emulator.url },
            "demo:gracefulShutdownTimeout": { value: String(TIMEOUT_SECONDS) },
        });
        await runDemo(stack, emulator);
    } finally {
        if (stack) {
            await stack.destroy({}).catch(() => undefined);
            await stack.workspace.removeStack(stackName).catch(() => undefined);
        }
        fs.rmSync(path.join(root, `Pulumi.${stackName}.yaml`), { force: true });
        await env.cleanup();
        await emulator.close();
    }
    say(`\nDone in ${seconds(Date.now() - started)}: the stack is removed, the emulator stopped, nothing is left running.`);
}

async function runDemo(stack: Stack, emulator: EmulatorHandle): Promise<void> {
    step(3, "pulumi up: register an agent and start two voice agent instances in demo_room");
    const up = await stack.up({ onOutput: relay() });
    const alice = stackOutput(up.outputs, "aliceInstanceId") as string;
    const bob = stackOutput(up.outputs, "bobInstanceId") as string;
    say(
        `      agent_alice = instance ${alice}, agent_bob = instance ${bob}; the emulator has ${emulator.liveInstances().length} live instances`,
    );

    step(4, "A pull request proposes a change: pulumi preview --diff");
    say(`      demo:llmModel = "doubao-pro-32k" (offline: no ZEGO API call, no credentials needed)`);
    const callsBefore = emulator.stats().requests;
    await stack.setConfig("demo:llmModel", { value: "doubao-pro-32k" });
    const preview = await stack.preview({ diff: true });
    relay("        ")(
        preview.stdout
            .split("\n")
            .filter((l) => /AgentInstance|Agent:|model|update|replace/.test(l))
            .join("\n"),
    );
    say(`      → ${JSON.stringify(preview.changeSummary)}; ZEGO API calls during preview: ${emulator.stats().requests - callsBefore}`);
    await stack.removeConfig("demo:llmModel");

    step(5, `pulumi destroy with graceful shutdown (GracefulShutdown=true, timeout ${TIMEOUT_SECONDS} s)`);
    emulator.setBusy(alice, { status: "SPEAKING", seconds: BUSY_SECONDS });
    say(`      a user asked agent_alice something: she is SPEAKING a ${BUSY_SECONDS} s answer; agent_bob is IDLE`);
    const statusAtDestroy = new Map(emulator.instances().map((i) => [i.agentInstanceId, i.status]));
    const destroyStarted = Date.now();
    await stack.destroy({ onOutput: relay() });
    const destroyMs = Date.now() - destroyStarted;

    say("\nSummary");
    const rows = [["instance", "status at destroy", "GracefulShutdown", "timeout", "delete → gone", "ended by"]];
    for (const instance of emulator.instances()) {
        const request = instance.deleteRequest;
        rows.push([
            instance.agentInstanceId === alice
                ? `agent_alice ${alice}`
                : instance.agentInstanceId === bob
                  ? `agent_bob ${bob}`
                  : instance.agentInstanceId,
            statusAtDestroy.get(instance.agentInstanceId) ?? "?",
            String(request?.GracefulShutdown ?? "-"),
            request ? `${request.GracefulShutdownTimeout} s` : "-",
            request && instance.deletedAt ? seconds(instance.deletedAt - request.receivedAt) : "-",
            endedBy(instance),
        ]);
    }
    printTable(rows);
    say(
        `  destroy took ${seconds(destroyMs)}; registered agents left: ${emulator.agents().length}; live instances left: ${emulator.liveInstances().length}`,
    );
    if (emulator.liveInstances().length > 0 || emulator.agents().length > 0) throw new Error("the demo left resources behind");
}

function endedBy(instance: EmulatedInstance): string {
    const waited = instance.deletedAt !== undefined && instance.deleteRequest ? instance.deletedAt - instance.deleteRequest.receivedAt : 0;
    switch (instance.deletedReason) {
        case "api":
            return waited > 500 ? "finished speaking, then deleted" : "idle: deleted at once";
        case "graceful-timeout":
            return "still busy at the timeout: stopped";
        case undefined:
            return "still live!";
        default:
            return instance.deletedReason;
    }
}

function printTable(rows: string[][]): void {
    const [header] = rows;
    if (!header) return;
    const widths = header.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
    rows.forEach((row, i) => {
        say("  | " + row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(" | ") + " |");
        if (i === 0) say("  |" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
    });
}

main().catch((e) => {
    process.stderr.write(`demo failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
});
