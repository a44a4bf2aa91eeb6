/**
 * Delete is bounded in real time, against the emulator over real HTTP with the real client and
 * the system clock: when every QueryAgentInstanceStatus is throttled (the client would retry for
 * its 300 s throttle deadline) or hangs (the client would wait 10 s per attempt, then retry), the
 * delete still ends at the graceful timeout plus the margin (1 s + 0.5 s here), saying what cut it
 * short, and a second delete after the fault is gone succeeds.
 */
import { expect } from "chai";
import { FaultOptions } from "../../../emulator";
import { validInstanceArgs } from "../../harness/fixtures";
import { DeletionTimeoutError } from "../../../provider/lifecycle/deletion";
import { Props, rejectionOf, resourceInputs, SERVER_SECRET, useRealTimeProviderEnvironment } from "./helpers";

const BOUND_MS = 1500; // gracefulShutdownTimeout 1 s + ZEGO_DELETE_WAIT_MARGIN 0.5 s
/** The cut-off call's grace and the machine's slack (2 shared cores). */
const SLACK_MS = 1000;

describe("provider integration: delete ends within its bound when status polls are throttled or hang (real time)", function () {
    this.timeout(20_000);
    const lab = useRealTimeProviderEnvironment({ ZEGO_DELETE_WAIT_MARGIN: "0.5" });
    // The system clock: what bounds the delete here is real time.
    const instance = lab.providers.AgentInstance;

    async function createInstance(): Promise<{ id: string; outs: Props }> {
        const checked = await instance.check({}, resourceInputs({ ...validInstanceArgs("1"), gracefulShutdownTimeout: 1 }));
        const { id, outs } = await instance.create(checked.inputs!);
        // Busy past its graceful timeout: ZEGO force-deletes it at 1 s.
        lab.em.setBusy(id, { seconds: 30 });
        return { id, outs: outs as Props };
    }

    async function deleteUnder(faults: FaultOptions): Promise<{ id: string; outs: Props; ms: number; err: Error }> {
        const { id, outs } = await createInstance();
        lab.em.setFaults({ ...faults, actions: ["QueryAgentInstanceStatus"] });
        const started = Date.now();
        const err = await rejectionOf(instance.delete(id, outs));
        return { id, outs, ms: Date.now() - started, err };
    }

    for (const [what, faults, cutOff] of [
        ["throttled", { throttleBurst: 1000 }, /QueryAgentInstanceStatus was cancelled waiting to retry .*\d+ throttled answers?/],
        ["hung", { hangNext: 1000 }, /QueryAgentInstanceStatus was cancelled in flight/],
    ] as const) {
        it(`status polls ${what}: the delete ends at the bound, says what was cut off, and a second delete succeeds`, async () => {
            const { id, outs, ms, err } = await deleteUnder(faults);

            expect(err, String(err)).to.be.instanceOf(DeletionTimeoutError);
            expect(ms, "within the bound of 1.5 s").to.be.within(BOUND_MS, BOUND_MS + SLACK_MS);
            expect(err.message)
                .to.contain(id)
                .and.contain("bounded by 1.5 s (the graceful timeout of 1 s plus a margin of 0.5 s)")
                .and.contain("the status poll under way was cut off at the bound")
                .and.match(cutOff)
                .and.contain("0 status polls answered")
                .and.contain("stays in the Pulumi state");
            expect(err.message).not.to.match(/\bwaited\b/);
            expect(err.message).not.to.contain(SERVER_SECRET);

            lab.em.setFaults({});
            await instance.delete(id, outs);
            expect(lab.em.instance(id)!.state).to.equal("deleted");
        });
    }

    it("DeleteAgentInstance hung: the delete ends at the bound, saying the shutdown may or may not have started", async () => {
        const { id, outs } = await createInstance();
        lab.em.setFaults({ hangNext: 1000, actions: ["DeleteAgentInstance"] });
        const started = Date.now();
        const err = await rejectionOf(instance.delete(id, outs));
        const ms = Date.now() - started;

        expect(err, String(err)).to.be.instanceOf(DeletionTimeoutError);
        expect(ms).to.be.within(BOUND_MS, BOUND_MS + SLACK_MS);
        expect(err.message)
            .to.contain("the DeleteAgentInstance request did not get an answer within the bound")
            .and.contain("DeleteAgentInstance was cancelled in flight")
            .and.contain("may or may not have started the shutdown");
    });
});
