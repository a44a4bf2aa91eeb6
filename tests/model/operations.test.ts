/**
 * A model of what users do to a stack (issue 25), run through the real engine against the
 * emulator: random sequences of program edits (update and replace), added, removed and renamed
 * resources (with aliases), `--replace`, refresh, a speaking agent, a deletion made in the ZEGO
 * console, a stray ZEGO_ENDPOINT, a graceful-shutdown override, and faults (throttling, gateway
 * 5xx, resets) during an up, each ending in a destroy. After every step the harness and the model
 * check: every instance live at ZEGO is in state (tests/harness/engine.ts, after each operation); an up's
 * preview planned what it did, and refresh + preview then show no changes (after each up); what is
 * live is what the program declares; no instance ended except by a delete (never kicked, never
 * anywhere but where it lives); an up after a fault succeeds once the fault is gone; the destroy
 * ends within its bound and leaves nothing.
 *
 * In `npm test`: a short seeded run plus the named sequences. `npm run fuzz` (fuzz.ts) runs it long,
 * one sequence per process: FUZZ_SEED (default: random, printed), FUZZ_MINUTES (default 60),
 * FUZZ_MAX_COMMANDS (default 8). A failure prints the seed and the shrunk sequence; replay it with
 * FUZZ_SEED=<seed> FUZZ_RUNS=1 npm run fuzz.
 */
import { expect } from "chai";
import * as fc from "fast-check";
import { AgentInstance } from "../../provider";
import { EmulatorHandle } from "../../emulator";
import { numberedInstanceArgs } from "../harness/fixtures";
import {
    assertNoSecrets,
    EngineRun,
    emulatorConfig,
    InvariantError,
    latestCheckpoint,
    startTestEmulator,
    withStack,
} from "../harness/engine";
import { AGENT_ID, instanceIdsInState, INSTANCE_TYPE, registerAgent, SECRETS, signedDelete } from "../harness/stacks";

const FUZZ = process.env.FUZZ === "1";
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : FUZZ ? Date.now() % 2 ** 31 : 20261207;
const GRACEFUL_TIMEOUT = 4;
const MARGIN = 3;
/** A destroy's bound (every delete runs in parallel) plus the engine's own time. */
const DESTROY_BOUND_MS = (GRACEFUL_TIMEOUT + MARGIN) * 1000 + 20_000;
const MAX_DECLS = 3;
/** How an instance may end: a delete (graceful or not), or ZEGO ending it at the graceful timeout of a delete. */
const DELETED_BY_A_DELETE = ["api", "graceful-timeout"];

/** One AgentInstance the program declares. `key` fixes its user and RTC ids. */
interface Decl {
    key: number;
    name: string;
    aliases: string[];
    model: string;
    room: string;
}

interface Model {
    decls: Decl[];
    nextKey: number;
}

interface Real {
    run: EngineRun;
    a: EmulatorHandle;
    b: EmulatorHandle;
    /** The model is the world: what the program declares now (the inline program reads it at each run). */
    world: Model;
    /** The steps so far, for the failure message. */
    log: string[];
}

function program(world: Model) {
    return async () => {
        for (const d of world.decls) {
            const base = numberedInstanceArgs(d.key, AGENT_ID);
            new AgentInstance(
                d.name,
                {
                    ...base,
                    rtc: { ...base.rtc, roomId: d.room },
                    llm: { ...base.llm, model: d.model },
                    gracefulShutdownTimeout: GRACEFUL_TIMEOUT,
                },
                { aliases: d.aliases.map((name) => ({ name })) },
            );
        }
        return {};
    };
}

function urnOf(run: EngineRun, name: string): string {
    return `urn:pulumi:${run.stack.name}::zego-e2e::${INSTANCE_TYPE}::${name}`;
}

async function idOf(run: EngineRun, name: string): Promise<string | undefined> {
    const { resources } = await latestCheckpoint(run);
    return resources.find((r) => r.type === INSTANCE_TYPE && r.urn.endsWith(`::${name}`))?.id;
}

/** The model's checks after every step (the harness's run inside each engine operation). */
async function checkWorld(real: Real, afterUp: boolean): Promise<void> {
    const { a, b, run } = real;
    const ended = a.instances().filter((i) => i.state === "deleted" && !DELETED_BY_A_DELETE.includes(i.deletedReason ?? ""));
    if (ended.length > 0)
        throw new InvariantError(
            `instances ended other than by a delete: ${ended.map((i) => `${i.agentInstanceId} (${i.deletedReason}${i.kickedBy ? ` by ${i.kickedBy}` : ""})`).join(", ")}`,
        );
    const elsewhere = b.requests().filter((r) => r.action !== "RegisterAgent");
    if (elsewhere.length > 0)
        throw new InvariantError(`calls reached an endpoint where nothing lives: ${elsewhere.map((r) => r.action).join(", ")}`);
    if (afterUp) {
        const live = a
            .liveInstances()
            .map((i) => i.agentInstanceId)
            .sort();
        const inState = await instanceIdsInState(run);
        expect(live, "what is live is what state holds").to.deep.equal(inState);
        expect(live.length, "one live instance per declared resource").to.equal(real.world.decls.length);
    }
}

/** An up that must succeed (the harness checks its plan and convergence). */
async function up(real: Real, opts: { replace?: string[] } = {}): Promise<void> {
    await real.run.up({ onOutput: real.run.onOutput, ...opts });
    await checkWorld(real, true);
}

abstract class Step implements fc.AsyncCommand<Model, Real> {
    abstract check(m: Readonly<Model>): boolean;
    abstract act(m: Model, r: Real): Promise<void>;
    abstract toString(): string;
    async run(m: Model, r: Real): Promise<void> {
        r.log.push(this.toString());
        await this.act(m, r);
    }
}

/** Steps on the i-th declared resource (modulo how many there are). */
abstract class OnDecl extends Step {
    constructor(readonly i: number) {
        super();
    }
    check(m: Readonly<Model>): boolean {
        return m.decls.length > 0;
    }
    decl(m: Model): Decl {
        return m.decls[this.i % m.decls.length]!;
    }
}

class EditModel extends OnDecl {
    async act(m: Model, r: Real) {
        const d = this.decl(m);
        d.model = d.model === "model-a" ? "model-b" : "model-a";
        await up(r);
    }
    toString() {
        return `EditModel(${this.i}) [update]`;
    }
}

class MoveRoom extends OnDecl {
    async act(m: Model, r: Real) {
        const d = this.decl(m);
        d.room = d.room.endsWith("_x") ? d.room.slice(0, -2) : `${d.room}_x`;
        await up(r);
    }
    toString() {
        return `MoveRoom(${this.i}) [replace, same ids]`;
    }
}

class Add extends Step {
    check(m: Readonly<Model>) {
        return m.decls.length < MAX_DECLS;
    }
    async act(m: Model, r: Real) {
        const key = m.nextKey++;
        m.decls.push({ key, name: `inst${key}`, aliases: [], model: "model-a", room: `room_${key}` });
        await up(r);
    }
    toString() {
        return "Add";
    }
}

class Remove extends OnDecl {
    async act(m: Model, r: Real) {
        m.decls.splice(this.i % m.decls.length, 1);
        await up(r);
    }
    toString() {
        return `Remove(${this.i})`;
    }
}

class RenameWithAlias extends OnDecl {
    async act(m: Model, r: Real) {
        const d = this.decl(m);
        d.aliases.push(d.name);
        d.name = `${d.name}r`;
        await up(r);
    }
    toString() {
        return `RenameWithAlias(${this.i})`;
    }
}

class ForceReplace extends OnDecl {
    async act(m: Model, r: Real) {
        await up(r, { replace: [urnOf(r.run, this.decl(m).name)] });
    }
    toString() {
        return `ForceReplace(${this.i}) [up --replace]`;
    }
}

class Refresh extends Step {
    check() {
        return true;
    }
    async act(_m: Model, r: Real) {
        await r.run.refresh({ onOutput: r.run.onOutput });
        await checkWorld(r, true);
    }
    toString() {
        return "Refresh";
    }
}

class Speak extends OnDecl {
    async act(m: Model, r: Real) {
        const id = await idOf(r.run, this.decl(m).name);
        if (id !== undefined) r.a.setBusy(id, { status: "SPEAKING", seconds: 3 });
    }
    toString() {
        return `Speak(${this.i}) [busy 3 s]`;
    }
}

/** Someone deletes the instance in the ZEGO console; the user notices and refreshes, then ups. */
class ConsoleDelete extends OnDecl {
    async act(m: Model, r: Real) {
        const id = await idOf(r.run, this.decl(m).name);
        if (id === undefined) return;
        await signedDelete(r.a, id);
        await r.run.refresh({ onOutput: r.run.onOutput });
        expect(await instanceIdsInState(r.run), "refresh drops what ZEGO deleted").to.not.include(id);
        await up(r);
    }
    toString() {
        return `ConsoleDelete(${this.i}) + refresh + up`;
    }
}

/** A stray ZEGO_ENDPOINT (another host) during a refresh: nothing is dropped, nothing is sent there. */
class StrayEndpointRefresh extends Step {
    check() {
        return true;
    }
    async act(_m: Model, r: Real) {
        await r.run.setEnv("ZEGO_ENDPOINT", r.b.url);
        try {
            await r.run.refresh({ onOutput: r.run.onOutput });
        } finally {
            await r.run.setEnv("ZEGO_ENDPOINT", undefined);
        }
        await checkWorld(r, true);
    }
    toString() {
        return "StrayEndpointRefresh";
    }
}

/** ZEGO_GRACEFUL_SHUTDOWN=false for a replace of a (maybe speaking) instance. */
class ImmediateReplace extends OnDecl {
    async act(m: Model, r: Real) {
        await r.run.setEnv("ZEGO_GRACEFUL_SHUTDOWN", "false");
        try {
            await up(r, { replace: [urnOf(r.run, this.decl(m).name)] });
        } finally {
            await r.run.setEnv("ZEGO_GRACEFUL_SHUTDOWN", undefined);
        }
    }
    toString() {
        return `ImmediateReplace(${this.i}) [ZEGO_GRACEFUL_SHUTDOWN=false]`;
    }
}

/** Faults during an edit's up (throttling, gateway 5xx, resets before the service): it may fail; once they stop, an up succeeds. */
class FaultyEdit extends OnDecl {
    constructor(
        i: number,
        readonly seed: number,
    ) {
        super(i);
    }
    async act(m: Model, r: Real) {
        const d = this.decl(m);
        d.model = d.model === "model-a" ? "model-b" : "model-a";
        r.a.setFaults({ seed: this.seed, throttleBurst: 3, http5xxRate: 0.3, resetRate: 0.1, phase: "before" });
        try {
            await r.run.up({ onOutput: r.run.onOutput });
        } catch (e) {
            if (e instanceof InvariantError) throw e;
            r.log.push("  (the faulty up failed, as it may)");
        } finally {
            r.a.setFaults({});
        }
        await up(r);
    }
    toString() {
        return `FaultyEdit(${this.i}, seed ${this.seed})`;
    }
}

/** A room move (a delete-first replace) whose create fails at the gateway: once the fault is gone, an up creates the instance. */
class FaultyMoveRoom extends OnDecl {
    async act(m: Model, r: Real) {
        const d = this.decl(m);
        d.room = d.room.endsWith("_x") ? d.room.slice(0, -2) : `${d.room}_x`;
        r.a.setFaults({ http5xxRate: 1, actions: ["CreateAgentInstance"], phase: "before" });
        try {
            await r.run.up({ onOutput: r.run.onOutput });
            throw new Error("the up succeeded although every create failed");
        } catch (e) {
            if (e instanceof InvariantError) throw e;
            if ((e as Error).message.startsWith("the up succeeded")) throw e;
        } finally {
            r.a.setFaults({});
        }
        await up(r);
    }
    toString() {
        return `FaultyMoveRoom(${this.i}) [replace whose create fails]`;
    }
}

/** Marks where a named sequence starts, in the steps a failure prints. */
class Label extends Step {
    constructor(readonly name: string) {
        super();
    }
    check() {
        return true;
    }
    async act() {}
    toString() {
        return `[${this.name}]`;
    }
}

const commands = [
    fc.nat(5).map((i) => new EditModel(i)),
    fc.nat(5).map((i) => new MoveRoom(i)),
    fc.constant(new Add()),
    fc.nat(5).map((i) => new Remove(i)),
    fc.nat(5).map((i) => new RenameWithAlias(i)),
    fc.nat(5).map((i) => new ForceReplace(i)),
    fc.constant(new Refresh()),
    fc.nat(5).map((i) => new Speak(i)),
    fc.nat(5).map((i) => new ConsoleDelete(i)),
    fc.constant(new StrayEndpointRefresh()),
    fc.nat(5).map((i) => new ImmediateReplace(i)),
    fc.tuple(fc.nat(5), fc.nat(1000)).map(([i, seed]) => new FaultyEdit(i, seed)),
    fc.nat(5).map((i) => new FaultyMoveRoom(i)),
];

describe("model: sequences of user operations through the engine (issue 25)", function () {
    this.timeout(0);
    let a: EmulatorHandle;
    let b: EmulatorHandle;

    before(async () => {
        a = await startTestEmulator();
        b = await startTestEmulator();
    });
    after(async () => {
        await a.close();
        await b.close();
    });

    /** One sequence on a fresh stack with one instance, then a timed destroy. */
    async function runSequence(steps: Iterable<fc.AsyncCommand<Model, Real>>): Promise<void> {
        a.reset();
        b.reset();
        await registerAgent(a);
        const world: Model = { decls: [{ key: 1, name: "inst1", aliases: [], model: "model-a", room: "room_1" }], nextKey: 2 };
        const config = { ...emulatorConfig(a), "zego:deleteWaitMargin": { value: String(MARGIN) } };
        await withStack(program(world), config, async (run) => {
            const real: Real = { run, a, b, world, log: [] };
            try {
                await up(real);
                await fc.asyncModelRun(() => ({ model: world, real }), steps);
                const started = Date.now();
                await run.destroy({ onOutput: run.onOutput });
                const took = Date.now() - started;
                expect(took, `destroy within its bound (${DESTROY_BOUND_MS} ms)`).to.be.below(DESTROY_BOUND_MS);
                expect(a.liveInstances(), "destroy leaves nothing").to.deep.equal([]);
                await checkWorld(real, false);
                assertNoSecrets([...run.output, await run.exportState()], SECRETS);
            } catch (e) {
                (e as Error).message = `${(e as Error).message}\nsteps: ${real.log.join(" → ") || "(initial up)"}`;
                throw e;
            }
        });
    }

    it(`random sequences (seed ${SEED}${FUZZ ? ", fuzzing" : ""})`, async () => {
        const minutes = Number(process.env.FUZZ_MINUTES ?? 60);
        const maxCommands = Number(process.env.FUZZ_MAX_COMMANDS ?? (FUZZ ? 8 : 4));
        console.log(`      model seed ${SEED} (replay: FUZZ_SEED=${SEED})`);
        let runs = 0;
        await fc.assert(
            fc.asyncProperty(fc.commands(commands, { maxCommands }), async (cmds) => {
                runs++;
                await runSequence(cmds);
            }),
            {
                seed: SEED,
                // npm run fuzz (fuzz.ts) runs one sequence per process (FUZZ_RUNS=1), each from its own seed.
                numRuns: FUZZ ? Number(process.env.FUZZ_RUNS ?? Number.MAX_SAFE_INTEGER) : 1,
                ...(FUZZ ? { interruptAfterTimeLimit: minutes * 60_000, markInterruptAsFailure: false } : {}),
                ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
            },
        );
        console.log(`      model: ${runs} sequences passed`);
    });

    // The adversarial cases of issue 25, as named sequences.
    const named: [string, () => fc.AsyncCommand<Model, Real>[]][] = [
        ["a speaking agent replaced with --replace", () => [new Speak(0), new ForceReplace(0)]],
        ["a stray ZEGO_ENDPOINT during refresh, then destroy", () => [new StrayEndpointRefresh()]],
        ["a rename with aliases of a speaking agent", () => [new Speak(0), new RenameWithAlias(0)]],
        ["a console delete, then an edit", () => [new ConsoleDelete(0), new EditModel(0)]],
        ["faults during an up, then a speaking agent moved to another room", () => [new FaultyEdit(0, 7), new Speak(0), new MoveRoom(0)]],
        [
            "a delete-first replace whose create fails, then an edit (was wedged: review of this session)",
            () => [new FaultyMoveRoom(0), new EditModel(0)],
        ],
    ];
    // Back to back on one stack (one set-up and one destroy for all: the engine's time is CI's), each named in the log.
    if (!FUZZ)
        it(`named sequences, one after another: ${named.map(([name]) => name).join("; ")}`, async () => {
            await runSequence(named.flatMap(([name, steps]) => [new Label(name), ...steps()]));
        });
});
