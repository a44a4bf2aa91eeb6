/**
 * A resource's own `connection` (another ZEGO app than the stack config's, issue 29): through the
 * lifecycle over real HTTP to the emulator, with the stack's own settings pointing elsewhere.
 */
import { expect } from "chai";
import { UNKNOWN } from "../../../provider/schema/unknown";
import { LifecycleProvider, Props } from "../../../provider/lifecycle/provider";
import { APP_ID, SERVER_SECRET, useProviderEnvironment } from "./helpers";

const OTHER_APP = 987654321;
const WRONG_SECRET = "ffffffffffffffffffffffffffffffff";

/** create, with its outputs (create always returns them). */
async function created(p: LifecycleProvider, news: Props): Promise<{ id: string; outs: Props }> {
    const { id, outs } = await p.create(news);
    return { id, outs: outs! };
}

describe("lifecycle: a resource with its own connection", function () {
    this.timeout(30000);
    const t = useProviderEnvironment();
    const connection = () => ({ appId: APP_ID, serverSecret: SERVER_SECRET, endpoint: t.endpoint });
    /** The stack's settings name another app, secret and endpoint (a closed port): none of them may be used. */
    const otherStack = () => t.configureStack({ "zego:appId": String(OTHER_APP), "zego:serverSecret": WRONG_SECRET }, "http://127.0.0.1:1");

    it("is created, read, updated and deleted in its app, whatever the stack config says", async () => {
        otherStack();
        const p = t.providers.Agent;
        const news = { agentId: "own_agent", name: "Own", connection: connection() };
        expect((await p.check({}, news)).failures).to.deep.equal([]);
        const { id, outs } = await created(p, news);
        expect(outs).to.include({ appId: APP_ID, endpoint: t.endpoint });
        expect(outs.connection).to.deep.equal(connection());
        expect(t.em.agents().map((a) => a.AgentId)).to.deep.equal(["own_agent"]);

        expect((await p.read(id, outs)).props).to.include({ appId: APP_ID });
        const renamed = { ...news, name: "Renamed" };
        expect(await p.diff(id, outs, renamed))
            .to.include({ changes: true })
            .and.deep.include({ replaces: [] });
        const updated = (await p.update(id, outs, renamed)).outs!;
        expect(t.em.agents()[0]?.Name).to.equal("Renamed");

        t.settings.reset(); // nothing configured at all: state carries what delete needs
        await p.delete(id, updated);
        expect(t.em.agents()).to.deep.equal([]);
    });

    it("diff: a new serverSecret updates the state only; another app, endpoint or a value not known yet replaces; leaving for the stack's app replaces (never the refusal)", async () => {
        t.configureStack();
        const p = t.providers.Agent;
        const news = { agentId: "own_agent", connection: connection() };
        const { id, outs } = await created(p, news);
        const diff = (c: unknown) => p.diff(id, outs, { ...news, connection: c });

        const rotated = await diff({ ...connection(), serverSecret: WRONG_SECRET });
        expect(rotated).to.deep.include({ changes: true, replaces: [], diffs: ["connection"] });
        for (const moved of [
            { ...connection(), appId: OTHER_APP },
            { ...connection(), endpoint: "https://aigc-aiagent-api.zegotech.cn" },
            { ...connection(), appId: UNKNOWN },
        ]) {
            expect((await diff(moved)).replaces, JSON.stringify(moved)).to.deep.equal(["connection"]);
        }
        expect(await diff(connection()), "unchanged").to.deep.equal({ changes: false });
        // The stack config's app is this one: dropping the connection changes where the credentials come from, nothing else.
        expect((await p.diff(id, outs, { agentId: "own_agent" })).replaces).to.deep.equal([]);
        otherStack();
        expect((await p.diff(id, outs, { agentId: "own_agent" })).replaces).to.deep.equal(["connection"]);
        await p.delete(id, outs);
    });

    it("a resource in the stack's app can stay there while the stack moves to another app, by giving it that app's connection", async () => {
        t.configureStack();
        const p = t.providers.Agent;
        const { id, outs } = await created(p, { agentId: "stack_agent" });
        otherStack();
        let refusal = "";
        await p.diff(id, outs, { agentId: "stack_agent" }).catch((e: Error) => (refusal = e.message));
        expect(refusal).to.contain("not supported").and.contain("give it a `connection`");
        expect(await p.diff(id, outs, { agentId: "stack_agent", connection: connection() })).to.deep.include({ replaces: [] });
        await p.delete(id, { ...outs, connection: connection() });
        expect(t.em.agents()).to.deep.equal([]);
    });

    it("a refused serverSecret says where it comes from (the resource's state) and how to fix it; the secret is never printed", async () => {
        t.configureStack();
        const p = t.providers.Agent;
        const { id, outs } = await created(p, { agentId: "own_agent", connection: connection() });
        let message = "";
        await p
            .read(id, { ...outs, connection: { ...connection(), serverSecret: WRONG_SECRET } })
            .catch((e: Error) => (message = e.message));
        expect(message).to.contain("connection").and.contain("pulumi up").and.not.contain("stack config of the last");
        expect(message).not.to.contain(WRONG_SECRET);
        await p.delete(id, outs);
    });

    it("check names each bad field of a connection, with what is allowed and what was given, never the secret", async () => {
        const failures = (await t.providers.AgentInstance.check({}, { connection: { appId: 0, endpoint: "ftp://x", serverSecret: 7 } }))
            .failures!.map((f) => f.reason)
            .filter((r) => r.startsWith("connection"));
        expect(failures).to.have.length(3);
        expect(failures.join("\n"))
            .to.contain("connection.appId must be an integer from 1 to 4294967295")
            .and.contain("connection.serverSecret must be a string")
            .and.contain("connection.endpoint must be an https:// URL");
        const missing = await t.providers.Agent.check({}, { agentId: "a", connection: { appId: APP_ID } });
        expect(missing.failures!.map((f) => f.reason)).to.deep.equal([
            "connection.serverSecret is required (a string (non-empty)); got nothing.",
        ]);
    });
});
