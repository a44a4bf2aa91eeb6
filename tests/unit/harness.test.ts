/** The e2e harness's invariants (tests/harness/engine.ts): the preview = up comparison on engine events as the CLI sends them, and the plain invariant functions. */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineEvent, PreviewResult, UpResult } from "@pulumi/pulumi/automation";
import { EmulatorHandle } from "../../emulator";
import { ZegoClient } from "../../provider";
import {
    APP_ID,
    compareSteps,
    expectNothingLeaked,
    expectPlanMatched,
    InvariantError,
    SERVER_SECRET,
    startTestEmulator,
    stepOf,
} from "../harness/engine";

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

describe("e2e harness: the invariants as plain functions", () => {
    let emulator: EmulatorHandle;
    let dir: string;
    before(async () => {
        emulator = await startTestEmulator();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "harness-"));
    });
    after(async () => {
        await emulator.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    /** A raw state file as the file backend writes it, holding resources with these ids. */
    function stateFile(name: string, ids: string[] | undefined): string {
        const file = path.join(dir, `${name}.json`);
        if (ids !== undefined)
            fs.writeFileSync(
                file,
                JSON.stringify({ checkpoint: { latest: { resources: ids.map((id) => ({ urn: urn(id), type: "t", id })) } } }),
            );
        return file;
    }

    it("expectNothingLeaked: an instance live at the emulator but not in the raw state file fails, naming it and the operation", async () => {
        const client = new ZegoClient({ appId: APP_ID, serverSecret: SERVER_SECRET, endpoint: emulator.url });
        let id: string;
        try {
            await client.registerAgent({ agentId: "harness_agent", name: "Harness" });
            id = (
                await client.createAgentInstance({
                    agentId: "harness_agent",
                    userId: "user_1",
                    rtc: { roomId: "room_1", agentStreamId: "agent_stream_1", agentUserId: "agent_user_1", userStreamId: "user_stream_1" },
                })
            ).agentInstanceId;
        } finally {
            client.close();
        }
        expect(expectNothingLeaked(stateFile("holds", ["other", id]), [emulator], "up")).to.equal(1);
        expect(expectNothingLeaked(stateFile("none", []), [], "up"), "no emulator: nothing to check").to.equal(0);
        for (const file of [stateFile("lacks", ["other"]), stateFile("missing", undefined)]) {
            expect(() => expectNothingLeaked(file, [emulator], "destroy (failed)"))
                .to.throw(InvariantError)
                .with.property(
                    "message",
                    `invariant violated: after destroy (failed), instances live at the emulator but not in state: ${id}`,
                );
        }
    });

    it("expectPlanMatched: a failed preview before a successful up, or another step done than planned, fails; the same steps pass", () => {
        const result = { summary: { resourceChanges: { create: 1 } }, stdout: "up's output" } as unknown as UpResult;
        const preview = { changeSummary: { create: 1 }, stdout: "preview's output" } as unknown as PreviewResult;
        const planned = [`create ${urn("a")}`];
        expect(() => expectPlanMatched({ result: preview, planned }, { result, done: planned })).not.to.throw();
        expect(() => expectPlanMatched({ error: new Error("x"), planned: [] }, { result, done: planned }))
            .to.throw(InvariantError)
            .with.property("message")
            .that.contains('preview failed, but up succeeded with {"create":1}');
        expect(() => expectPlanMatched({ result: preview, planned }, { result, done: [`create ${urn("b")}`] }))
            .to.throw(InvariantError)
            .with.property("message")
            .that.contains(`planned, not done: create ${urn("a")}; done, not planned: create ${urn("b")}`)
            .and.contains("preview's output")
            .and.contains("up's output");
    });
});
