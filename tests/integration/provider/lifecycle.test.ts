/**
 * Issue 9 §2-3 at the provider level, against the emulator over real HTTP: settings validated
 * before any API call, nothing created that state does not hold, the status of a partial create
 * settled, refused changes (Agent removals, app moves), endpoint moves, and the credentials advice.
 */
import { expect } from "chai";
import { PartialCreateError } from "../../../provider/lifecycle/provider";
import { UNKNOWN } from "../../../provider/schema/unknown";
import { startEmulator } from "../../../emulator";
import { validInstanceArgs } from "../../harness/fixtures";
import { APP_ID, directClient, Props, rejectionOf, requestsOf, resourceInputs, SERVER_SECRET, useProviderEnvironment } from "./helpers";
import { must } from "../../must";

const AGENT_ID = "lifecycle_agent";

function instanceArgs(overrides: Props = {}): Props {
    const out: Props = { ...validInstanceArgs("1"), agentId: AGENT_ID, ...overrides };
    for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
    return out;
}

function agentArgs(overrides: Props = {}): Props {
    const out: Props = {
        agentId: "registered_agent",
        name: "Registered",
        llm: { url: "https://llm.example.com/v1/chat/completions", apiKey: "sk-agent", model: "model-a" },
        tts: { vendor: "ByteDanceV3", params: { app: { appid: "a", token: "t" } } },
        ...overrides,
    };
    for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
    return out;
}

describe("provider integration: settings, moves and refusals (issue 9)", function () {
    this.timeout(20000);
    const ctx = useProviderEnvironment();
    const instance = ctx.providers.AgentInstance;
    const agent = ctx.providers.Agent;

    beforeEach(async () => {
        const client = directClient(ctx.em);
        try {
            await client.registerAgent({ agentId: AGENT_ID, name: "Lifecycle" });
        } finally {
            client.close();
        }
        ctx.configureStack();
    });

    describe("every setting is validated before any API call", () => {
        const bad: [string, Record<string, string>, Record<string, string>, string[]][] = [
            [
                "zego:gracefulShutdownTimeout 999",
                { "zego:gracefulShutdownTimeout": "999" },
                {},
                ['stack config "zego:gracefulShutdownTimeout"', "an integer from 1 to 120 (seconds)", 'got "999"'],
            ],
            [
                "zego:waitForDeletion maybe",
                { "zego:waitForDeletion": "maybe" },
                {},
                ['stack config "zego:waitForDeletion"', "true or false", 'got "maybe"'],
            ],
            [
                "zego:deleteWaitMargin -1",
                { "zego:deleteWaitMargin": "-1" },
                {},
                ['stack config "zego:deleteWaitMargin"', "from 0 to 600", 'got "-1"'],
            ],
            [
                "env ZEGO_GRACEFUL_SHUTDOWN=maybe",
                {},
                { ZEGO_GRACEFUL_SHUTDOWN: "maybe" },
                ["env ZEGO_GRACEFUL_SHUTDOWN", "true or false", 'got "maybe"'],
            ],
            [
                "env ZEGO_DELETE_WAIT_MARGIN=soon",
                {},
                { ZEGO_DELETE_WAIT_MARGIN: "soon" },
                ["env ZEGO_DELETE_WAIT_MARGIN", "a number from 0 to 600 (seconds)", 'got "soon"'],
            ],
            ["zego:region mars", { "zego:region": "mars", "zego:endpoint": "" }, {}, ["zego:region / ZEGO_REGION", "mars"]],
        ];
        for (const [what, config, env, fragments] of bad) {
            it(`${what}: check fails naming it (so preview fails); create sends nothing and creates nothing`, async () => {
                ctx.configureStack(config);
                Object.assign(ctx.env, env);
                const before = ctx.em.requests().length;
                for (const [name, provider, a] of [
                    ["AgentInstance", instance, instanceArgs()],
                    ["Agent", agent, agentArgs()],
                ] as const) {
                    const checkError = await rejectionOf(provider.check({}, resourceInputs(a)));
                    for (const fragment of fragments) expect(checkError.message, `${name} check`).to.contain(fragment);
                    const createError = await rejectionOf(provider.create(resourceInputs(a)));
                    for (const fragment of fragments) expect(createError.message, `${name} create`).to.contain(fragment);
                }
                expect(ctx.em.requests().length, "API calls").to.equal(before);
                expect(ctx.em.instances()).to.deep.equal([]);
            });
        }

        it("several bad settings are all named at once, and a secret given is never printed", async () => {
            ctx.configureStack({
                "zego:gracefulShutdownTimeout": "0",
                "zego:requestTimeoutMs": "fast",
                "zego:serverSecret": "s3cr3t-value",
            });
            const err = await rejectionOf(instance.check({}, resourceInputs(instanceArgs())));
            expect(err.message)
                .to.contain("zego:gracefulShutdownTimeout")
                .and.contain("zego:requestTimeoutMs")
                .and.not.contain("s3cr3t-value");
        });
    });

    it("a partial create (status query failed) keeps status UNKNOWN only until the next up: update settles it", async () => {
        ctx.em.setFaults({ http5xxRate: 1, http5xxStatuses: [500], actions: ["QueryAgentInstanceStatus"] });
        const inputs = resourceInputs(instanceArgs());
        const err = await rejectionOf(instance.create(inputs), PartialCreateError);
        ctx.em.setFaults({});
        const properties = err.properties as Props;
        expect(properties.status).to.equal("UNKNOWN");
        // The engine runs an update for a resource with init errors, with unchanged inputs.
        const updated = await instance.update(err.id as string, properties, inputs);
        expect((updated.outs as Props).status).to.equal("IDLE");
        expect(requestsOf(ctx.em, "UpdateAgentInstance"), "nothing to change, nothing sent").to.have.length(0);
    });

    describe("Agent", () => {
        it("a name of 65 bytes fails check (UpdateAgent allows 64), naming the limit and why; 64 bytes pass", async () => {
            const failures = (await agent.check({}, resourceInputs(agentArgs({ name: "é".repeat(32) + "x" })))).failures!;
            // A top-level property is named in the reason only: the engine prints inputs[property].
            expect(failures.map((f) => f.property)).to.deep.equal([""]);
            expect(must(failures[0], "failures[0]").reason)
                .to.match(/^name\b/)
                .and.contain("0 to 64 bytes")
                .and.contain("UpdateAgent")
                .and.contain("every later update would then fail");
            expect((await agent.check({}, resourceInputs(agentArgs({ name: "é".repeat(32) })))).failures).to.deep.equal([]);
        });

        for (const key of ["llm", "tts"]) {
            it(`removing ${key} is refused by diff and by update (ZEGO keeps it), saying what to do; nothing sent`, async () => {
                const created = await agent.create(resourceInputs(agentArgs()));
                const before = ctx.em.requests().length;
                const news = resourceInputs(agentArgs({ [key]: undefined }));
                const refusal = await rejectionOf(agent.diff(created.id, created.outs as Props, news));
                expect(refusal.message).to.contain(`${key} cannot be removed`).and.contain("UpdateAgent keeps").and.contain("new agentId");
                const updateRefusal = await rejectionOf(agent.update(created.id, created.outs as Props, news));
                expect(updateRefusal.message).to.equal(refusal.message);
                expect(ctx.em.requests().length).to.equal(before);
            });
        }

        it("a change of zego:appId is refused (like instances); a new endpoint replaces, deleting first", async () => {
            const created = await agent.create(resourceInputs(agentArgs()));
            const inputs = resourceInputs(agentArgs());
            ctx.configureStack({ "zego:appId": "987654321" });
            const refusal = await rejectionOf(agent.diff(created.id, created.outs as Props, inputs));
            expect(refusal.message).to.contain(`lives in ZEGO app ${APP_ID}`).and.contain("not supported");
            ctx.configureStack({ "zego:endpoint": "http://127.0.0.1:9" });
            expect(await agent.diff(created.id, created.outs as Props, inputs)).to.deep.equal({
                changes: true,
                replaces: ["endpoint"],
                deleteBeforeReplace: true,
                diffs: ["endpoint"],
            });
        });
    });

    it("an instance moves to a new endpoint end to end: created there, deleted from the old one", async () => {
        const other = await startEmulator({ appId: APP_ID, serverSecret: SERVER_SECRET, rateLimitPerSecond: 0 });
        try {
            const inputs = resourceInputs(instanceArgs());
            const created = await instance.create(inputs);
            ctx.configureStack({}, other.url);
            const diff = await instance.diff(created.id, created.outs as Props, inputs);
            expect(diff.replaces).to.deep.equal(["endpoint"]);
            const client = directClient(other);
            await client.registerAgent({ agentId: AGENT_ID });
            client.close();
            const moved = await instance.create(inputs);
            await instance.delete(created.id, created.outs as Props);
            expect(other.liveInstances().map((i) => i.agentInstanceId)).to.deep.equal([moved.id]);
            expect(ctx.em.instance(created.id)!.state).to.equal("deleted");
            expect(await instance.diff(moved.id, moved.outs as Props, inputs)).to.deep.equal({ changes: false });
        } finally {
            await other.close();
        }
    });

    it("credentials the service refuses (a rotated secret): refresh and destroy say that they use the last up's config and what works", async () => {
        const created = await instance.create(resourceInputs(instanceArgs()));
        ctx.configureStack({ "zego:serverSecret": "ffffffffffffffffffffffffffffffff" });
        for (const call of [
            () => instance.read(created.id, created.outs as Props),
            () => instance.delete(created.id, created.outs as Props),
        ]) {
            const err = await rejectionOf(call());
            expect(err.message)
                .to.contain("100000005")
                .and.contain("stack config of the last `pulumi up`")
                .and.contain("run `pulumi up` first")
                .and.contain("pulumi destroy --run-program")
                .and.not.contain("ffffffffffffffffffffffffffffffff");
        }
        expect(ctx.em.instance(created.id)!.state).to.equal("live");
    });

    it("an instance given tts where it had none previews a replacement (TTS.Vendor cannot be updated); a wholly unknown tts too", async () => {
        const created = await instance.create(resourceInputs(instanceArgs({ tts: undefined })));
        const withTts = resourceInputs(instanceArgs({ tts: { vendor: "ByteDanceV3", params: { app: { appid: "a", token: "t" } } } }));
        expect((await instance.diff(created.id, created.outs as Props, withTts)).replaces).to.deep.equal(["tts"]);
        const inputs = resourceInputs(instanceArgs({ userId: "user_2" }));
        const withOwn = await instance.create(inputs);
        expect((await instance.diff(withOwn.id, withOwn.outs as Props, { ...inputs, tts: UNKNOWN })).replaces).to.deep.equal(["tts"]);
    });
});
