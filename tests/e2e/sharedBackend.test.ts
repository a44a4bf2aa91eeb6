/**
 * examples/ephemeral-env on many CI machines that share one state backend: Pulumi's own PostgreSQL
 * backend (`PULUMI_BACKEND_URL=postgres://...`, built into the CLI) on a real PostgreSQL server this
 * test starts (tests/harness/postgres.ts). Every run is a separate `node run.js` process with its own
 * PULUMI_HOME, work dir and passphrase, as on separate machines; only the backend URL and the ZEGO app
 * (the emulator) are shared.
 */
import { expect } from "chai";
import { execFile } from "child_process";
import { promisify } from "util";
import { EmulatorHandle } from "../../emulator";
import { createPulumiEnv, ensurePulumiCli } from "../../scripts/pulumi-env";
import { startTestEmulator } from "../harness/engine";
import { PostgresServer, startPostgres } from "../harness/postgres";
import { must } from "../must";
import { EphemeralRun, expectAllCleanedUp, runEphemeral } from "./ephemeralRun";

/** The AgentUserIds of the instances the emulator was asked to create, in request order. */
function createdAgentUserIds(emulator: EmulatorHandle): string[] {
    return emulator
        .requests()
        .filter((r) => r.action === "CreateAgentInstance")
        .map((r) => (r.body as { RTC: { AgentUserId: string } }).RTC.AgentUserId);
}

/** A ZEGO request of the run of `stackName` arrived: its `up` runs (every id carries the stack name). */
function upRunning(emulator: EmulatorHandle, stackName: string): boolean {
    return emulator.requests().some((r) => JSON.stringify(r.body ?? {}).includes(`"${stackName}-`));
}

/** Every row the runs left in the backend's table (the CLI created it): all but the backend's own meta.yaml. */
function leftRows(pg: PostgresServer): string[] {
    return pg.query("SELECT key FROM pulumi_state WHERE key NOT LIKE '%/.pulumi/meta.yaml' ORDER BY key");
}

describe("e2e: ephemeral-env on many CI machines sharing one PostgreSQL state backend (postgres://)", function () {
    this.timeout(180_000);
    let emulator: EmulatorHandle | undefined;
    let pg: PostgresServer | undefined;

    before(async () => {
        ensurePulumiCli();
        pg = await startPostgres();
        emulator = await startTestEmulator();
    });
    after(async () => {
        await emulator?.close();
        pg?.stop();
    });

    it("3 runs at once as separate processes all pass; a 4th run of one's stack name is refused by the backend's lock; nothing is left", async () => {
        const zego = must(emulator, "the emulator");
        const backend = must(pg, "the PostgreSQL server");
        // Slow creates keep ci-pg-1's `up`, and so its lock in the backend, for 8 s after its first ZEGO
        // request, when the duplicate starts: time for a loaded machine to start node, load the Automation
        // API and reach `pulumi stack init` (after the up, the duplicate would find the stack unlocked but
        // existing, and be refused as "already exists" instead).
        zego.setFaults({ latencyMs: 8000, actions: ["CreateAgentInstance"] });
        const names = ["ci-pg-1", "ci-pg-2", "ci-pg-3"];
        let duplicate: Promise<EphemeralRun> | undefined;
        let locksAtDuplicate: string[] = [];
        const started = Date.now();
        const runs = names.map((name, i) =>
            runEphemeral(
                zego,
                // Its own passphrase per run: a CI job's secret, not shared with the other jobs.
                { SMOKE_STEP: "direct", STACK_NAME: name, PULUMI_CONFIG_PASSPHRASE: `passphrase-of-${name}` },
                undefined,
                i !== 0
                    ? undefined
                    : (child) => {
                          const timer = setInterval(() => {
                              if (!upRunning(zego, name)) return;
                              clearInterval(timer);
                              locksAtDuplicate = backend.query("SELECT key FROM pulumi_state WHERE key LIKE '%/.pulumi/locks/%'");
                              // A CI job retried while the first attempt still runs: same stack name, another machine.
                              duplicate = runEphemeral(
                                  zego,
                                  { SMOKE_STEP: "direct", STACK_NAME: name, PULUMI_CONFIG_PASSPHRASE: "passphrase-of-the-retry" },
                                  undefined,
                                  undefined,
                                  { backendUrl: backend.url },
                              );
                          }, 20);
                          child.on("exit", () => clearInterval(timer));
                      },
                { backendUrl: backend.url },
            ),
        );
        const done = await Promise.all(runs);
        const refused = await must(duplicate, "the duplicate run was started during ci-pg-1's up");
        const seconds = (Date.now() - started) / 1000;

        // The lock is a row in PostgreSQL, written by ci-pg-1's CLI: the backend really is shared.
        expect(
            locksAtDuplicate.some((key) => key.includes("/zego-ephemeral-env/ci-pg-1/")),
            locksAtDuplicate.join("\n"),
        ).to.equal(true);

        for (const [i, run] of done.entries()) {
            expect(run.code, run.stdout).to.equal(0);
            expect(run.report.result).to.equal("passed");
            expect(run.report.smoke).to.match(/2 agent instance\(s\) OK/);
            expectAllCleanedUp(run, ["zego:Agent", "zego:AgentInstance", "zego:AgentInstance"]);
            expect(run.stdout).to.contain(`stack ${names[i]} destroyed and removed`);
        }

        // Refused cleanly: exit 1, classified as locked, nothing created or destroyed, ci-pg-1 left alone.
        expect(refused.code, refused.stdout).to.equal(1);
        expect(refused.stdout, refused.stdout).to.contain(
            "FAILED before creating anything: the stack ci-pg-1 is locked by another run (another pulumi operation on it is in progress)",
        );
        expect(refused.report.error).to.contain("locked by another run");
        expect(refused.report.destroyed).to.deep.equal([]);
        expect(
            createdAgentUserIds(zego)
                .filter((id) => id.startsWith("ci-pg-1-"))
                .sort(),
            "the refused run created nothing",
        ).to.deep.equal(["ci-pg-1-agent_alice", "ci-pg-1-agent_bob"]);

        // The backend URL holds the database password: no run prints it.
        for (const run of [...done, refused]) expect(run.stdout).to.not.contain(backend.password);

        // Nothing is left: no live instance or agent, no stack, lock, backup or history in the backend.
        expect(zego.liveInstances()).to.deep.equal([]);
        expect(zego.agents()).to.deep.equal([]);
        expect(leftRows(backend), "rows left in the backend's table").to.deep.equal([]);
        const env = createPulumiEnv();
        try {
            const { stdout } = await promisify(execFile)("pulumi", ["stack", "ls", "--all", "--json"], {
                cwd: env.root,
                env: { ...process.env, ...env.envVars, PULUMI_BACKEND_URL: backend.url },
            });
            expect(JSON.parse(stdout), "pulumi stack ls --all on the postgres:// backend").to.deep.equal([]);
        } finally {
            await env.cleanup();
        }
        console.log(`      (3 runs and the refused one on one postgres:// backend: ${seconds.toFixed(1)} s)`);
    });
});
