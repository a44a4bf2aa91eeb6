/**
 * CPU time by kind of process (Linux /proc), for the contention benchmark: when a phase keeps the
 * CPUs busy, which processes spent that time (the provider processes, the engine, the Automation
 * API's reads, this process with the emulator). Sampled: a process's last interval before it exits
 * is not seen, so the figures are lower bounds.
 */
import * as fs from "fs";
import * as path from "path";

export const PROCESS_KINDS = [
    "provider", // the dynamic provider host (node …/cmd/dynamic-provider) or the zego plugin (its script execs node …/plugin/main.js)
    "host wrapper", // the CLI's pulumi-resource-pulumi-nodejs script and its `node -e require.resolve`
    "engine", // pulumi up / destroy / preview / refresh
    "reads", // the other pulumi commands (stack output, stack history, …)
    "language host", // pulumi-language-nodejs
    "this process", // the benchmark: emulator, KMS, the inline programs, the Automation API
    "other", // anything else on the machine
] as const;
export type ProcessKind = (typeof PROCESS_KINDS)[number];

const ENGINE_COMMANDS = new Set(["up", "destroy", "preview", "refresh"]);

export function processKind(argv: readonly string[], pid: number): ProcessKind {
    if (pid === process.pid) return "this process";
    const exe = path.basename(argv[0] ?? "");
    if (argv.some((a) => /pulumi-resource-zego/.test(a))) return "provider";
    if (argv.some((a) => /pulumi-resource-pulumi-nodejs/.test(a)) || (exe === "node" && argv[1] === "-e")) return "host wrapper";
    if (exe === "node" && argv.some((a) => /cmd\/dynamic-provider|provider\/plugin\/main\.js$/.test(a))) return "provider";
    if (exe === "pulumi-language-nodejs") return "language host";
    if (exe === "pulumi") return ENGINE_COMMANDS.has(argv[1] ?? "") ? "engine" : "reads";
    return "other";
}

export type CpuByKind = Readonly<Record<ProcessKind, number>>;

const zero = (): Record<ProcessKind, number> => Object.fromEntries(PROCESS_KINDS.map((k) => [k, 0])) as Record<ProcessKind, number>;

/** Samples every process every `intervalMs` until stopped; `snapshot()` is the CPU-seconds each kind has used so far. */
export class ProcessCpuSampler {
    private readonly hz = 100; // USER_HZ: /proc reports clock ticks of 1/100 s on Linux
    /**
     * By pid and start time (pids are reused): the kind, the CPU-seconds so far and those counted
     * under "other" before it was classified again (`base`); null for a kernel thread.
     */
    private readonly seen = new Map<string, { kind: ProcessKind; seconds: number; base: number } | null>();
    /** CPU-seconds counted under "other" by processes since classified as something else: each kind only grows. */
    private retiredOther = 0;
    private readonly timer: NodeJS.Timeout;

    /** `procRoot`: /proc, or a folder laid out like it (tests). */
    constructor(
        intervalMs = 100,
        private readonly procRoot = "/proc",
    ) {
        this.timer = setInterval(() => this.sample(), intervalMs);
        this.timer.unref();
        this.sample();
    }

    private sample(): void {
        let pids: string[];
        try {
            pids = fs.readdirSync(this.procRoot).filter((p) => /^\d+$/.test(p));
        } catch {
            return;
        }
        for (const pid of pids) {
            try {
                const stat = fs.readFileSync(path.join(this.procRoot, pid, "stat"), "utf8");
                const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
                const key = `${pid}:${f[19]}`; // starttime
                let entry = this.seen.get(key);
                // "other" is looked at again: a child seen between its fork and its exec still has its parent's command line.
                if (entry === undefined || entry?.kind === "other") {
                    const argv = fs
                        .readFileSync(path.join(this.procRoot, pid, "cmdline"), "utf8")
                        .split("\0")
                        .filter(Boolean);
                    const kind = argv.length === 0 ? undefined : processKind(argv, Number(pid));
                    const before = entry?.seconds ?? 0;
                    // What it used as "other" stays there; the new kind counts from now on.
                    if (entry && kind !== "other") this.retiredOther += before;
                    entry = kind === undefined ? null : { kind, seconds: before, base: kind === "other" ? 0 : before };
                    this.seen.set(key, entry);
                }
                if (entry) entry.seconds = (Number(f[11]) + Number(f[12])) / this.hz; // utime + stime
            } catch {
                // gone between readdir and read
            }
        }
    }

    snapshot(): CpuByKind {
        this.sample();
        const by = zero();
        by.other = this.retiredOther;
        for (const entry of this.seen.values()) if (entry) by[entry.kind] += entry.seconds - entry.base;
        return by;
    }

    stop(): void {
        clearInterval(this.timer);
    }
}

export function cpuByKindBetween(from: CpuByKind | undefined, to: CpuByKind | undefined): CpuByKind | undefined {
    if (from === undefined || to === undefined) return undefined;
    const d = zero();
    for (const k of PROCESS_KINDS) d[k] = to[k] - from[k];
    return d;
}
