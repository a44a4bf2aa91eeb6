/**
 * Bad input through the real engine: every invalid AgentInstance argument set of
 * tests/fixtures/badInputs.ts must fail `pulumi preview` with a message naming the field, what is
 * allowed and what was given, without a single API call and without creating anything. Plus bad
 * provider configuration (zego:appId, zego:endpoint) at `pulumi up`.
 *
 * Batching. A preview costs ~3 s of engine overhead, and 38 of them are too slow. The engine does
 * not report the check failures of several resources in one preview: it stops at the first
 * resource whose check fails (measured with 5 bad resources in one program: 1 reported). It does
 * report every failure of that one resource. So bad inputs whose patches touch disjoint fields are
 * merged into ONE resource per preview; a merge is kept only if the provider's own check of the
 * merged arguments, run here in-process for planning, still yields each input's expected failure
 * (so merged inputs cannot mask one another). The assertions are then made on the engine's output.
 */
import { expect } from "chai";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { AgentInstance } from "../../provider";
import { checkArgs } from "../../provider/schema/resources";
import { EmulatorHandle } from "../../emulator";
import { validInstanceArgs } from "../harness/fixtures";
import { applyPatch, BAD_INPUTS, BadInput, isAbout } from "../fixtures/badInputs";
import { assertNoSecrets, emulatorConfig, EngineRun, previewFailure, startTestEmulator, withStack } from "../harness/engine";
import { checkpoint, INSTANCE_TYPE, instancesProgram, registerAgent, SECRETS, withConfig } from "./helpers";

/** Dotted paths of the leaves a patch sets or deletes (arrays are leaves). */
function leafPaths(patch: Record<string, unknown>, prefix = ""): string[] {
    return Object.entries(patch).flatMap(([key, value]) =>
        value !== null && typeof value === "object" && !Array.isArray(value)
            ? leafPaths(value as Record<string, unknown>, `${prefix}${key}.`)
            : [`${prefix}${key}`],
    );
}

function overlap(a: string[], b: string[]): boolean {
    return a.some((x) => b.some((y) => x === y || x.startsWith(`${y}.`) || y.startsWith(`${x}.`)));
}

function merged(batch: BadInput[]): Record<string, unknown> {
    return batch.reduce((args, input) => applyPatch(args, input.patch), validInstanceArgs());
}

function reported(reasons: { property: string; reason: string }[], input: BadInput): boolean {
    return reasons.some((f) => isAbout(f, input.property) && input.expect.every((fragment) => f.reason.includes(fragment)));
}

/** First fit: each input joins the first batch it neither overlaps nor masks. */
export function planBatches(inputs: BadInput[]): BadInput[][] {
    const batches: BadInput[][] = [];
    for (const input of inputs) {
        const fits = (batch: BadInput[]) => {
            if (
                overlap(
                    batch.flatMap((b) => leafPaths(b.patch)),
                    leafPaths(input.patch),
                )
            )
                return false;
            const candidate = [...batch, input];
            const failures = checkArgs("AgentInstance", merged(candidate));
            return candidate.every((i) => reported(failures, i));
        };
        const batch = batches.find(fits);
        if (batch) batch.push(input);
        else batches.push([input]);
    }
    return batches;
}

/** The engine's check-failure lines: `... property <p> value {<v>} has a problem: <reason>`. */
function problemLines(text: string): string[] {
    return text.split("\n").filter((line) => line.includes(" has a problem: "));
}

describe("resilience: bad input through the real engine", function () {
    this.timeout(150_000);
    let emulator: EmulatorHandle;

    before(async () => {
        emulator = await startTestEmulator();
    });
    after(async () => emulator.close());

    describe("invalid AgentInstance arguments fail `pulumi preview`", () => {
        const batches = planBatches(BAD_INPUTS);
        /** Engine output of the preview of each input's batch. */
        const outputs = new Map<BadInput, string>();
        const texts: string[] = [];
        let requests = -1;
        let instancesInState = -1;

        before(async function () {
            this.timeout(120_000);
            emulator.reset();
            await withStack(
                async () => {},
                emulatorConfig(emulator),
                async (run) => {
                    for (const [i, batch] of batches.entries()) {
                        const args = merged(batch);
                        (run.stack.workspace as LocalWorkspace).program = async () => {
                            new AgentInstance(`bad${i}`, args as never);
                        };
                        const text = await previewFailure(run);
                        texts.push(text);
                        for (const input of batch) outputs.set(input, text);
                    }
                    requests = emulator.stats().requests;
                    instancesInState = (await checkpoint(run)).resources.filter((r) => r.type === INSTANCE_TYPE).length;
                    texts.push(run.output.join("\n"), await run.exportState());
                },
            );
            console.log(`      ${BAD_INPUTS.length} bad inputs in ${batches.length} previews: ${batches.map((b) => b.length).join(" + ")}`);
        });

        for (const input of BAD_INPUTS) {
            it(`${input.name}: names ${input.property}, what is allowed and what was given`, () => {
                const text = outputs.get(input)!;
                expect(text, "preview failed").to.not.equal("(preview succeeded)");
                // A top-level key is named in the reason only (the engine would print its value with `property`).
                const lines = problemLines(text).filter(
                    (line) => line.includes(`property ${input.property} `) || line.includes(`has a problem: ${input.property} `),
                );
                expect(lines, `a check failure for ${input.property} in:\n${problemLines(text).join("\n")}`).to.not.be.empty;
                const line = lines.find((l) => input.expect.every((fragment) => l.includes(fragment)));
                expect(line, `a failure for ${input.property} containing ${JSON.stringify(input.expect)}; got:\n${lines.join("\n")}`).to.not
                    .be.undefined;
            });
        }

        it("no API call was made and nothing was created", () => {
            expect(requests, "ZEGO API requests during the previews").to.equal(0);
            expect(emulator.instances()).to.deep.equal([]);
            expect(instancesInState).to.equal(0);
        });

        it("no secret in the engine output, the errors or the state", () => {
            expect(texts.length).to.be.greaterThan(batches.length);
            assertNoSecrets(texts, SECRETS);
        });
    });

    describe("bad provider configuration fails `pulumi up` clearly", () => {
        async function upError(run: EngineRun, extra: Record<string, string>): Promise<string> {
            await run.stack.setAllConfig(withConfig(emulatorConfig(emulator), extra));
            const error = await run.up({ onOutput: run.onOutput }).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(error, `up with ${JSON.stringify(extra)}`).to.be.instanceOf(Error);
            return error!.message;
        }

        it("a non-numeric zego:appId, then a plain-http zego:endpoint to a remote host: clear errors, no API call, nothing created", async () => {
            emulator.reset();
            await registerAgent(emulator);
            const before = emulator.stats().requests;
            await withStack(instancesProgram(1), emulatorConfig(emulator), async (run) => {
                const appId = await upError(run, { "zego:appId": "my-app" });
                expect(appId).to.contain(
                    'stack config "zego:appId" must be a positive integer (your ZEGO AppID, up to 4294967295); got "my-app"',
                );

                const endpoint = await upError(run, { "zego:endpoint": "http://zego.example.com" });
                expect(endpoint).to.contain("Invalid zego:endpoint / ZEGO_ENDPOINT: must be an https:// URL");
                expect(endpoint).to.contain("http:// is allowed only for loopback hosts");
                expect(endpoint).to.contain('got "http://zego.example.com/", a plain-http URL for a non-loopback host');

                expect(emulator.stats().requests - before, "API calls").to.equal(0);
                expect((await checkpoint(run)).resources.filter((r) => r.type === INSTANCE_TYPE)).to.deep.equal([]);
                assertNoSecrets([appId, endpoint, run.output.join("\n"), await run.exportState()], SECRETS);
            });
        });
    });
});
