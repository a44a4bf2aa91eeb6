/**
 * The plugin's gRPC server only translates (issue "one model"): the lifecycle rules (preview outputs,
 * `pulumi import`, state moved from the dynamic resources, the connection refusal) live in
 * provider/lifecycle, reached through the LifecycleProvider interface, and settings are read through
 * the lifecycle context, not picked out of `defaultContext.settings` by the adapter.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../../../scripts/pulumi-env";
import { importSpecifiers } from "../../harness/imports";

function source(file: string): string {
    return fs.readFileSync(path.join(repoRoot(), file), "utf8");
}

describe("the plugin adapter (plugin/server.ts)", () => {
    it("plugin/server.ts imports no lifecycle rule module (agent, agentInstance, state, diff) nor the state-shape constants, and reads no setting itself", () => {
        const text = source("provider/plugin/server.ts");
        const rules = ["../lifecycle/agent", "../lifecycle/agentInstance", "../lifecycle/state", "../lifecycle/diff", "../schema/unknown"];
        expect(importSpecifiers(text).filter((m) => rules.includes(m))).to.deep.equal([]);
        for (const name of ["OUTPUT_KEYS", "PROVIDER_PROPERTY", "SECRETS_PROPERTY", "CONNECTION_KEY", "stateVersion", ".settings."])
            expect(text, name).to.not.contain(name);
    });
});
