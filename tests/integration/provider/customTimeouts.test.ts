/**
 * customTimeouts.create and .update bound the agent-instance lifecycle (what the plugin passes on
 * from the engine), in real time against the emulator over real HTTP with the real client: a
 * create is stopped before it is sent (nothing created), never cut off in flight (its id would be
 * lost: the instance would leak), and kept in state (PartialCreateError) once it has an id; an
 * update is cut off at the bound. Bounds are 0.5 s, so each case takes about a second.
 */
import { expect } from "chai";
import { validInstanceArgs } from "../../harness/fixtures";
import { PartialCreateError } from "../../../provider/lifecycle/provider";
import { CustomTimeoutError } from "../../../provider/lifecycle/timeouts";
import { Props, rejectionOf, resourceInputs, useRealTimeProviderEnvironment } from "./helpers";

const BOUND_S = 0.5;
/** The cut-off call's grace and the machine's slack (2 shared cores). */
const SLACK_MS = 1000;
/** Node's timers may fire a millisecond or two early by the wall clock (Date.now truncates). */
const EARLY_MS = 10;

describe("provider integration: customTimeouts.create and .update (real time)", function () {
    this.timeout(20_000);
    const lab = useRealTimeProviderEnvironment();
    const instance = lab.providers.AgentInstance;
    const agent = lab.providers.Agent;

    async function inputs(): Promise<Props> {
        return (await instance.check({}, resourceInputs(validInstanceArgs("1")))).inputs as Props;
    }

    async function timed<T>(work: Promise<T>): Promise<{ err: Error; ms: number }> {
        const started = Date.now();
        const err = await rejectionOf(work);
        return { err, ms: Date.now() - started };
    }

    it("the status query after the create hangs: cut off at the bound, the instance kept in state, and delete removes it", async () => {
        lab.em.setFaults({ hangNext: 1000, actions: ["QueryAgentInstanceStatus"] });
        const { err, ms } = await timed(instance.create(await inputs(), { timeoutSeconds: BOUND_S }));
        expect(err, String(err)).to.be.instanceOf(PartialCreateError);
        expect(ms).to.be.within(BOUND_S * 1000 - EARLY_MS, BOUND_S * 1000 + SLACK_MS);
        const partial = err as PartialCreateError;
        expect(partial.message)
            .to.contain(
                `the status query after the create of agent instance ${partial.id} was cut off by the resource's customTimeouts.create of 0.5 s`,
            )
            .and.contain("kept in state so that destroy can delete it");
        expect(lab.em.liveInstances().map((i) => i.agentInstanceId)).to.deep.equal([partial.id]);
        lab.em.setFaults({});
        await instance.delete(partial.id, partial.properties);
        expect(lab.em.liveInstances()).to.have.length(0);
    });

    it("the create request itself is slow: not cut off in flight (its id would be lost), kept in state once answered", async () => {
        lab.em.setFaults({ latencyMs: 1500, actions: ["CreateAgentInstance"] });
        const { err, ms } = await timed(instance.create(await inputs(), { timeoutSeconds: BOUND_S }));
        expect(err, String(err)).to.be.instanceOf(PartialCreateError);
        expect(ms, "waited for the answer").to.be.at.least(1500);
        const partial = err as PartialCreateError;
        expect(partial.message)
            .to.contain("ZEGO answered the create request after the bound")
            .and.contain("customTimeouts.create of 0.5 s");
        lab.em.setFaults({});
        await instance.delete(partial.id, partial.properties);
        expect(lab.em.liveInstances()).to.have.length(0);
    });

    it("the create is throttled: stopped before it is sent again, nothing created", async () => {
        lab.em.setFaults({ throttleBurst: 1000, actions: ["CreateAgentInstance"] });
        const { err, ms } = await timed(instance.create(await inputs(), { timeoutSeconds: BOUND_S }));
        expect(err, String(err)).to.be.instanceOf(CustomTimeoutError);
        expect(ms).to.be.within(BOUND_S * 1000 - EARLY_MS, BOUND_S * 1000 + SLACK_MS);
        expect(err.message)
            .to.contain("the create of the agent instance")
            .and.contain("was cut off by the resource's customTimeouts.create of 0.5 s")
            .and.contain("Nothing was created");
        expect(lab.em.instances()).to.have.length(0);
    });

    it("without customTimeouts (0) a slow create just takes its time", async () => {
        lab.em.setFaults({ latencyMs: 700, actions: ["CreateAgentInstance"] });
        const { id } = await instance.create(await inputs(), { timeoutSeconds: 0 });
        expect(lab.em.instance(id)).to.not.equal(undefined);
    });

    it("Agent: a slow RegisterAgent is not cut off in flight; answered after customTimeouts.create it is kept in state, and delete unregisters it", async () => {
        const checked = await agent.check({}, resourceInputs({ agentId: "bounded_agent", name: "Bounded" }));
        lab.em.setFaults({ latencyMs: 1500, actions: ["RegisterAgent"] });
        const { err } = await timed(agent.create(checked.inputs as Props, { timeoutSeconds: BOUND_S }));
        expect(err, String(err)).to.be.instanceOf(PartialCreateError);
        const partial = err as PartialCreateError;
        expect(partial.id).to.equal("bounded_agent");
        expect(partial.message).to.contain("ZEGO answered RegisterAgent after the bound").and.contain("customTimeouts.create of 0.5 s");
        expect(lab.em.agents().map((a) => a.AgentId)).to.include("bounded_agent");
        lab.em.setFaults({});
        await agent.delete(partial.id, partial.properties);
        expect(lab.em.agents().map((a) => a.AgentId)).not.to.include("bounded_agent");
    });

    it("Agent: an UnregisterAgent that hangs is cut off at customTimeouts.delete", async () => {
        const checked = await agent.check({}, resourceInputs({ agentId: "bounded_agent", name: "Bounded" }));
        const { id, outs } = await agent.create(checked.inputs as Props);
        lab.em.setFaults({ hangNext: 1000, actions: ["UnregisterAgent"] });
        const { err, ms } = await timed(agent.delete(id, outs as Props, { timeoutSeconds: BOUND_S }));
        expect(err, String(err)).to.be.instanceOf(CustomTimeoutError);
        expect(ms).to.be.within(BOUND_S * 1000 - EARLY_MS, BOUND_S * 1000 + SLACK_MS);
        expect(err.message)
            .to.contain("the delete of agent bounded_agent was cut off by the resource's customTimeouts.delete of 0.5 s")
            .and.contain("run `pulumi destroy` again");
    });

    it("an UpdateAgentInstance that hangs is cut off at customTimeouts.update, saying the state keeps its previous inputs", async () => {
        const created = await instance.create(await inputs());
        const news = { ...(await inputs()), llm: { ...((await inputs()).llm as Props), model: "other-model" } };
        lab.em.setFaults({ hangNext: 1000, actions: ["UpdateAgentInstance"] });
        const { err, ms } = await timed(instance.update(created.id, created.outs as Props, news, { timeoutSeconds: BOUND_S }));
        expect(err, String(err)).to.be.instanceOf(CustomTimeoutError);
        expect(ms).to.be.within(BOUND_S * 1000 - EARLY_MS, BOUND_S * 1000 + SLACK_MS);
        expect(err.message)
            .to.contain(`the update of agent instance ${created.id} was cut off by the resource's customTimeouts.update of 0.5 s`)
            .and.contain("UpdateAgentInstance was cancelled in flight")
            .and.contain("The state keeps its previous inputs");
    });
});
