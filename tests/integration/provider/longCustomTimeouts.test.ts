/**
 * A customTimeouts longer than Node's longest timer (2^31-1 ms, about 24.8 days: `840h` is 35 days)
 * must mean "a long time", not "now": Node fires such a setTimeout after 1 ms. Real time against the
 * emulator; each case takes a few milliseconds.
 */
import { expect } from "chai";
import { validInstanceArgs } from "../../harness/fixtures";
import { Props, resourceInputs, useRealTimeProviderEnvironment } from "./helpers";

/** `customTimeouts: { create: "840h" }` as the engine sends it: 35 days in seconds. */
const DAYS_35_S = 35 * 24 * 3600;

describe("provider integration: a customTimeouts longer than Node's longest timer", function () {
    this.timeout(20_000);
    const lab = useRealTimeProviderEnvironment();
    const instance = lab.providers.AgentInstance;
    const agent = lab.providers.Agent;

    it("create, update and delete of an instance with customTimeouts of 35 days succeed (not cut off at once)", async () => {
        const inputs = (await instance.check({}, resourceInputs(validInstanceArgs("1")))).inputs as Props;
        // A little latency, so that a bound firing after 1 ms would cut the calls off.
        lab.em.setFaults({ latencyMs: 50 });
        const { id, outs } = await instance.create(inputs, { timeoutSeconds: DAYS_35_S });
        const llm = { ...(inputs.llm as Props), temperature: 0.5 };
        const updated = (await instance.update(id, outs!, { ...inputs, llm }, { timeoutSeconds: DAYS_35_S })).outs!;
        await instance.delete(id, updated, { timeoutSeconds: DAYS_35_S });
        expect(lab.em.liveInstances()).to.have.length(0);
    });

    it("Agent: register and unregister with customTimeouts of 35 days succeed", async () => {
        const checked = (await agent.check({}, resourceInputs({ agentId: "long_agent", name: "Long" }))).inputs as Props;
        lab.em.setFaults({ latencyMs: 50 });
        const { id, outs } = await agent.create(checked, { timeoutSeconds: DAYS_35_S });
        await agent.delete(id, outs!, { timeoutSeconds: DAYS_35_S });
        expect(lab.em.agents().map((a) => a.AgentId)).to.deep.equal(["demo_agent"]);
    });
});
