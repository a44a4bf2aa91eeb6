/**
 * The examples (examples/) through the real Pulumi engine against the emulator:
 *
 * - voice-agent: its stack function as an inline program: up, graceful destroy, nothing left.
 * - pr-preview: up, then `preview --diff` with no ZEGO credentials for a changed model (update in place)
 *   and a changed room (replace); the output has the structure of examples/pr-preview/expected-preview.txt.
 *   UPDATE_EXPECTED_PREVIEW=1 rewrites that file from this run.
 * - ephemeral-env: run.js as a CI job would run it (a child process, the CLI on PATH): pass, transient
 *   failure + retry, interruption by SIGINT, failure, each time destroying and removing the stack.
 *
 * About the smoke step of ephemeral-env: it is a `@pulumi/command` `local.Command`, whose native plugin
 * (pulumi-resource-command) is normally downloaded from GitHub by the engine. That download is impossible
 * here and the plugin cannot be built either: the Go module proxy refuses every
 * github.com/pulumi/pulumi-command module (403), see examples/ephemeral-env/README.md. So:
 * - when scripts/ensure-command-plugin.sh provides the plugin, the default SMOKE_STEP=command run is
 *   tested end to end;
 * - otherwise that run is tested for what it then does (up fails on the missing plugin after the
 *   agents were created; the script still destroys everything and removes the stack, exit 1), and the
 *   smoke script itself runs with SMOKE_STEP=direct (the same smoke.js, started by run.js instead of by
 *   the command provider). Only the command provider launching smoke.js is then untested.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ConfigMap, LocalWorkspace, PreviewResult, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import * as pulumi from "@pulumi/pulumi";
import { EmulatorHandle } from "../../emulator";
import { createPulumiEnv, ensurePulumiCli, getPulumiCommand, PulumiEnv, repoRoot, stackOutput } from "../../scripts/pulumi-env";
import { voiceAgentStack } from "../../examples/voice-agent/stack";
import { assertNoSecrets, emulatorConfig, SERVER_SECRET, startTestEmulator } from "../harness/engine";
import { createsSettled } from "../harness/wait";
import { must } from "../must";
import { EphemeralRun, expectAllCleanedUp, LLM_KEY, onFirstRequest, runEphemeral, TTS_TOKEN } from "./ephemeralRun";

const PROJECT = "zego-voice-agent";
const EXPECTED_PREVIEW = path.join(repoRoot(), "examples", "pr-preview", "expected-preview.txt");

/** The voice-agent example's own stack config, as `pulumi config set` would write it. */
function voiceConfig(extra: Record<string, string> = {}): ConfigMap {
    const config: ConfigMap = {
        [`${PROJECT}:llmApiKey`]: { value: LLM_KEY, secret: true },
        [`${PROJECT}:ttsAppId`]: { value: "tts-app-1" },
        [`${PROJECT}:ttsToken`]: { value: TTS_TOKEN, secret: true },
    };
    for (const [key, value] of Object.entries(extra)) config[`${PROJECT}:${key}`] = { value };
    return config;
}

const voiceProgram: PulumiFn = async () => {
    const out = voiceAgentStack(new pulumi.Config());
    return { agentId: out.agentId, roomId: out.roomId, instanceIds: out.instanceIds, statuses: out.statuses, endpoint: out.endpoint };
};

/** Like harness.withStack, with the example's project name (its config namespace) and a fixed stack name. */
async function withProjectStack(
    stackName: string,
    program: PulumiFn,
    config: ConfigMap,
    body: (stack: Stack, env: PulumiEnv) => Promise<void>,
) {
    const env = createPulumiEnv();
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName, projectName: PROJECT, program },
        {
            workDir: env.workDir,
            envVars: env.envVars,
            pulumiCommand: await getPulumiCommand(),
            projectSettings: { name: PROJECT, runtime: "nodejs" },
        },
    );
    try {
        await stack.setAllConfig(config);
        await body(stack, env);
    } finally {
        await stack.destroy().catch(() => undefined);
        await stack.workspace.removeStack(stackName).catch(() => undefined);
        await env.cleanup();
    }
}

describe("e2e: examples", function () {
    this.timeout(300_000);
    let emulator: EmulatorHandle;

    before(async () => {
        emulator = await startTestEmulator();
    });
    after(async () => emulator.close());
    beforeEach(() => {
        emulator.reset();
        emulator.setFaults({});
    });

    describe("voice-agent", () => {
        it("up registers the agent and one instance per user with LLM/TTS/ASR; destroy is graceful and leaves nothing", async () => {
            await withProjectStack(
                "dev",
                voiceProgram,
                { ...emulatorConfig(emulator), ...voiceConfig({ gracefulShutdownTimeout: "5" }) },
                async (stack, env) => {
                    const output: string[] = [];
                    const up = await stack.up({ onOutput: (s) => output.push(s) });
                    expect(up.summary.result).to.equal("succeeded");
                    const ids = stackOutput(up.outputs, "instanceIds") as Record<string, string>;
                    expect(Object.keys(ids).sort()).to.deep.equal(["alice", "bob"]);
                    expect(stackOutput(up.outputs, "agentId")).to.equal("voice_assistant");
                    expect(stackOutput(up.outputs, "endpoint")).to.equal(emulator.url);
                    expect(emulator.agents().map((a) => a.AgentId)).to.deep.equal(["voice_assistant"]);
                    const live = emulator.liveInstances();
                    expect(live.map((i) => i.agentInstanceId).sort()).to.deep.equal(Object.values(ids).sort());
                    const body = must(live[0], "live[0]").body as Record<string, any>;
                    expect(body).to.include.keys("LLM", "TTS", "ASR", "VAD", "MessageHistory");
                    expect(body.RTC.RoomId).to.equal("voice_room");
                    expect(body.TTS.Vendor).to.equal("ByteDanceV3");

                    // The state keeps the secrets encrypted; the engine output never shows them.
                    const state = fs.readFileSync(path.join(env.backendDir, ".pulumi", "stacks", PROJECT, "dev.json"), "utf8");
                    assertNoSecrets([state, output.join("")], [LLM_KEY, TTS_TOKEN, SERVER_SECRET]);

                    // Alice is speaking when `pulumi destroy` runs: her instance is stopped once she is done.
                    const aliceId = must(ids.alice, "alice's instance id");
                    emulator.setBusy(aliceId, { status: "SPEAKING", seconds: 2 });
                    await stack.destroy({ onOutput: (s) => output.push(s) });
                    const alice = emulator.instance(aliceId)!;
                    expect(alice.deleteRequest).to.deep.include({ GracefulShutdown: true, GracefulShutdownTimeout: 5 });
                    expect(alice.deletedReason).to.equal("api");
                    expect(emulator.liveInstances()).to.have.length(0);
                    expect(emulator.agents()).to.have.length(0);
                },
            );
        });

        it("ZEGO_GRACEFUL_SHUTDOWN=false at destroy time (the README's override) stops a speaking agent at once", async () => {
            await withProjectStack(
                "dev",
                voiceProgram,
                { ...emulatorConfig(emulator), ...voiceConfig({ users: '["alice"]' }) },
                async (stack) => {
                    const up = await stack.up();
                    const id = must((stackOutput(up.outputs, "instanceIds") as Record<string, string>).alice, "alice's instance id");
                    emulator.setBusy(id, { status: "SPEAKING", seconds: 60 });
                    (stack.workspace as LocalWorkspace).envVars.ZEGO_GRACEFUL_SHUTDOWN = "false";
                    await stack.destroy();
                    const instance = emulator.instance(id)!;
                    expect(instance.deleteRequest!.GracefulShutdown).to.equal(false);
                    expect(instance.deletedAt! - instance.deleteRequest!.receivedAt).to.be.below(1000);
                    expect(emulator.liveInstances()).to.have.length(0);
                },
            );
        });
    });

    describe("pr-preview", () => {
        it("preview --diff without ZEGO credentials: a model change updates in place, a room change replaces (expected-preview.txt)", async () => {
            await withProjectStack("prod", voiceProgram, { ...emulatorConfig(emulator), ...voiceConfig() }, async (stack) => {
                await stack.up();
                // The PR job has no ZEGO credentials: drop them from the stack config (no ZEGO_* env either).
                await stack.removeAllConfig(["zego:appId", "zego:serverSecret", "zego:endpoint"]);
                const calls = emulator.stats().requests;

                await stack.setConfig(`${PROJECT}:llmModel`, { value: "doubao-1-5-lite-32k-250115" });
                const model = await stack.preview({ diff: true, color: "never" });
                await stack.removeConfig(`${PROJECT}:llmModel`);
                await stack.setConfig(`${PROJECT}:roomId`, { value: "support_room" });
                const room = await stack.preview({ diff: true, color: "never" });

                expect(emulator.stats().requests, "ZEGO API calls during the previews").to.equal(calls);
                expect(model.changeSummary).to.deep.include({ update: 3, same: 1 });
                expect(model.changeSummary.replace ?? 0).to.equal(0);
                expect(room.changeSummary).to.deep.include({ replace: 2, same: 2 });
                expect(room.changeSummary.update ?? 0).to.equal(0);
                assertNoSecrets([model.stdout, room.stdout], [LLM_KEY, TTS_TOKEN, SERVER_SECRET]);

                const captured = renderExpected(model, room);
                if (process.env.UPDATE_EXPECTED_PREVIEW === "1") fs.writeFileSync(EXPECTED_PREVIEW, captured);
                const expected = fs.readFileSync(EXPECTED_PREVIEW, "utf8");
                expect(structure(captured), "resource lines and property changes, as in expected-preview.txt").to.deep.equal(
                    structure(expected),
                );
            });
        });
    });

    it("every example type-checks with its own tsconfig against the package's published types (scripts/typecheck-examples.sh)", () => {
        const out = execFileSync("bash", [path.join(repoRoot(), "scripts", "typecheck-examples.sh")], {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
        });
        expect(out).to.contain("examples/voice-agent OK").and.to.contain("examples/ephemeral-env OK");
    });

    describe("ephemeral-env (run.js as a CI job runs it)", () => {
        const commandPlugin = findCommandPlugin();

        it("SMOKE_STEP=direct: creates a uniquely named stack, smoke-tests every agent, destroys and removes the stack", async () => {
            const run = await runEphemeral(emulator, { SMOKE_STEP: "direct", STACK_NAME: "ci-4242-1" });
            expect(run.code, run.stdout).to.equal(0);
            expect(run.report.result).to.equal("passed");
            expect(run.report.upAttempts).to.equal(1);
            expect(run.report.smoke).to.match(/2 agent instance\(s\) OK/);
            // The smoke step really reached every instance: a status query and a TTS line each.
            const tts = emulator.requests().filter((r) => r.action === "SendAgentInstanceTTS");
            expect(tts.map((r) => (r.body as { Text: string }).Text)).to.deep.equal([
                "Smoke test of ci-4242-1: hello!",
                "Smoke test of ci-4242-1: hello!",
            ]);
            expect(emulator.requests().filter((r) => r.action === "QueryAgentInstanceStatus").length).to.be.at.least(2);
            // Ids carry the stack name, so parallel CI runs can share one ZEGO app.
            expect(emulator.agents()).to.have.length(0);
            expect(
                emulator
                    .instances()
                    .map((i) => (i.body as { RTC: { AgentUserId: string } }).RTC.AgentUserId)
                    .sort(),
            ).to.deep.equal(["ci-4242-1-agent_alice", "ci-4242-1-agent_bob"]);
            expectAllCleanedUp(run, ["zego:Agent", "zego:AgentInstance", "zego:AgentInstance"]);
            expect(run.stdout).to.contain("stack ci-4242-1 destroyed and removed");
        });

        if (commandPlugin) {
            it("SMOKE_STEP=command (default): local.Command runs smoke.js; everything is destroyed", async () => {
                const run = await runEphemeral(emulator, {}, commandPlugin);
                expect(run.code, run.stdout).to.equal(0);
                expect(run.report.smoke).to.match(/2 agent instance\(s\) OK/);
                expectAllCleanedUp(run, ["command:local:Command", "zego:Agent", "zego:AgentInstance", "zego:AgentInstance"]);
            });
        } else {
            it("SMOKE_STEP=command (default) without the command plugin (not buildable here): up fails after the agents exist, and they are still destroyed", async () => {
                const run = await runEphemeral(emulator, {});
                expect(run.code, run.stdout).to.equal(1);
                expect(run.report.result).to.equal("failed");
                expect(run.report.upAttempts, "a missing plugin is not transient: no retry").to.equal(1);
                expect(run.stdout).to.match(/plugin[^\n]*command|command[^\n]*plugin/i);
                // The command resource waits for the instance ids, so the agents existed when the plugin was needed.
                expectAllCleanedUp(run, ["zego:Agent", "zego:AgentInstance", "zego:AgentInstance"]);
                expect(emulator.liveInstances()).to.have.length(0);
            });
        }

        it("retries `up` after a transient failure (a create whose response was lost), and the orphan is kicked", async () => {
            // The first CreateAgentInstance takes effect but its response is lost: the client must not retry
            // it (ambiguous), so `up` fails; run.js retries `up`, whose new instance kicks the orphan out.
            emulator.setFaults({ http5xxRate: 1, http5xxStatuses: [500], phase: "after", actions: ["CreateAgentInstance"] });
            const clearFaults = setInterval(() => {
                if (emulator.requests().some((r) => r.action === "CreateAgentInstance")) emulator.setFaults({});
            }, 5);
            try {
                const run = await runEphemeral(emulator, { SMOKE_STEP: "direct" });
                expect(run.code, run.stdout).to.equal(0);
                expect(run.report.upAttempts).to.equal(2);
                // Classified by the code the client reports (the lost response was an HTML 500), not by words.
                expect(run.stdout).to.match(/transient error \(HTTP 500\)/);
                expect(
                    emulator.instances().some((i) => i.deletedReason === "kicked"),
                    "the orphaned instance was kicked by its replacement",
                ).to.equal(true);
                expectAllCleanedUp(run);
            } finally {
                clearInterval(clearFaults);
            }
        });

        for (const [signal, code] of [
            ["SIGINT", 130],
            ["SIGTERM", 143],
        ] as const) {
            it(`${signal} during up: cancels, destroys everything, removes the stack and exits ${code}`, async () => {
                // Slow creates, so that the signal lands while `pulumi up` is running.
                emulator.setFaults({ latencyMs: 3000, actions: ["CreateAgentInstance"] });
                const run = await runEphemeral(
                    emulator,
                    { SMOKE_STEP: "direct" },
                    undefined,
                    onFirstRequest(emulator, "CreateAgentInstance", (child) => {
                        child.kill(signal);
                    }),
                );
                expect(run.code, run.stdout).to.equal(code);
                expect(run.report.result).to.equal("interrupted");
                expect(run.report.signal).to.equal(signal);
                expect(run.stdout).to.contain(`${signal} received: cancelling, then destroying the stack`);
                // run.js forwarded the signal to the CLI, which finished its in-flight creates and saved them.
                expect(run.stdout).to.match(/(\^C|SIGINT|SIGTERM) received; cancelling/);
                expect(run.report.destroyed.filter((r) => r.type.endsWith("zego:AgentInstance"))).to.have.length(2);
                expectAllCleanedUp(run);
                expect(emulator.liveInstances()).to.have.length(0);
            });
        }

        it("a bad provider setting (ZEGO_GRACEFUL_SHUTDOWN_TIMEOUT=999) fails at once: one attempt, not retried as a 'timeout'", async () => {
            const run = await runEphemeral(emulator, { SMOKE_STEP: "none", ZEGO_GRACEFUL_SHUTDOWN_TIMEOUT: "999" });
            expect(run.code, run.stdout).to.equal(1);
            expect(run.report.result).to.equal("failed");
            expect(run.report.upAttempts, "a bad setting is permanent").to.equal(1);
            expect(run.stdout).to.not.contain("retrying");
            expect(run.report.error).to.contain("ZEGO_GRACEFUL_SHUTDOWN_TIMEOUT").and.to.contain('got "999"');
            expect(emulator.requests().filter((r) => r.action === "CreateAgentInstance")).to.deep.equal([]);
            expectAllCleanedUp(run, []);
        });

        it("a second run of the same stack name while the first runs: refused at once, saying the stack is locked by another run", async () => {
            const engine = createPulumiEnv();
            try {
                // Slow creates keep the first run's `up` (and its lock) going while the second starts. 4 s once
                // was not enough on a loaded CI machine: the second run reached the stack after the first's up
                // and was refused as "already exists" instead (the same refusal, for another reason). The first
                // run's request timeout is raised above the delay (a create answered late is not a failure here).
                emulator.setFaults({ latencyMs: 12000, actions: ["CreateAgentInstance"] });
                let second: Promise<EphemeralRun> | undefined;
                const first = await runEphemeral(
                    emulator,
                    { SMOKE_STEP: "none", STACK_NAME: "ci-lock-1", ZEGO_REQUEST_TIMEOUT_MS: "30000" },
                    undefined,
                    onFirstRequest(emulator, "CreateAgentInstance", () => {
                        second = runEphemeral(emulator, { SMOKE_STEP: "none", STACK_NAME: "ci-lock-1" }, undefined, undefined, {
                            engine,
                            allowLeftovers: true,
                        });
                    }),
                    { engine },
                );
                const refused = await must(second, "the second run was started");
                expect(refused.code, refused.stdout).to.equal(1);
                expect(refused.stdout, refused.stdout).to.contain(
                    "FAILED before creating anything: the stack ci-lock-1 is locked by another run (another pulumi operation on it is in progress)",
                );
                expect(refused.stdout).to.contain("EPHEMERAL_RECOVER=1 STACK_NAME=ci-lock-1");
                expect(refused.stdout, "the CLI's bare exit code is not the message").to.not.match(
                    /FAILED before creating anything: code: -?\d/,
                );
                expect(refused.report.error).to.contain("locked by another run");
                // The first run was left alone: it passed and cleaned up after itself.
                expect(first.code, first.stdout).to.equal(0);
                expectAllCleanedUp(first);
            } finally {
                await engine.cleanup();
            }
        });

        it("missing settings fail before any stack exists", async () => {
            const run = await runEphemeral(emulator, { LLM_API_KEY: "" });
            expect(run.code).to.equal(1);
            expect(run.stdout).to.contain("LLM_API_KEY must be set");
            expect(run.stacks).to.deep.equal([]);
            expect(emulator.stats().requests).to.equal(0);
        });

        it("bad settings are rejected before any stack or ZEGO call exists, naming the variable; the report is still written", async () => {
            for (const [env, message] of [
                [{ GRACEFUL_SHUTDOWN_TIMEOUT: "soon" }, 'GRACEFUL_SHUTDOWN_TIMEOUT must be a whole number from 1 to 120; got "soon"'],
                [{ GRACEFUL_SHUTDOWN_TIMEOUT: "500" }, 'GRACEFUL_SHUTDOWN_TIMEOUT must be a whole number from 1 to 120; got "500"'],
                [
                    { ZEGO_APP_ID: "app-1" },
                    'ZEGO_APP_ID / ZEGO_SERVER_SECRET / ZEGO_REGION / ZEGO_ENDPOINT: Invalid ZEGO client option "appId"',
                ],
                [{ UP_ATTEMPTS: "0" }, 'UP_ATTEMPTS must be a whole number from 1 to 10; got "0"'],
                [{ UP_ATTEMPTS: "1.5" }, 'UP_ATTEMPTS must be a whole number from 1 to 10; got "1.5"'],
                [{ SMOKE_STEP: "later" }, 'SMOKE_STEP must be command, direct or none; got "later"'],
            ] as const) {
                const run = await runEphemeral(emulator, env);
                expect(run.code, JSON.stringify(env)).to.equal(1);
                expect(run.stdout).to.contain(`FAILED before creating anything: ${message}`);
                expect(run.report.result, "the report is written").to.equal("failed");
                expect(run.report.error).to.contain(message);
                expect(run.stacks).to.deep.equal([]);
                expect(emulator.stats().requests, JSON.stringify(env)).to.equal(0);
            }
        });

        it("an unwritable EPHEMERAL_REPORT is rejected up front, not after a passed run", async () => {
            const run = await runEphemeral(emulator, { EPHEMERAL_REPORT: "/nonexistent-dir/report.json" });
            expect(run.code).to.equal(1);
            expect(run.stdout).to.contain(
                'FAILED before creating anything: EPHEMERAL_REPORT "/nonexistent-dir/report.json" is not writable',
            );
            expect(run.stacks).to.deep.equal([]);
            expect(emulator.stats().requests).to.equal(0);
        });

        it("creates whose outcome is unknown on every attempt: the orphans are swept by AgentUserId and the report says so", async () => {
            emulator.setFaults({ http5xxRate: 1, http5xxStatuses: [500], phase: "after", actions: ["CreateAgentInstance"] });
            // Both tries of up lose both creates' responses (4 creates, never retried by the client); the
            // sweep's creates, which come after, get through.
            const run = await runEphemeral(
                emulator,
                { SMOKE_STEP: "none", UP_ATTEMPTS: "2", STACK_NAME: "ci-unknown-1" },
                undefined,
                (child) => {
                    const timer = setInterval(() => {
                        if (emulator.requests().filter((r) => r.action === "CreateAgentInstance").length >= 4) {
                            clearInterval(timer);
                            emulator.setFaults({});
                        }
                    }, 5);
                    child.on("exit", () => clearInterval(timer));
                },
            );
            expect(run.code, run.stdout).to.equal(1);
            expect(run.report.result).to.equal("failed");
            expect(run.report.upAttempts).to.equal(2);
            const orphans = emulator.instances().filter((i) => i.deletedReason === "kicked");
            expect(orphans.length, "every unknown-outcome create had created an instance").to.be.at.least(2);
            expect(run.report.swept!.map((s) => s.agentUserId).sort()).to.deep.equal([
                "ci-unknown-1-agent_alice",
                "ci-unknown-1-agent_bob",
            ]);
            expect(run.report.mayBeLeft).to.deep.equal([]);
            expect(emulator.liveInstances(), "nothing left live").to.deep.equal([]);
            expectAllCleanedUp(run);
        });

        it("SIGTERM during a slow destroy: the cleanup finishes, and the run exits 143, not 0", async () => {
            emulator.setFaults({ latencyMs: 2000, actions: ["DeleteAgentInstance"] });
            const run = await runEphemeral(
                emulator,
                { SMOKE_STEP: "none" },
                undefined,
                onFirstRequest(emulator, "DeleteAgentInstance", (child) => {
                    child.kill("SIGTERM");
                }),
            );
            expect(run.code, run.stdout).to.equal(143);
            expect(run.report.result).to.equal("interrupted");
            expect(run.report.signal).to.equal("SIGTERM");
            expect(run.stdout).to.contain("SIGTERM received");
            expectAllCleanedUp(run);
            expect(emulator.liveInstances()).to.deep.equal([]);
        });

        it("SIGINT then SIGTERM to the whole process group during creates: what was cut off is swept, and the report does not claim more", async () => {
            emulator.setFaults({ latencyMs: 2000, actions: ["CreateAgentInstance"] });
            const run = await runEphemeral(
                emulator,
                { SMOKE_STEP: "none" },
                undefined,
                onFirstRequest(emulator, "CreateAgentInstance", (child) => {
                    process.kill(-child.pid!, "SIGINT");
                    setTimeout(() => process.kill(-child.pid!, "SIGTERM"), 300);
                }),
                { detached: true },
            );
            expect(run.code, run.stdout).to.equal(130);
            expect(run.report.result).to.equal("interrupted");
            await createsSettled(emulator); // any create still in flight lands
            const live = emulator.liveInstances().map((i) => (i.body as { RTC: { AgentUserId: string } }).RTC.AgentUserId);
            // The claim must match the facts: cleanedUp only when nothing is live.
            expect(run.report.cleanedUp, `${run.stdout}\nlive: ${live.join(", ")}`).to.equal(live.length === 0);
            expect(live).to.deep.equal([]);
            expect(run.stacks).to.deep.equal([]);
        });

        it("kill -9 of the process group during up: EPHEMERAL_RECOVER=1 leaves nothing live, no stack file, and the name can be reused", async function () {
            this.timeout(240_000);
            const engine = createPulumiEnv();
            try {
                emulator.setFaults({ latencyMs: 1500, actions: ["CreateAgentInstance"] });
                const killed = await runEphemeral(
                    emulator,
                    { SMOKE_STEP: "none", STACK_NAME: "ci-killed-1" },
                    undefined,
                    onFirstRequest(emulator, "CreateAgentInstance", (child) => {
                        process.kill(-child.pid!, "SIGKILL");
                    }),
                    { engine, allowLeftovers: true, detached: true },
                );
                expect(killed.code).to.equal(null);
                expect(killed.stacks, "the killed run's stack is left").to.have.length(1);
                await createsSettled(emulator); // the abandoned creates are carried out
                expect(emulator.liveInstances().length, "instances the killed run left live").to.be.at.least(1);
                emulator.setFaults({});

                const recovered = await runEphemeral(
                    emulator,
                    { EPHEMERAL_RECOVER: "1", STACK_NAME: "ci-killed-1" },
                    undefined,
                    undefined,
                    {
                        engine,
                    },
                );
                expect(recovered.code, recovered.stdout).to.equal(0);
                expect(recovered.report.result).to.equal("recovered");
                expect(recovered.report.mayBeLeft).to.deep.equal([]);
                expect(emulator.liveInstances(), "nothing live after the recovery").to.deep.equal([]);
                expectAllCleanedUp(recovered);

                const again = await runEphemeral(emulator, { SMOKE_STEP: "none", STACK_NAME: "ci-killed-1" }, undefined, undefined, {
                    engine,
                });
                expect(again.code, again.stdout).to.equal(0);
                expectAllCleanedUp(again);
                expect(emulator.liveInstances()).to.deep.equal([]);
            } finally {
                await engine.cleanup();
            }
        });
    });
});

// ---- pr-preview helpers ------------------------------------------------------------------------

/** The file's text: header, then both previews, normalized (no timings, generic ids). */
function renderExpected(model: PreviewResult, room: PreviewResult): string {
    return [
        "# Expected `pulumi preview --diff` output of examples/voice-agent for two typical pull requests.",
        "# Captured from a real run (Pulumi CLI v3.248.0, emulator) by tests/e2e/examples.test.ts:",
        "#   UPDATE_EXPECTED_PREVIEW=1 npx mocha dist/tests/e2e/examples.test.js -g pr-preview",
        "# Ids and durations are normalized. The run had no ZEGO credentials (preview never calls ZEGO).",
        "",
        "## PR 1: `pulumi config set llmModel doubao-1-5-lite-32k-250115` -> update in place (UpdateAgent / UpdateAgentInstance)",
        "",
        normalize(model.stdout),
        "",
        "## PR 2: `pulumi config set roomId support_room` -> replace (the instance is deleted first, then created in the new room)",
        "",
        normalize(room.stdout),
        "",
    ].join("\n");
}

function normalize(text: string): string {
    return (
        text
            // eslint-disable-next-line no-control-regex -- ANSI colour codes
            .replace(/\x1b\[[0-9;]*m/g, "")
            .replace(/\[id=\d+\]/g, "[id=<AgentInstanceId>]")
            .replace(/http:\/\/127\.0\.0\.1:\d+/g, "https://aigc-aiagent-api-sgp.zegotech.cn")
            .replace(/\b\d{19}\b/g, "<AgentInstanceId>")
            .replace(/^Duration: .*$/gm, "Duration: <n>s")
            .replace(/[ \t]+$/gm, "")
            .trimEnd()
    );
}

/** What must match: per section, the resource lines with their step, and the changed property lines. */
function structure(text: string): string[][] {
    const sections = text.split(/^## /m).slice(1);
    return sections.map((section) =>
        section
            .split("\n")
            .map((line) => line.trim())
            .filter(
                (line) =>
                    /^([+~-]|\+-|-\+|\+\+|--)\s*\S+: \((create|update|replace|delete|same|create-replacement|delete-replaced)\)/.test(
                        line,
                    ) ||
                    /^~ \w+\s*:/.test(line) ||
                    /^[+~-]{1,2}\s*\d+ to /.test(line),
            )
            // Instances are previewed in parallel, so their order varies between runs.
            .sort(),
    );
}

// ---- ephemeral-env helpers ---------------------------------------------------------------------

/** The command plugin, if scripts/ensure-command-plugin.sh can provide it (it prints the dir holding it). */
function findCommandPlugin(): string | undefined {
    ensurePulumiCli();
    try {
        const out = execFileSync("bash", [path.join(repoRoot(), "scripts", "ensure-command-plugin.sh"), "--no-build"], {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
        });
        const dir = out.trim().split("\n").pop()!.trim();
        return fs.existsSync(path.join(dir, "pulumi-resource-command")) ? dir : undefined;
    } catch {
        return undefined;
    }
}
