/**
 * Shared pieces of the resilience suite: a program of N agent instances, the agent they run
 * (registered directly, outside the stack, so faults hit only what the stack does), reading the
 * backend's state file, running an engine command again as an operator script would, and finding
 * the dynamic provider process of one stack.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import { ConfigMap } from "@pulumi/pulumi/automation";
import { AgentInstance } from "../../provider";
import { numberedInstanceArgs } from "../harness/fixtures";
import { EngineRun, latestCheckpoint } from "../harness/engine";
import { AGENT_ID } from "../harness/stacks";
export type { StateResource } from "../harness/engine";
export { createsSettled, waitFor } from "../harness/wait";
export { AGENT_ID, INSTANCE_TYPE, instanceIdsInState, occupying, registerAgent, SECRETS, signedDelete } from "../harness/stacks";

export interface ProgramOptions {
    /** Default true (the provider's default). */
    gracefulShutdown?: boolean;
    gracefulShutdownTimeout?: number;
}

/** N agent instances of AGENT_ID; exports their ids as instance1..instanceN. */
export function instancesProgram(n: number, o: ProgramOptions = {}) {
    return async () => {
        const ids: Record<string, unknown> = {};
        for (let i = 1; i <= n; i++) {
            const instance = new AgentInstance(`agent${i}`, {
                ...numberedInstanceArgs(i, AGENT_ID),
                ...(o.gracefulShutdown === false
                    ? { gracefulShutdown: false }
                    : { gracefulShutdownTimeout: o.gracefulShutdownTimeout ?? 10 }),
            });
            ids[`instance${i}`] = instance.agentInstanceId;
        }
        return ids;
    };
}

export function withConfig(base: ConfigMap, extra: Record<string, string>): ConfigMap {
    const out: ConfigMap = { ...base };
    for (const [key, value] of Object.entries(extra)) out[key] = { value };
    return out;
}

/** The latest checkpoint as the backend stores it (secrets stay encrypted). */
export const checkpoint = latestCheckpoint;

export interface Attempts {
    /** Commands run, the successful one included. */
    tries: number;
    /** Error messages of the failed tries (engine output included), for assertions and secret scans. */
    errors: string[];
}

/**
 * Run an engine command until it succeeds, at most `max` times, as an operator's script around
 * `pulumi up` / `pulumi destroy` would. Throws the last error when every try failed.
 */
export async function retried(max: number, command: () => Promise<unknown>): Promise<Attempts> {
    const errors: string[] = [];
    for (let tries = 1; ; tries++) {
        try {
            await command();
            return { tries, errors };
        } catch (e) {
            errors.push((e as Error).message);
            if (tries >= max) throw new Error(`failed ${tries} times; last error:\n${(e as Error).message.slice(-4000)}`);
        }
    }
}

/**
 * The pid of a process of this stack whose command line `pgrep -f pattern` matches and `accept`
 * confirms, told apart from any other engine on the machine by its working directory: the
 * stack's own temp workDir. Undefined when none is running.
 */
function stackProcessPid(run: EngineRun, pattern: string, accept: (cmdline: string[]) => boolean): number | undefined {
    let listing = "";
    try {
        listing = execFileSync("pgrep", ["-f", pattern], { encoding: "utf8" });
    } catch {
        return undefined; // pgrep exits 1 when nothing matches
    }
    const workDir = fs.realpathSync(run.env.workDir);
    for (const pid of listing
        .split("\n")
        .map(Number)
        .filter((p) => p > 0)) {
        try {
            const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
            const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
            if (cwd === workDir && accept(cmdline)) return pid;
        } catch {
            // Gone meanwhile, or not ours to read.
        }
    }
    return undefined;
}

/** The pid of this stack's dynamic provider (node running @pulumi/pulumi/cmd/dynamic-provider). */
export function dynamicProviderPid(run: EngineRun): number | undefined {
    return stackProcessPid(
        run,
        "dynamic-provider",
        (cmdline) => /(^|\/)node$/.test(cmdline[0] ?? "") && cmdline.some((arg) => /dynamic-provider/.test(arg)) && !cmdline.includes("-e"),
    );
}

/** The pid of this stack's running `pulumi <command>` CLI process. */
export function cliPid(run: EngineRun, command: string): number | undefined {
    return stackProcessPid(run, `pulumi ${command}`, (cmdline) => /(^|\/)pulumi$/.test(cmdline[0] ?? "") && cmdline[1] === command);
}
