/**
 * Secrets through the real engine. A seeded sample of generated argument trees (tests/fixtures/
 * secretTrees.ts, FC_SEED=<n> to replay) goes through `preview --diff` and `up`: the backend's raw
 * state file (never exportStack, which decrypts), the engine's output and its errors hold no
 * marked or credential value, and the bodies the provider sent (captured by a loopback proxy in
 * front of the emulator) equal the user's input. Plus: check failures on unknown keys print no
 * secret, `ignoreChanges: ["llm.apiKey"]` works, the `import` option fails clearly, and a stack
 * whose secrets provider is a key management service (tests/harness/kms.ts) keeps them as well.
 */
import { expect } from "chai";
import * as fc from "fast-check";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { Agent, AgentInstance } from "../../provider";
import { EmulatorHandle } from "../../emulator";
import { LLM_API_KEY, validInstanceArgs } from "../harness/fixtures";
import { build, leakIn, paramsTree, SEED } from "../fixtures/secretTrees";
import { emulatorConfig, EngineRun, previewFailure, SERVER_SECRET, startTestEmulator, withStack } from "../harness/engine";
import { startKms } from "../harness/kms";
import { must } from "../must";

interface Captured {
    action: string;
    body: Record<string, any>;
}

/** A loopback proxy that records each request's action and JSON body, then forwards it unchanged. */
async function startCapture(target: string): Promise<{ url: string; captured: Captured[]; close(): Promise<void> }> {
    const captured: Captured[] = [];
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const raw = Buffer.concat(chunks);
            const action = new URL(req.url ?? "/", "http://x").searchParams.get("Action") ?? "";
            if (raw.length > 0) captured.push({ action, body: JSON.parse(raw.toString("utf8")) });
            const upstream = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
                res.writeHead(up.statusCode ?? 502, up.headers);
                up.pipe(res);
            });
            upstream.on("error", () => res.destroy());
            upstream.end(raw);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, captured, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("e2e: secrets through the real engine", function () {
    this.timeout(240_000);
    let emulator: EmulatorHandle;

    before(async () => {
        emulator = await startTestEmulator();
    });
    after(async () => emulator.close());

    it(`generated trees (seed ${SEED}): no marked or credential value in the raw state file, preview --diff or up output; bodies equal the input`, async () => {
        emulator.reset();
        const capture = await startCapture(emulator.url);
        // The 4 richest of 40 seeded samples (an engine run per sample would take minutes).
        const size = (b: { llm: { secrets: string[]; visible: string[] }; asr: { secrets: string[]; visible: string[] } }) =>
            b.llm.secrets.length + b.asr.secrets.length + b.llm.visible.length + b.asr.visible.length;
        const built = fc
            .sample(fc.tuple(paramsTree, paramsTree), { seed: SEED, numRuns: 40 })
            .map(([llmTree, asrTree], i) => ({ llm: build(llmTree, `e${i}l`), asr: build(asrTree, `e${i}a`) }))
            .sort((x, y) => size(y) - size(x))
            .slice(0, 4);
        const marked = { prompt: "PROMPT-MARKED-e2e", whole: "WHOLE-MARKED-e2e" };
        const secrets = [...built.flatMap((b) => [...b.llm.secrets, ...b.asr.secrets]), marked.prompt, marked.whole, LLM_API_KEY];
        const program = async () => {
            const agent = new Agent("gen-agent", {
                agentId: "gen_agent",
                llm: {
                    url: "https://llm.example.com/v1",
                    apiKey: LLM_API_KEY,
                    model: "m",
                    params: must(built[0], "built[0]").llm.input,
                } as never,
            });
            built.forEach((b, i) => {
                const args = validInstanceArgs(`g${i}`) as Record<string, any>;
                new AgentInstance(`gen-${i}`, {
                    ...args,
                    agentId: agent.agentId,
                    llm: { ...args.llm, systemPrompt: pulumi.secret(`${marked.prompt}${i}`), params: b.llm.input },
                    asr: { vendor: "Tencent", params: b.asr.input },
                    // One whole object marked secret.
                    ...(i === 0 ? { tts: pulumi.secret({ ...args.tts, params: { ...args.tts.params, voice: marked.whole } }) } : {}),
                } as never);
            });
        };
        try {
            await withStack(program, { ...emulatorConfig(emulator), "zego:endpoint": { value: capture.url } }, async (run: EngineRun) => {
                const preview = await run.preview({ onOutput: run.onOutput, diff: true });
                await run.up({ onOutput: run.onOutput });
                const state = await run.exportState();
                const printed = run.output.join("\n");
                expect(leakIn(state, secrets), "in the raw state file").to.equal(undefined);
                expect(leakIn(printed, secrets), "in the engine output").to.equal(undefined);
                // The stack, the Agent and the instances.
                expect(preview.changeSummary.create).to.equal(built.length + 2);
                // What nobody marked stays readable in the diff.
                for (const value of built.flatMap((b) => [...b.llm.visible, ...b.asr.visible]))
                    expect(printed, "readable in preview --diff").to.contain(value);

                const register = capture.captured.find((c) => c.action === "RegisterAgent")!;
                expect(register.body.LLM.Params).to.deep.equal(must(built[0], "built[0]").llm.plain);
                built.forEach((b, i) => {
                    const create = capture.captured.find((c) => c.action === "CreateAgentInstance" && c.body.RTC?.RoomId === `room_g${i}`);
                    expect(create, `CreateAgentInstance for gen-${i}`).to.not.equal(undefined);
                    expect(create!.body.LLM.Params, `LLM.Params of gen-${i}`).to.deep.equal(b.llm.plain);
                    expect(create!.body.ASR.Params, `ASR.Params of gen-${i}`).to.deep.equal(b.asr.plain);
                    expect(create!.body.LLM.SystemPrompt).to.equal(`${marked.prompt}${i}`);
                });
                // No change on a second preview: the marks do not make diffs.
                const again = await run.preview({ onOutput: run.onOutput, diff: true });
                expect(again.changeSummary.update ?? 0).to.equal(0);
                expect(leakIn(run.output.join("\n"), secrets)).to.equal(undefined);
            });
        } finally {
            await capture.close();
        }
    });

    it("a check failure on an unknown key (llmm, PascalCase LLM) names it and prints no secret", async () => {
        const secret = "sk-UNKNOWN-KEY-SECRET-31";
        await withStack(
            async () => {
                new AgentInstance("bad-llmm", { ...validInstanceArgs("b1"), llmm: { apiKey: pulumi.secret(secret) } } as never);
            },
            emulatorConfig(emulator),
            async (run) => {
                const first = await previewFailure(run);
                (run.stack.workspace as LocalWorkspace).program = async () => {
                    new AgentInstance("bad-LLM", { ...validInstanceArgs("b2"), LLM: { ApiKey: pulumi.secret(secret) } } as never);
                };
                const second = await previewFailure(run);
                expect(first).to.contain("llmm is not a known field");
                expect(second).to.contain("LLM is not a known field");
                for (const text of [first, second, run.output.join("\n")]) expect(text).to.not.contain(secret);
            },
        );
    });

    it('ignoreChanges: ["llm.apiKey"] keeps a rotated key from updating the instance', async () => {
        emulator.reset();
        let apiKey = "sk-first-IGNORED-1";
        const program = async () => {
            const agent = new Agent("ign-agent", {
                agentId: "ign_agent",
                llm: { url: "https://llm.example.com/v1", apiKey: "k", model: "m" },
            });
            const args = validInstanceArgs("ign") as Record<string, any>;
            new AgentInstance("ign", { ...args, agentId: agent.agentId, llm: { ...args.llm, apiKey } } as never, {
                ignoreChanges: ["llm.apiKey"],
            });
        };
        await withStack(program, emulatorConfig(emulator), async (run) => {
            await run.up({ onOutput: run.onOutput });
            apiKey = "sk-second-IGNORED-2";
            const preview = await run.preview({ onOutput: run.onOutput });
            expect(preview.changeSummary.update ?? 0, "no update planned").to.equal(0);
            const before = emulator.stats().requests;
            await run.up({ onOutput: run.onOutput });
            const updates = emulator
                .requests()
                .slice(-(emulator.stats().requests - before))
                .filter((r) => r.action === "UpdateAgentInstance");
            expect(updates).to.deep.equal([]);
            expect(run.output.join("\n")).to.not.contain("sk-second-IGNORED-2");
        });
    });

    it("a stack whose secrets are in a key management service (the contention benchmark's setup): no secret in the raw state, its stack file or the output; the service holds the key", async () => {
        emulator.reset();
        const kms = await startKms();
        const prompt = "PROMPT-KMS-MARKED-7";
        try {
            const program = async () => {
                const agent = new Agent("kms-agent", {
                    agentId: "kms_agent",
                    llm: { url: "https://llm.example.com/v1", apiKey: LLM_API_KEY, model: "m" },
                });
                const args = validInstanceArgs("kms") as Record<string, any>;
                new AgentInstance("kms", {
                    ...args,
                    agentId: agent.agentId,
                    llm: { ...args.llm, systemPrompt: pulumi.secret(prompt) },
                } as never);
            };
            await withStack(
                program,
                emulatorConfig(emulator),
                async (run) => {
                    await run.up({ onOutput: run.onOutput });
                    const stackFile = fs.readFileSync(path.join(run.env.workDir, `Pulumi.${run.stack.name}.yaml`), "utf8");
                    expect(stackFile).to.contain(`secretsprovider: ${kms.stackOptions.secretsProvider}`).and.to.contain("encryptedkey:");
                    expect(kms.calls.encrypt, "the data key was encrypted by the service").to.be.greaterThan(0);
                    expect(kms.calls.decrypt, "each command had the service decrypt it").to.be.greaterThan(0);
                    const secrets = [prompt, LLM_API_KEY, SERVER_SECRET];
                    const state = await run.exportState();
                    expect(state, "the prompt is in the state, encrypted").to.contain("ciphertext");
                    for (const [where, text] of Object.entries({ state, stackFile, output: run.output.join("\n") }))
                        expect(leakIn(text, secrets), `in the ${where}`).to.equal(undefined);
                    const create = emulator.requests().find((r) => r.action === "CreateAgentInstance" && r.code === 0);
                    expect(create, "the instance was created").to.not.equal(undefined);
                },
                kms.stackOptions,
            );
        } finally {
            await kms.close();
        }
    });

    it("the import resource option fails with a clear message naming the alternative", async () => {
        await withStack(
            async () => {
                new Agent("imp", { agentId: "imp_agent" }, { import: "imp_agent" });
            },
            emulatorConfig(emulator),
            async (run) => {
                const message = await previewFailure(run);
                expect(message).to.contain(
                    "the import resource option is not supported (Pulumi dynamic providers cannot import resources)",
                );
                expect(message).to.contain("adoptExisting: true");
                expect(message).to.not.contain("TypeError");
            },
        );
    });
});
