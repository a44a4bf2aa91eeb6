/**
 * The `__provider` text exactly as the dynamic provider host handles it: require-from-string +
 * handler() (what cmd/dynamic-provider does), then configure and calls on the revived provider.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { providerText } from "../../../provider/shim";
import { ResourceKind } from "../../../provider/schema/resources";
import { defaultContext } from "../../../provider/runtime";
import { isAbout } from "../../fixtures/badInputs";
type RequireFromString = (code: string, filename?: string) => { handler: () => pulumi.dynamic.ResourceProvider };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString: RequireFromString = require("require-from-string");

const KINDS: ResourceKind[] = ["AgentInstance", "DigitalHumanAgentInstance", "LiveDigitalHumanAgentInstance", "Agent"];

/**
 * Every text ever written to state by 0.2.0 on, byte for byte. These are a contract with stored
 * state: a change here means old state would run different code, so it must never be edited.
 */
const PINNED: Record<ResourceKind, string> = {
    AgentInstance: 'exports.handler=()=>require("pulumi-zego-aiagent/runtime").provider("AgentInstance")',
    DigitalHumanAgentInstance: 'exports.handler=()=>require("pulumi-zego-aiagent/runtime").provider("DigitalHumanAgentInstance")',
    LiveDigitalHumanAgentInstance: 'exports.handler=()=>require("pulumi-zego-aiagent/runtime").provider("LiveDigitalHumanAgentInstance")',
    Agent: 'exports.handler=()=>require("pulumi-zego-aiagent/runtime").provider("Agent")',
};

describe("serialized provider (__provider)", () => {
    afterEach(() => defaultContext.settings.reset());

    for (const kind of KINDS) {
        it(`${kind}: is the pinned text of at most 300 bytes, and revives into a working provider`, async () => {
            const text = providerText(kind);
            expect(text).to.equal(PINNED[kind]);
            expect(Buffer.byteLength(text), "size in bytes").to.be.at.most(300);

            const revived = requireFromString(text).handler();
            for (const method of ["configure", "check", "diff", "create", "read", "update", "delete"] as const)
                expect(revived[method], method).to.be.a("function");
            await revived.configure!({ config: { get: () => undefined, require: () => "" } as pulumi.dynamic.Config });
            const check = await revived.check!({}, { agentId: "bad agent id" });
            expect(check.failures!.some((f) => isAbout(f, "agentId"))).to.equal(true);
        });
    }

    it("configure hands the engine's config to the runtime (what credentials calls use)", async () => {
        const revived = requireFromString(providerText("AgentInstance")).handler();
        const values: Record<string, string> = { "zego:appId": "42", "zego:endpoint": "http://127.0.0.1:1" };
        await revived.configure!({ config: { get: (k: string) => values[k], require: (k: string) => values[k] } as pulumi.dynamic.Config });
        expect(
            defaultContext.settings.configuredTarget(),
            "the provider process's settings (the default lifecycle context)",
        ).to.deep.include({
            appId: 42,
            endpoint: "http://127.0.0.1:1",
        });
    });

    it("names the missing module when the package is not installed where the provider runs", () => {
        // A module evaluated outside any node_modules that has the package: require fails.
        const revived = requireFromString(providerText("Agent"), "/nonexistent/dir/provider.js");
        expect(() => revived.handler()).to.throw(/Cannot find module 'pulumi-zego-aiagent\/runtime'/);
    });

    it("an unknown kind fails with the known kinds named", () => {
        const revived = requireFromString(providerText("Nope" as ResourceKind));
        expect(() => revived.handler()).to.throw(
            /no resource kind "Nope" \(known: AgentInstance, DigitalHumanAgentInstance, LiveDigitalHumanAgentInstance, Agent\)/,
        );
    });
});
