/** The e2e harness's preview = up comparison (testing/engine.ts), on engine events as the CLI sends them. */
import { expect } from "chai";
import { EngineEvent } from "@pulumi/pulumi/automation";
import { compareSteps, stepOf } from "../../testing/engine";

const STACK = "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev";
const urn = (name: string) => `urn:pulumi:dev::p::pulumi-nodejs:dynamic:Resource::${name}`;

function pre(op: string, urnOf: string, type = "pulumi-nodejs:dynamic:Resource"): EngineEvent {
    return { sequence: 0, timestamp: 0, resourcePreEvent: { metadata: { op, urn: urnOf, type } } } as unknown as EngineEvent;
}

function steps(events: EngineEvent[]): string[] {
    const out: string[] = [];
    for (const e of events) stepOf(e, out);
    return out;
}

describe("e2e harness: preview's plan = what up did, step by step", () => {
    it("records changing steps by operation and URN; leaves out same steps, default providers and other events", () => {
        const recorded = steps([
            pre("create", STACK, "pulumi:pulumi:Stack"),
            pre("same", urn("a")),
            pre("create", "urn:pulumi:dev::p::pulumi:providers:pulumi-nodejs::default", "pulumi:providers:pulumi-nodejs"),
            pre("create", "urn:pulumi:dev::p::pulumi:providers:aws::explicit", "pulumi:providers:aws"),
            pre("replace", urn("b.c ü")),
            { sequence: 1, timestamp: 0, diagnosticEvent: { message: "x", color: "never", severity: "info" } } as EngineEvent,
        ]);
        expect(recorded).to.deep.equal([
            `create ${STACK}`,
            "create urn:pulumi:dev::p::pulumi:providers:aws::explicit",
            `replace ${urn("b.c ü")}`,
        ]);
    });

    it("equal in any order; a step missing, extra, or on another resource with the same counts is a mismatch naming it", () => {
        const plan = [`create ${STACK}`, `create ${urn("a")}`, `create ${urn("a")}`];
        expect(compareSteps(plan, [...plan].reverse())).to.equal(undefined);
        expect(compareSteps(plan, [`create ${STACK}`, `create ${urn("a")}`])).to.equal(`planned, not done: create ${urn("a")}`);
        expect(compareSteps([`create ${STACK}`], [`create ${STACK}`, `update ${urn("a")}`])).to.equal(
            `done, not planned: update ${urn("a")}`,
        );
        expect(compareSteps([`create ${urn("a")}`], [`create ${urn("b")}`])).to.equal(
            `planned, not done: create ${urn("a")}; done, not planned: create ${urn("b")}`,
        );
    });
});
