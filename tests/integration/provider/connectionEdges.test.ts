/**
 * Edges of a resource's own `connection` (issue 29) found by review: through the lifecycle over real
 * HTTP to the emulator.
 */
import { expect } from "chai";
import { LifecycleProvider, Props } from "../../../provider/lifecycle/provider";
import { validInstanceArgs } from "../../harness/fixtures";
import { APP_ID, SERVER_SECRET, useProviderEnvironment } from "./helpers";

describe("lifecycle: a resource's own connection, edges", function () {
    this.timeout(30000);
    const t = useProviderEnvironment();
    const connection = () => ({ appId: APP_ID, serverSecret: SERVER_SECRET, endpoint: t.endpoint });

    /** What `pulumi up` does with `news`: diff, then update when there are changes. Its refusal, or the state it leaves. */
    async function up(p: LifecycleProvider, id: string, outs: Props, news: Props): Promise<{ refusal?: Error; outs: Props }> {
        try {
            const diff = await p.diff(id, outs, news);
            if (!diff.changes) return { outs };
            expect(diff.replaces ?? [], "a replace would create anew").to.deep.equal([]);
            return { outs: (await p.update(id, outs, news)).outs! };
        } catch (e) {
            return { refusal: e as Error, outs };
        }
    }

    it("removing the connection while no stack credentials are configured is refused at diff, naming the connection (never the secret); the state keeps it, so destroy still deletes", async () => {
        // Only resources with their own connection: no zego:appId / zego:serverSecret anywhere.
        const p = t.providers.Agent;
        const { id, outs } = await p.create({ agentId: "own_agent", name: "Own", connection: connection() });
        const after = await up(p, id, outs!, { agentId: "own_agent", name: "Own" });
        // Before the fix: the update succeeded (state only), and the delete then failed, "ZEGO credentials are missing".
        expect(after.refusal, "refused").to.not.equal(undefined);
        expect(after.refusal!.message).to.contain("`connection`").and.contain("zego:appId").and.not.contain(SERVER_SECRET);
        await p.delete(id, outs!);
        expect(t.em.agents()).to.deep.equal([]);
    });

    it("docs: a new serverSecret only updates the state (no API call), and the next calls use it", async () => {
        const p = t.providers.Agent;
        const { id, outs } = await p.create({ agentId: "own_agent", name: "Own", connection: connection() });
        const before = t.sent.length;
        const rotated = { ...connection(), serverSecret: "ffffffffffffffffffffffffffffffff" };
        const after = await up(p, id, outs!, { agentId: "own_agent", name: "Own", connection: rotated });
        expect(after.refusal).to.equal(undefined);
        expect(t.sent.length, "no API call").to.equal(before);
        // The emulator knows only the old secret: a refresh with the new one is refused, so it was the one used.
        let refused = "";
        await p.read(id, after.outs).catch((e: Error) => (refused = e.message));
        expect(refused).to.contain("connection");
        await p.delete(id, outs!);
    });

    it("docs: with a connection, the deletion settings still come from stack config", async () => {
        // The stack's app, secret and endpoint are elsewhere (a closed port): only its deletion settings may be used.
        t.configureStack(
            { "zego:appId": "987654321", "zego:serverSecret": "x".repeat(32), "zego:gracefulShutdownTimeout": "7" },
            "http://127.0.0.1:1",
        );
        const agent = await t.providers.Agent.create({ agentId: "own_agent", connection: connection() });
        const { gracefulShutdownTimeout: _own, ...args } = validInstanceArgs("1");
        const { id, outs } = await t.providers.AgentInstance.create({ ...args, agentId: "own_agent", connection: connection() });
        expect(outs!.deletion).to.include({ gracefulShutdownTimeout: 7 });
        expect(outs!.appId).to.equal(APP_ID);
        await t.providers.AgentInstance.delete(id, outs!);
        expect(t.em.liveInstances()).to.deep.equal([]);
        await t.providers.Agent.delete(agent.id, agent.outs!);
    });
});
