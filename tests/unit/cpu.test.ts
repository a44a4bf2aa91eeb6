/** The benchmarks' CPU accounting (tests/harness/cpu.ts). */
import { expect } from "chai";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cpuBetween, cpuTicks, sdkLoadCpuSeconds } from "../harness/cpu";
import { cpuByKindBetween, PROCESS_KINDS, processKind, ProcessCpuSampler } from "../harness/processCpu";

describe("tests/harness/cpu: what the CPUs did between two readings", () => {
    it("busy is user + nice + system + irq + softirq, steal apart, both of all ticks; idle and iowait are not busy", () => {
        //          user nice system idle iowait irq softirq steal
        const from = [100, 0, 50, 1000, 10, 0, 0, 5];
        const to = [160, 2, 70, 1100, 20, 3, 5, 15];
        // deltas: 60 2 20 100 10 3 5 10 = 210 ticks; busy 90, steal 10
        const share = cpuBetween(from, to)!;
        expect(share.busyPercent).to.be.closeTo((100 * 90) / 210, 1e-9);
        expect(share.stealPercent).to.be.closeTo((100 * 10) / 210, 1e-9);
    });

    it("no reading, or no time between them: undefined, not a division by zero", () => {
        expect(cpuBetween(undefined, [1, 2, 3, 4, 5, 6, 7, 8])).to.equal(undefined);
        expect(cpuBetween([1, 2, 3, 4, 5, 6, 7, 8], undefined)).to.equal(undefined);
        expect(cpuBetween([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 4, 5, 6, 7, 8])).to.equal(undefined);
    });

    it("reads eight counters from this machine's /proc/stat, which only grow", () => {
        const a = cpuTicks();
        expect(a, "CI runs on Linux").to.not.equal(undefined);
        expect(a).to.have.length(8);
        let spin = 0;
        for (let i = 0; i < 5e6; i++) spin += i % 7;
        const b = cpuTicks()!;
        expect(spin).to.be.greaterThan(0);
        b.forEach((v, i) => expect(v).to.be.at.least(a![i]!));
    });

    it("the calibration times a real load of @pulumi/pulumi/runtime in a fresh process, not an empty script", () => {
        const seconds = sdkLoadCpuSeconds(1);
        // An empty require takes well under 0.01 CPU-s; the SDK's runtime needs tens of times that on any machine.
        expect(seconds).to.be.a("number").and.to.be.greaterThan(0.05).and.lessThan(60);
    });
});

describe("tests/harness/processCpu: CPU time by kind of process", () => {
    it("classifies the command lines the engine runs (as seen in /proc during a benchmark)", () => {
        const kinds = [
            [["/x/bin/pulumi", "up", "--yes", "--skip-preview"], "engine"],
            [["/x/bin/pulumi", "destroy", "--yes"], "engine"],
            [["/x/bin/pulumi", "stack", "output", "--json"], "reads"],
            [["/x/bin/pulumi", "stack", "history", "--json"], "reads"],
            [["/bin/sh", "/x/bin/pulumi-resource-pulumi-nodejs", "--logtostderr"], "host wrapper"],
            [["node", "-e", "console.log(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))"], "host wrapper"],
            [["node", "/r/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js", "127.0.0.1:4000"], "provider"],
            [["/bin/sh", "/home/.pulumi/plugins/resource-zego-v0.1.0/pulumi-resource-zego", "127.0.0.1:4000"], "provider"],
            [["node", "/home/.pulumi/plugins/resource-zego-v0.1.0/lib/provider/plugin/main.js", "127.0.0.1:4000"], "provider"],
            [["/x/bin/pulumi-language-nodejs", "127.0.0.1:4000"], "language host"],
            [["/usr/bin/python3", "x.py"], "other"],
        ] as const;
        for (const [argv, kind] of kinds) expect(processKind(argv, 1), argv.join(" ")).to.equal(kind);
        expect(processKind(["node", "dist/tests/bench/contention.js"], process.pid)).to.equal("this process");
    });

    it("counts a child's CPU time under its kind, and only what it used between two snapshots", async function () {
        this.timeout(20_000);
        const sampler = new ProcessCpuSampler(20);
        try {
            const before = sampler.snapshot();
            // A child that does some work, reports its own CPU time, and stays alive until told to exit.
            const script =
                "let s=0; for (let i=0;i<3e7;i++) s+=Math.sqrt(i); const u=process.cpuUsage(); " +
                "console.log(JSON.stringify((u.user+u.system)/1e6)); process.stdin.once('data',()=>process.exit(s>0?0:1))";
            const child = spawn(process.execPath, ["-e", script], { stdio: ["pipe", "pipe", "ignore"] });
            const reported = Number(await new Promise<string>((resolve) => child.stdout!.once("data", (d: Buffer) => resolve(String(d)))));
            const during = cpuByKindBetween(before, sampler.snapshot())!;
            child.stdin!.write("x");
            await new Promise((resolve) => child.once("exit", resolve));
            // `node -e` is the host wrapper's shape; /proc counts in 1/100 s.
            expect(reported).to.be.greaterThan(0.02);
            // At least the child's own time: other `node -e` processes on the machine (other test files' engines) may add theirs.
            expect(during["host wrapper"]).to.be.at.least(reported - 0.05);
            for (const k of PROCESS_KINDS) expect(during[k], k).to.be.at.least(0);
        } finally {
            sampler.stop();
        }
    });

    it("a process classified again (seen between fork and exec) moves no CPU time out of the kind it was counted under", () => {
        // A folder laid out like /proc: one process, first with its parent's command line, then exec'd into a provider.
        const proc = fs.mkdtempSync(path.join(os.tmpdir(), "fake-proc-"));
        const write = (argv: string[], utimeTicks: number) => {
            fs.mkdirSync(path.join(proc, "4242"), { recursive: true });
            // Fields after "(comm) ": state, ppid, …; utime is the 12th, stime the 13th, starttime the 20th.
            const fields = Array.from({ length: 22 }, (_, i) => (i === 11 ? utimeTicks : i === 19 ? 777 : 0));
            fs.writeFileSync(path.join(proc, "4242", "stat"), `4242 (x) ${fields.join(" ")}`);
            fs.writeFileSync(path.join(proc, "4242", "cmdline"), argv.join("\0"));
        };
        const sampler = new ProcessCpuSampler(60_000, proc);
        try {
            write(["/usr/bin/python3", "x.py"], 150); // 1.5 CPU-s as "other"
            const before = sampler.snapshot();
            expect(before.other).to.equal(1.5);
            write(["node", "/r/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js", "127.0.0.1:1"], 200);
            const after = sampler.snapshot();
            const during = cpuByKindBetween(before, after)!;
            for (const k of PROCESS_KINDS) expect(during[k], k).to.be.at.least(0);
            expect(during.provider).to.equal(0.5);
            expect(after.other).to.equal(1.5);
        } finally {
            sampler.stop();
            fs.rmSync(proc, { recursive: true, force: true });
        }
    });
});
