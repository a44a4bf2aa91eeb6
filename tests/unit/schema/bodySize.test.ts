/**
 * ZEGO's 1 MiB request body limit (provider/schema/bodySize.ts): counted on the PascalCase wire JSON
 * in UTF-8 bytes, refused by `check` (preview) naming the largest fields, never showing a value.
 */
import { expect } from "chai";
import { bodySizeFailures, jsonBytes, MAX_REQUEST_BODY_BYTES } from "../../../provider/schema/bodySize";
import { checkArgs } from "../../../provider/schema/resources";
import { objectToWire } from "../../../provider/schema/wire";
import { ACTIONS } from "../../../provider/schema/api";
import { UNKNOWN } from "../../../provider/schema/unknown";
import { validInstanceArgs } from "../../harness/fixtures";

/** 1.1 MB, as in the issue. */
const MB_1_1 = Math.floor(1.1 * MAX_REQUEST_BODY_BYTES);

function withLlm(patch: Record<string, unknown>): Record<string, unknown> {
    const args = validInstanceArgs();
    return { ...args, llm: { ...(args.llm as object), ...patch } };
}

/** The CreateAgentInstance wire body's size, as the client sends it. */
const wireBytes = (args: Record<string, unknown>) => jsonBytes(objectToWire(ACTIONS.CreateAgentInstance.request, args));

function sizeFailure(kind: Parameters<typeof checkArgs>[0], args: Record<string, unknown>) {
    return checkArgs(kind, args).filter((f) => f.reason.includes("1048576 bytes (1 MiB)"));
}

describe("request body limit (1 MiB, ZEGO 100000012)", () => {
    it("the limit is 1 MiB = 1048576 bytes", () => {
        expect(MAX_REQUEST_BODY_BYTES).to.equal(1048576);
    });

    it("a 1.1 MB llm.systemPrompt: check fails naming the field, its size, the body's size and the limit", () => {
        const args = withLlm({ systemPrompt: "p".repeat(MB_1_1) });
        const failures = sizeFailure("AgentInstance", args);
        expect(failures).to.have.length(1);
        const { property, reason } = failures[0]!;
        expect(property).to.equal("llm.systemPrompt");
        // The string plus its two quotes, as JSON on the wire.
        expect(reason).to.match(new RegExp(`^llm\\.systemPrompt is ${MB_1_1 + 2} bytes`));
        expect(reason).to.contain(`the CreateAgentInstance request body ${wireBytes(args)} bytes`);
        expect(reason).to.contain("limit of 1048576 bytes (1 MiB)").and.to.contain("100000012");
        expect(reason.length, "the value is not shown").to.be.below(700);
    });

    it("a 1.1 MB llm.params: named as llm.params, the largest fields listed largest first", () => {
        const args = withLlm({ params: { history: "h".repeat(MB_1_1) } });
        const [failure, ...rest] = sizeFailure("AgentInstance", args);
        expect(rest).to.deep.equal([]);
        expect(failure!.property).to.equal("llm.params");
        expect(failure!.reason).to.match(/^llm\.params is \d+ bytes/);
        expect(failure!.reason).to.match(/Largest fields \(as JSON, UTF-8\): llm\.params \d+ bytes, \S+ \d+ bytes, \S+ \d+ bytes\./);
    });

    it("multi-byte unicode: a body of exactly 1048576 bytes passes, one byte more fails (bytes, not characters)", () => {
        const base = withLlm({ systemPrompt: "" });
        const room = MAX_REQUEST_BODY_BYTES - wireBytes(base);
        // "€" is 3 bytes in UTF-8 and one UTF-16 unit: a character count would be a third of the size.
        const euros = Math.floor(room / 3);
        const exact = withLlm({ systemPrompt: "€".repeat(euros) + "a".repeat(room - 3 * euros) });
        expect(wireBytes(exact)).to.equal(MAX_REQUEST_BODY_BYTES);
        expect(sizeFailure("AgentInstance", exact)).to.deep.equal([]);

        const over = withLlm({ systemPrompt: `${(exact.llm as { systemPrompt: string }).systemPrompt}b` });
        expect(wireBytes(over)).to.equal(MAX_REQUEST_BODY_BYTES + 1);
        const [failure] = sizeFailure("AgentInstance", over);
        expect(failure!.property).to.equal("llm.systemPrompt");
        expect(failure!.reason).to.contain(`request body ${MAX_REQUEST_BODY_BYTES + 1} bytes`);
    });

    it("a secret over the limit: its size is named, its value never", () => {
        const secret = `sk-SECRET-${"k".repeat(MB_1_1)}`;
        const failures = sizeFailure("AgentInstance", withLlm({ apiKey: secret }));
        expect(failures).to.have.length(1);
        expect(failures[0]!.property).to.equal("llm.apiKey");
        const text = JSON.stringify(failures);
        expect(text).to.not.contain("sk-SECRET");
        expect(text).to.not.contain("kkkkkkkk");
    });

    it("every resource kind counts the body its create sends (digital human, live digital human, Agent)", () => {
        const prompt = "p".repeat(MB_1_1);
        const dh = { ...withLlm({ systemPrompt: prompt }), digitalHuman: { digitalHumanId: "dh_1" } };
        expect(sizeFailure("DigitalHumanAgentInstance", dh)[0]!.reason).to.contain("CreateDigitalHumanAgentInstance request body");
        // A live digital human has no LLM: its TTS params are what is sent.
        const live = {
            agentId: "agent_1",
            digitalHuman: { digitalHumanId: "dh_1" },
            tts: { vendor: "ByteDanceV3", params: { text: prompt } },
        };
        const [liveFailure] = sizeFailure("LiveDigitalHumanAgentInstance", live);
        expect(liveFailure!.property).to.equal("tts.params");
        expect(liveFailure!.reason).to.contain("CreateLiveDigitalHumanAgentInstance request body");
        const agent = { agentId: "agent_1", llm: withLlm({ systemPrompt: prompt }).llm };
        const [failure] = sizeFailure("Agent", agent);
        expect(failure!.property).to.equal("llm.systemPrompt");
        expect(failure!.reason).to.contain("RegisterAgent request body");
    });

    it("provider-only settings and the whole body count as sent: wire names, no unknown keys", () => {
        const args = withLlm({ systemPrompt: "ok" });
        expect(bodySizeFailures("CreateAgentInstance", args)).to.deep.equal([]);
    });

    it("values not known yet (preview) are skipped: a too large known part still fails, an unknown one cannot", () => {
        expect(sizeFailure("AgentInstance", withLlm({ systemPrompt: UNKNOWN }))).to.deep.equal([]);
        const partly = { ...withLlm({ systemPrompt: "p".repeat(MB_1_1) }), userId: UNKNOWN };
        const [failure] = sizeFailure("AgentInstance", partly);
        expect(failure!.property).to.equal("llm.systemPrompt");
        expect(failure!.reason).to.contain("(not counting values not known yet)");
    });
});
