/**
 * The serialized provider exactly as the dynamic provider host handles it: serializeFunction
 * (what `pulumi.dynamic.Resource` stores as `__provider`), then require-from-string + handler()
 * (what the host does), then calls on the revived provider.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { shimFor } from "../../../provider/resources/inputs";
import { ResourceKind } from "../../../provider/schema/resources";
import { LLM_API_KEY } from "../../fixtures/args";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString: (code: string) => { handler: () => pulumi.dynamic.ResourceProvider } = require("require-from-string");

const KINDS: ResourceKind[] = ["AgentInstance", "DigitalHumanAgentInstance", "LiveDigitalHumanAgentInstance", "Agent"];
const SERVER_SECRET = "0123456789abcdef0123456789abcdef";

describe("serialized provider (__provider)", () => {
    let saved: NodeJS.ProcessEnv;
    beforeEach(() => {
        saved = { ...process.env };
        // Credentials present in the program's environment must not be captured.
        process.env.ZEGO_SERVER_SECRET = SERVER_SECRET;
        process.env.ZEGO_APP_ID = "1234567890";
    });
    afterEach(() => {
        process.env = saved;
    });

    for (const kind of KINDS) {
        it(`${kind}: is small, captures no secret, and revives into a working provider`, async () => {
            const provider = shimFor(kind);
            const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
            expect(serialized.text.length, "size in bytes").to.be.below(4096);
            expect(serialized.containsSecrets).to.equal(false);
            expect(serialized.text).to.not.contain(SERVER_SECRET);
            expect(serialized.text).to.not.contain(LLM_API_KEY);
            expect(serialized.text).to.contain('require("pulumi-zego-aiagent/runtime")');

            const revived = requireFromString(serialized.text).handler();
            await revived.configure!({ config: { get: () => undefined, require: () => "" } as pulumi.dynamic.Config });
            const check = await revived.check!({}, { agentId: "bad agent id" });
            expect(check.failures!.map((f) => f.property)).to.include("agentId");
        });
    }

    it("is identical for every resource of a kind and stable across serializations", async () => {
        expect(shimFor("AgentInstance")).to.equal(shimFor("AgentInstance"));
        const serialize = (kind: ResourceKind) => {
            const provider = shimFor(kind);
            return pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
        };
        const [a, b] = [await serialize("AgentInstance"), await serialize("AgentInstance")];
        expect(a.text).to.equal(b.text);
    });
});
