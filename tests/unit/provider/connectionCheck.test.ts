/**
 * `connection` holds a serverSecret: a value given in its place with the wrong type (the secret
 * itself, `connection: cfg.requireSecret("secretB")`) must not be printed by check, which the engine
 * shows as given, in plaintext.
 */
import { expect } from "chai";
import { createLifecycleContext } from "../../../provider/lifecycle/context";
import { lifecycleProviders } from "../../../provider/lifecycle/providers";
import { Settings } from "../../../provider/lifecycle/settings";

const SECRET = "0123456789abcdef0123456789abcdef";

describe("check: a connection of the wrong type", () => {
    const providers = lifecycleProviders(createLifecycleContext({ settings: new Settings({}), log: () => undefined }));

    it("a string where the connection object belongs (the secret itself) fails naming connection, without printing it", async () => {
        for (const kind of ["Agent", "AgentInstance"] as const) {
            const { failures = [] } = await providers[kind].check({}, { agentId: "a", connection: SECRET });
            const reasons = failures.map((f) => f.reason).filter((r) => r.startsWith("connection"));
            expect(reasons, kind).to.have.length(1);
            expect(reasons[0]).to.contain("connection must be an object");
            expect(JSON.stringify(failures), kind).not.to.contain(SECRET);
        }
    });
});
