/**
 * What this machine's CPUs did between two moments (Linux /proc/stat, all processes), for the
 * benchmarks: a wall time far above its floor means little if the CPUs were saturated meanwhile, or
 * if a shared host (a cloud VM) gave part of their time to other machines.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";

/** Cumulative ticks: user nice system idle iowait irq softirq steal. */
export type CpuTicks = readonly number[];

/** undefined where there is no /proc/stat. */
export function cpuTicks(): CpuTicks | undefined {
    try {
        const first = fs.readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
        return first.startsWith("cpu ") ? first.trim().split(/\s+/).slice(1, 9).map(Number) : undefined;
    } catch {
        return undefined;
    }
}

export interface CpuShare {
    /** Of all CPUs' time, the share spent running anything (user, nice, system, irq, softirq). */
    readonly busyPercent: number;
    /** The share the hypervisor gave to other machines. */
    readonly stealPercent: number;
}

export function cpuBetween(from: CpuTicks | undefined, to: CpuTicks | undefined): CpuShare | undefined {
    if (from === undefined || to === undefined) return undefined;
    const d = to.map((v, i) => v - (from[i] ?? 0));
    const total = d.reduce((a, b) => a + b, 0);
    if (total <= 0) return undefined;
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = d;
    return { busyPercent: (100 * (user + nice + system + irq + softirq)) / total, stealPercent: (100 * steal) / total };
}

/**
 * How fast this machine runs what every dynamic provider host does first: the CPU-seconds of a
 * fresh Node process loading `@pulumi/pulumi/runtime` (median of `runs`). The contention figures
 * of two machines compare only alongside this: on the VMs of BENCHMARKS.md it ranged twofold.
 */
export function sdkLoadCpuSeconds(runs = 5): number {
    const script =
        'const t=process.cpuUsage();require("@pulumi/pulumi/runtime");const u=process.cpuUsage(t);console.log((u.user+u.system)/1e6)';
    const samples = Array.from({ length: runs }, () => Number(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }).trim()));
    samples.sort((a, b) => a - b);
    return samples[Math.floor(samples.length / 2)] ?? NaN;
}
