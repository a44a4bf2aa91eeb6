/**
 * The generated Go SDK through the real engine: scripts/gen-sdk.sh writes dist/sdk/go from the schema,
 * examples/go-voice-agent (a Go Automation API inline program on that SDK) is built with `go build`
 * and run as its own process against the emulator, with the plugin installed from the tarball
 * `npm run plugin` builds. Go is a prerequisite: without it this fails, it does not skip.
 */
import { expect } from "chai";
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { EmulatorHandle } from "../../emulator";
import { createPulumiEnv, PulumiEnv, repoRoot } from "../../scripts/pulumi-env";
import { APP_ID, assertNoSecrets, SERVER_SECRET, startTestEmulator } from "../harness/engine";
import { installPlugin, packageVersion } from "../harness/plugin";
import { must } from "../must";

const run = promisify(execFile);
const LLM_KEY = "sk-go-LLMKEY-93b2e1";
const SECRETS = [LLM_KEY, SERVER_SECRET];
const EXAMPLE = path.join(repoRoot(), "examples", "go-voice-agent");

interface Summary {
    op: string;
    result: string;
    changes: Record<string, number>;
    outputs?: Record<string, unknown>;
}

/** Fails loudly, with the reason, when Go is missing: the Go SDK is part of what npm test shows. */
function requireGo(): void {
    try {
        execFileSync("go", ["version"], { stdio: ["ignore", "pipe", "pipe"] });
    } catch (err) {
        throw new Error(`the Go SDK test needs a Go toolchain (>= 1.25) on PATH: ${(err as Error).message}`);
    }
}

describe("e2e: the generated Go SDK, from a Go Automation API program through the engine", function () {
    this.timeout(300000);
    let em: EmulatorHandle;
    let env: PulumiEnv;
    let binary: string;
    const output: string[] = [];

    /** Runs the example (its own process: the emulator keeps serving here meanwhile) and parses its summary line. */
    async function example(op: "up" | "destroy"): Promise<Summary> {
        // The program's own environment: the engine's hermetic settings plus the two credentials, and no
        // ambient ZEGO_* (the provider must get its settings from the stack config the program sets).
        const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ZEGO_")));
        const args = ["-app-id", String(APP_ID), "-endpoint", em.url, "-workdir", path.join(env.root, "go-work"), "-stack", "go", op];
        try {
            const { stdout, stderr } = await run(binary, args, {
                env: { ...base, ...env.envVars, ZEGO_SERVER_SECRET: SERVER_SECRET, LLM_API_KEY: LLM_KEY },
                maxBuffer: 64 * 1024 * 1024,
            });
            output.push(stdout, stderr);
            const lines = stdout.trim().split("\n");
            return JSON.parse(must(lines[lines.length - 1], "lines[lines.length - 1]")) as Summary;
        } catch (err) {
            const e = err as { stdout?: string; stderr?: string; message: string };
            output.push(e.stdout ?? "", e.stderr ?? "");
            throw new Error(`go-voice-agent ${op} failed: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
        }
    }

    before(async () => {
        requireGo();
        execFileSync("bash", [path.join(repoRoot(), "scripts", "gen-sdk.sh"), "go"], { stdio: ["ignore", "pipe", "inherit"] });
        env = createPulumiEnv();
        binary = path.join(env.root, "go-voice-agent");
        // -mod=readonly: the committed go.mod/go.sum must be complete (a fresh clone builds as CI does).
        await run("go", ["build", "-mod=readonly", "-o", binary, "."], {
            cwd: EXAMPLE,
            env: { ...process.env, GOFLAGS: "-buildvcs=false" },
            maxBuffer: 16 * 1024 * 1024,
        }).catch((err: { stderr?: string; message: string }) => {
            throw new Error(`go build of examples/go-voice-agent failed: ${err.message}\n${err.stderr ?? ""}`);
        });
        await installPlugin(env);
        em = await startTestEmulator();
    });

    after(async () => {
        try {
            // Clean up whatever a failed test left (a no-op after the destroy test).
            if (em && env && fs.existsSync(binary)) await example("destroy").catch(() => undefined);
        } finally {
            await env?.cleanup();
            await em?.close();
        }
    });

    const rawState = () => fs.readFileSync(path.join(env.backendDir, ".pulumi", "stacks", "go-voice-agent", "go.json"), "utf8");
    const live = () => em.instances().filter((i) => i.state !== "deleted");
    // The stored properties the assertions read (JSON.parse gives them unchecked).
    type StoredProps = Record<string, unknown> & { llm: Record<string, unknown> };
    type StateResource = { urn: string; type: string; inputs: StoredProps; outputs: StoredProps };
    const resources = () => (JSON.parse(rawState()).checkpoint.latest.resources ?? []) as StateResource[];

    it("up creates the agent and its instance; secrets are ciphertexts in the backend's raw state and absent from the output", async () => {
        const up = await example("up");
        expect(up).to.include({ op: "up", result: "succeeded" });
        expect(up.changes).to.deep.equal({ create: 3 }); // stack, agent, instance (the default provider is not counted)
        expect(live()).to.have.length(1);
        const instance = must(live()[0], "live()[0]");
        expect(up.outputs).to.include({ agentId: "go_voice_agent", agentInstanceId: instance.agentInstanceId });
        expect(instance.body).to.include({ AgentId: "go_voice_agent", UserId: "user_1" });
        expect(em.agents().map((a) => a.AgentId)).to.deep.equal(["go_voice_agent"]);
        const state = rawState();
        assertNoSecrets([state, ...output], SECRETS);
        const stored = resources().find((r) => r.type === "zego:index:AgentInstance")!;
        for (const props of [stored.inputs, stored.outputs]) {
            expect(JSON.stringify(props.llm["apiKey"])).to.contain("ciphertext");
            expect(props.llm["model"]).to.equal("model-a");
            expect(props).to.include({ gracefulShutdown: true, gracefulShutdownTimeout: 20, waitForDeletion: true });
        }
        // The provider's settings came from the stack config the program set, the ServerSecret encrypted.
        const provider = resources().find((r) => r.type === "pulumi:providers:zego")!;
        expect(provider.inputs).to.include({ appId: String(APP_ID), endpoint: em.url });
        expect(JSON.stringify(provider.inputs["serverSecret"])).to.contain("ciphertext");
        // The SDK asked the engine for the plugin version it was generated from (the schema's) and where to
        // download it (the schema's pluginDownloadURL): the default provider is named after both.
        expect(provider.urn).to.match(new RegExp(`::default_${packageVersion().replace(/\./g, "_")}_github_/api\\.github\\.com/`));
    });

    it("a second up changes nothing and sends no request to ZEGO", async () => {
        const before = em.requests().length;
        const up = await example("up");
        expect(up).to.include({ result: "succeeded" });
        expect(up.changes).to.deep.equal({ same: 3 });
        expect(
            em
                .requests()
                .slice(before)
                .map((r) => r.action),
        ).to.deep.equal([]);
        expect(live()).to.have.length(1);
        assertNoSecrets([rawState(), ...output], SECRETS);
    });

    it("destroy deletes the instance gracefully (the program's settings on the DeleteAgentInstance call) and unregisters the agent", async () => {
        const instance = must(live()[0], "live()[0]");
        const res = await example("destroy");
        expect(res).to.include({ op: "destroy", result: "succeeded" });
        expect(res.changes).to.deep.equal({ delete: 3 });
        expect(live()).to.deep.equal([]);
        const gone = em.instances().find((i) => i.agentInstanceId === instance.agentInstanceId)!;
        expect(gone.deleteRequest).to.include({ GracefulShutdown: true, GracefulShutdownTimeout: 20 });
        expect(em.agents()).to.deep.equal([]);
        expect(em.requests().filter((r) => r.action === "UnregisterAgent")).to.have.length(1);
        expect(resources().filter((r) => r.type.startsWith("zego:"))).to.deep.equal([]);
        assertNoSecrets([rawState(), ...output], SECRETS);
    });
});
