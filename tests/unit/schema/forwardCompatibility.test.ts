/**
 * Values ZEGO documents after a release (emulator/README.md, "Forward compatibility"): a value the
 * provider only passes through is open, so `AdvancedConfig.CommunicationMode` 1 (listen-only, docs_all
 * PR 1503) is accepted at preview and sent as given; what is not a mode at all is still refused.
 */
import { expect } from "chai";
import { ACTIONS } from "../../../provider/schema/api";
import { checkArgs } from "../../../provider/schema/resources";
import { validate } from "../../../provider/schema/validate";
import { toWire } from "../../../provider/schema/wire";

const args = (communicationMode: unknown) => ({
    agentId: "a",
    userId: "u",
    rtc: { roomId: "r", agentStreamId: "s", agentUserId: "au", userStreamId: "us" },
    advancedConfig: { communicationMode },
});

describe("forward compatibility: open enums", () => {
    it("CommunicationMode 1 (documented after this release) passes check and goes to the wire as given", () => {
        expect(checkArgs("AgentInstance", args(1))).to.deep.equal([]);
        expect(checkArgs("AgentInstance", args(7))).to.deep.equal([]);
        const wire = toWire(ACTIONS.CreateAgentInstance.request, args(1)) as { AdvancedConfig: unknown };
        expect(wire.AdvancedConfig).to.deep.equal({ CommunicationMode: 1 });
        expect(validate(ACTIONS.CreateAgentInstance.request, wire, { naming: "wire" })).to.deep.equal([]);
    });

    it("what is not a mode is refused, naming the field, the documented values and what was given", () => {
        for (const bad of [-1, 1.5, "1"]) {
            const [failure, ...rest] = checkArgs("AgentInstance", args(bad));
            expect(rest).to.deep.equal([]);
            expect(failure?.property).to.equal("advancedConfig.communicationMode");
            expect(failure?.reason)
                .to.contain("documented: 0, 2")
                .and.contain(typeof bad === "number" ? `got ${bad}` : "got ");
        }
    });

    it("a closed enum (a value the provider acts on) names the package version in its failure", () => {
        const [failure] = validate(
            ACTIONS.SendAgentInstanceTTS.request,
            { AgentInstanceId: "1", Text: "x", Priority: "Urgent" },
            { naming: "wire" },
        );
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { version } = require("../../../../package.json") as { version: string };
        expect(failure?.reason).to.contain(`pulumi-zego-aiagent ${version} knows only these`);
    });
});
