/**
 * Generative test of diff against the emulator (issue 9): for arbitrary (old, new) argument
 * pairs, when diff says "update" the emulator accepts the UpdateAgentInstance / UpdateAgent the
 * provider sends and a following read converges (diff then reports nothing); when diff says "no
 * change", update sends nothing. Seeded: FC_SEED=<seed> (and FC_RUNS) reproduce a failure, whose
 * seed and path fast-check prints.
 */
import { expect } from "chai";
import * as fc from "fast-check";
import { directClient, engineView, Props, requestsOf, resourceInputs, useProviderEnvironment } from "./helpers";

const SEED = Number(process.env.FC_SEED ?? 20261201);
const RUNS = Number(process.env.FC_RUNS ?? 40);
const AGENT_ID = "property_agent";

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
/** Keys with dots, unicode and vendor casing: params are passed to the vendor as they are. */
const paramKey = fc.constantFrom("max_tokens", "x.api_key", "ключ", "Mixed_Case", "extra_body");
const paramValue = fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constantFrom("a", "b", "日本"), fc.boolean());
const params = fc.dictionary(paramKey, paramValue, { maxKeys: 3 });

const llm = fc.record(
    {
        url: fc.constant("https://llm.example.com/v1/chat/completions"),
        apiKey: fc.constantFrom("sk-one", "sk-two"),
        model: fc.constantFrom("model-a", "model-b"),
        systemPrompt: maybe(fc.constantFrom("Be brief.", "Réponds en français.")),
        temperature: maybe(fc.constantFrom(0, 0.5, 1)),
        params: maybe(params),
    },
    { requiredKeys: ["url", "apiKey", "model"] },
);
const tts = fc.record(
    {
        vendor: fc.constantFrom("ByteDanceV3", "MiniMax"),
        params: fc.record({ app: fc.record({ appid: fc.constant("a"), token: fc.constantFrom("t1", "t2") }), audio: maybe(params) }),
        filterText: maybe(fc.constant([{ beginCharacters: "(", endCharacters: ")" }])),
    },
    { requiredKeys: ["vendor", "params"] },
);
const asr = fc.record({ vendor: fc.constant("Tencent"), params: maybe(params) }, { requiredKeys: ["vendor"] });

const instanceArgs = fc.record(
    {
        agentId: fc.constant(AGENT_ID),
        userId: fc.constant("user_p"),
        rtc: fc.record({
            roomId: fc.constantFrom("room_a", "room_b"),
            agentStreamId: fc.constant("agent_stream_p"),
            agentUserId: fc.constant("agent_user_p"),
            userStreamId: fc.constantFrom("us_a", "us_b"),
        }),
        llm: maybe(llm),
        tts: maybe(tts),
        asr: maybe(asr),
        gracefulShutdownTimeout: maybe(fc.constantFrom(5, 30)),
        waitForDeletion: maybe(fc.boolean()),
    },
    { requiredKeys: ["agentId", "userId", "rtc"] },
);

const agentArgs = fc.record(
    {
        agentId: fc.constant(AGENT_ID),
        name: maybe(fc.constantFrom("Agent", "Ägent ✓", "n".repeat(64))),
        llm,
        tts: maybe(tts),
        asr: maybe(asr),
        adoptExisting: maybe(fc.boolean()),
    },
    { requiredKeys: ["agentId", "llm"] },
);

function clean(value: Props): Props {
    return JSON.parse(JSON.stringify(value)) as Props;
}

describe("generative: diff agrees with what the emulator accepts, and read converges", function () {
    this.timeout(300_000);
    const ctx = useProviderEnvironment();

    before(() => console.log(`      fast-check seed ${SEED}, ${RUNS} runs (FC_SEED / FC_RUNS to change)`));

    async function fresh(registerAgent: boolean) {
        ctx.em.reset();
        ctx.context.identities.clear();
        ctx.configureStack();
        if (!registerAgent) return;
        const client = directClient(ctx.em);
        try {
            await client.registerAgent({ agentId: AGENT_ID });
        } finally {
            client.close();
        }
    }

    it("AgentInstance: update is accepted and converges; no change sends nothing", async () => {
        const instance = ctx.providers.AgentInstance;
        await fc.assert(
            fc.asyncProperty(instanceArgs, instanceArgs, async (oldArgs, newArgs) => {
                await fresh(true);
                const created = await instance.create(resourceInputs(clean(oldArgs)));
                const news = resourceInputs(clean(newArgs));
                expect((await instance.check(created.outs as Props, news)).failures).to.deep.equal([]);
                const diff = await instance.diff(created.id, created.outs as Props, news);
                const updatesBefore = requestsOf(ctx.em, "UpdateAgentInstance").length;
                if (diff.replaces && diff.replaces.length > 0) return;
                const updated = await instance.update(created.id, created.outs as Props, news);
                const sent = requestsOf(ctx.em, "UpdateAgentInstance").slice(updatesBefore);
                if (!diff.changes) {
                    expect(sent, "no change: nothing sent").to.deep.equal([]);
                    return;
                }
                expect(
                    sent.map((r) => r.code),
                    "the emulator accepted every update",
                ).to.satisfy((codes: number[]) => codes.every((c) => c === 0));
                const read = await instance.read(created.id, updated.outs as Props);
                expect(await instance.diff(created.id, engineView(read.props) as Props, news)).to.deep.equal({ changes: false });
            }),
            { seed: SEED, numRuns: RUNS },
        );
    });

    it("Agent: update is accepted and a refresh (read) converges; no change sends nothing; a removal is refused", async () => {
        const agent = ctx.providers.Agent;
        await fc.assert(
            fc.asyncProperty(agentArgs, agentArgs, async (oldArgs, newArgs) => {
                await fresh(false);
                const created = await agent.create(resourceInputs(clean(oldArgs)));
                const news = resourceInputs(clean(newArgs));
                expect((await agent.check(created.outs as Props, news)).failures).to.deep.equal([]);
                const removed = (["name", "tts", "asr"] as const).some((k) => oldArgs[k] !== undefined && newArgs[k] === undefined);
                const diff = await agent.diff(created.id, created.outs as Props, news).then(
                    (d) => d,
                    (e: Error) => e,
                );
                if (diff instanceof Error) {
                    expect(removed, `refused only for a removal: ${diff.message}`).to.equal(true);
                    return;
                }
                expect(removed, "a removal is never planned as an update").to.equal(false);
                const before = requestsOf(ctx.em, "UpdateAgent").length;
                if (diff.replaces && diff.replaces.length > 0) return;
                const updated = await agent.update(created.id, created.outs as Props, news);
                const sent = requestsOf(ctx.em, "UpdateAgent").slice(before);
                if (!diff.changes) return void expect(sent, "no change: nothing sent").to.deep.equal([]);
                expect(
                    sent.every((r) => r.code === 0),
                    "the emulator accepted every update",
                ).to.equal(true);
                const read = await agent.read(created.id, updated.outs as Props);
                expect(await agent.diff(created.id, engineView(read.props) as Props, news)).to.deep.equal({ changes: false });
            }),
            { seed: SEED, numRuns: RUNS },
        );
    });
});
