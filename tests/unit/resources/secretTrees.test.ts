/**
 * Generative (fast-check, seeded; a failure prints its seed, replay with FC_SEED=<seed>): for
 * arbitrary `params` trees with arbitrary nodes marked secret, what the resource classes register
 * with the engine (the SDK's serialized request, under pulumi.runtime.setMocks) never shows a
 * marked or credential-looking value outside a secret, keeps every other value readable, and,
 * with the secrets unwrapped as the engine does for the provider, equals the user's input exactly.
 */
import { expect } from "chai";
import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { Agent, AgentInstance } from "../../../provider";
import { redact, REDACTED } from "../../../emulator/redact";
import { validInstanceArgs } from "../../harness/fixtures";
import { useMockMonitor } from "../../fixtures/mockMonitor";
import { publicPart, unwrapSecrets } from "../../fixtures/secretWire";
import { build, leakIn, paramsTree, SEED } from "../../fixtures/secretTrees";

type Props = Record<string, any>;

describe("generative: secrets in arbitrary argument trees (registration)", function () {
    this.timeout(120_000);
    let n = 0;
    const monitor = useMockMonitor((args) => ({ id: `${args.name}-id`, state: args.inputs }));

    async function wireOf(resource: pulumi.CustomResource, name: string): Promise<Props> {
        return (await monitor.requestOf(resource, name)).getObject().toJavaScript() as Props;
    }

    it("AgentInstance and Agent: no marked or credential value outside a secret, the rest readable, and the input round-trips", async () => {
        await fc.assert(
            fc.asyncProperty(paramsTree, paramsTree, async (llmTree, asrTree) => {
                const tag = `t${n++}`;
                const llm = build(llmTree, `${tag}l`);
                const asr = build(asrTree, `${tag}a`);
                const args = validInstanceArgs(tag) as Props;
                const name = `gen-${tag}`;
                const instance = new AgentInstance(name, {
                    ...args,
                    llm: { ...args.llm, params: llm.input },
                    asr: { vendor: "Tencent", params: asr.input },
                } as never);
                const agent = new Agent(`${name}-agent`, { agentId: `agent_${tag}`, llm: { ...args.llm, params: llm.input } as never });
                for (const [wire, plainAsr] of [
                    [await wireOf(instance, name), asr.plain],
                    [await wireOf(agent, `${name}-agent`), undefined],
                ] as const) {
                    const shown = JSON.stringify(publicPart(wire));
                    expect(leakIn(shown, [...llm.secrets, ...(plainAsr ? asr.secrets : [])]), "a secret outside a secret").to.equal(
                        undefined,
                    );
                    for (const value of [...llm.visible, ...(plainAsr ? asr.visible : [])])
                        expect(shown, "an unmarked value stays readable").to.contain(value);
                    expect(unwrapSecrets(wire.llm.params)).to.deep.equal(llm.plain);
                    if (plainAsr) expect(unwrapSecrets(wire.asr.params)).to.deep.equal(plainAsr);
                }
            }),
            { seed: SEED, numRuns: 60 },
        );
    });

    it("the emulator's redaction hides every credential the provider marks (one rule)", () => {
        fc.assert(
            fc.property(paramsTree, (tree) => {
                const tag = `r${n++}`;
                const built = build(tree, tag);
                const redacted = JSON.stringify(redact({ LLM: { ApiKey: "k", Params: built.plain } }));
                // Marks are the user's choice, not the rule's: the same tree without marks says what the rule must hide.
                const credentialsOnly = build(stripMarks(tree), tag).secrets;
                expect(leakIn(redacted, credentialsOnly)).to.equal(undefined);
                expect(redacted).to.contain(`"ApiKey":"${REDACTED}"`);
            }),
            { seed: SEED, numRuns: 200 },
        );
    });
});

function stripMarks<T extends { mark: boolean }>(tree: T): T {
    const out: any = { ...tree, mark: false };
    if (out.kind === "object") out.entries = out.entries.map(([k, c]: [string, any]) => [k, stripMarks(c)]);
    if (out.kind === "array") out.items = out.items.map(stripMarks);
    return out;
}
