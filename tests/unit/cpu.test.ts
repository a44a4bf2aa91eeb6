/** The benchmarks' CPU accounting (testing/cpu.ts). */
import { expect } from "chai";
import { cpuBetween, cpuTicks } from "../../testing/cpu";

describe("testing/cpu: what the CPUs did between two readings", () => {
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
});
