import { expect } from "chai";
import { providers } from "../../../provider/runtime";
import { splitSecrets } from "../../../provider/schema/secrets";
import { UNKNOWN } from "../../../provider/schema/unknown";
import { applyPatch } from "../../fixtures/badInputs";
import { validInstanceArgs } from "../../harness/fixtures";

function asProps(args: Record<string, unknown>): Record<string, unknown> {
    const { publicArgs, secrets } = splitSecrets(args);
    return { ...publicArgs, secrets };
}

/** State as create writes it: inputs echoed plus computed outputs (and an old __provider). */
function stateOf(args: Record<string, unknown>): Record<string, unknown> {
    return {
        ...asProps(args),
        agentInstanceId: "1900000000000000001",
        status: "IDLE",
        appId: 1234567890,
        endpoint: "http://127.0.0.1:1",
        deletion: { gracefulShutdown: true, gracefulShutdownTimeout: 30, waitForDeletion: true },
        stateVersion: 1,
        __provider: "exports.handler = /* code of some older version */ () => ({})",
    };
}

describe("AgentInstance diff", () => {
    const diff = (patch: Record<string, unknown>) => {
        const base = validInstanceArgs();
        const news = asProps(applyPatch(base, patch));
        news.__provider = "exports.handler = /* a newer version */ () => ({})";
        return providers.AgentInstance.diff("1900000000000000001", stateOf(base), news);
    };

    it("reports no changes for unchanged inputs, whatever the provider code", async () => {
        expect(await diff({})).to.deep.equal({ changes: false });
    });

    const cases: [string, Record<string, unknown>, "update" | "replace", boolean?][] = [
        ["llm.model", { llm: { model: "model-b" } }, "update"],
        ["llm.apiKey (a secret)", { llm: { apiKey: "sk-rotated" } }, "update"],
        ["asr.params", { asr: { params: { hotwords: "pulumi" } } }, "update"],
        ["tts.params (voice)", { tts: { params: { audio: { voice_type: "en_male" } } } }, "update"],
        ["tts.params.app (credentials)", { tts: { params: { app: { appid: "tts-app", token: "new" } } } }, "update"],
        ["rtc.userStreamId", { rtc: { userStreamId: "other_stream" } }, "update"],
        ["gracefulShutdownTimeout", { gracefulShutdownTimeout: 60 }, "update"],
        ["waitForDeletion", { waitForDeletion: false }, "update"],
        ["adding vad", { vad: { turnDetectConfig: { silenceSegmentation: 600 } } }, "replace", true],
        ["agentId", { agentId: "other_agent" }, "replace", true],
        ["userId", { userId: "user_9" }, "replace", true],
        ["rtc.roomId (same agentUserId)", { rtc: { roomId: "room_9" } }, "replace", true],
        ["tts.vendor", { tts: { vendor: "MiniMax" } }, "replace", true],
        ["tts.terminatorText", { tts: { terminatorText: "#" } }, "replace", true],
        ["advancedConfig", { advancedConfig: { maxIdleTime: 300 } }, "replace", true],
        ["removing llm", { llm: undefined }, "replace", true],
    ];
    for (const [what, patch, kind, dbr] of cases) {
        it(`${what} → ${kind}`, async () => {
            const result = await diff(patch);
            expect(result.changes).to.equal(true);
            if (kind === "update") expect(result.replaces ?? []).to.deep.equal([]);
            else expect(result.replaces).to.not.be.empty;
            if (dbr !== undefined) expect(result.deleteBeforeReplace).to.equal(dbr);
        });
    }

    it("replaces without delete-first when the new instance uses new RTC identities", async () => {
        const result = await diff({ rtc: { roomId: "room_9", agentUserId: "agent_user_9", agentStreamId: "agent_stream_9" } });
        expect(result.replaces).to.deep.equal(["rtc"]);
        expect(result.deleteBeforeReplace).to.equal(false);
    });

    it("treats an unknown replace-only value as a replacement, and a wholly unknown llm too (it may resolve to none: a removal replaces)", async () => {
        expect((await diff({ agentId: UNKNOWN })).replaces).to.deep.equal(["agentId"]);
        const llm = await diff({ llm: UNKNOWN });
        expect(llm.changes).to.equal(true);
        expect(llm.replaces).to.deep.equal(["llm"]);
        // An unknown leaf of a known llm object can only be an update.
        const leaf = await diff({ llm: { model: UNKNOWN } });
        expect(leaf.replaces).to.deep.equal([]);
    });
});
