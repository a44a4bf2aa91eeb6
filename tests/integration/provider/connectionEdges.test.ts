/**
 * Edges of a resource's own `connection` (issue 29) found by review: through the lifecycle over real
 * HTTP to the emulator.
 */
import { expect } from "chai";
import { LifecycleProvider, Props } from "../../../provider/lifecycle/provider";
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

    it("removing the connection while the stack config names no app is refused, or leaves a state that destroy can still delete (never drops the only credentials)", async () => {
        // Only resources with their own connection: no zego:appId / zego:serverSecret anywhere.
        const p = t.providers.Agent;
        const { id, outs } = await p.create({ agentId: "own_agent", name: "Own", connection: connection() });
        const after = await up(p, id, outs!, { agentId: "own_agent", name: "Own" });
        if (after.refusal) {
            expect(after.refusal.message).to.contain("connection").and.not.contain(SERVER_SECRET);
        } else {
            expect(after.outs.appId).to.equal(APP_ID);
        }
        // Before the fix: the update succeeded (state only) and this failed, "ZEGO credentials are missing".
        await p.delete(id, after.outs);
        expect(t.em.agents()).to.deep.equal([]);
    });
});
