/**
 * The emulator answers every request example of ZEGO's docs (tests/fixtures/docs, extracted from
 * the docs), with Code 0 and a Data of the documented shape: the same keys as the docs' response
 * example, and a DigitalHumanConfig that decodes to the same structure as the docs' one.
 */
import { expect } from "chai";
import { docActionExamples } from "../../fixtures/docs";
import { registerAgent, useEmulator, zego } from "./helpers";

type Json = Record<string, unknown>;

/** The structure of a value: object keys (sorted) and array item shapes, leaves as their JSON type. */
function shape(value: unknown): unknown {
    if (Array.isArray(value)) return value.length > 0 ? [shape(value[0])] : [];
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.keys(value)
                .sort()
                .map((k) => [k, shape((value as Json)[k])]),
        );
    }
    return typeof value;
}

const decode = (config: string): unknown => JSON.parse(Buffer.from(config, "base64").toString("utf8"));

describe("emulator: the docs' request examples", () => {
    const ctx = useEmulator();

    for (const example of docActionExamples()) {
        it(`${example.action} (${example.source.path}) → Code 0, Data shaped as documented`, async () => {
            // The state the example presumes: its agents registered (configuration-free, so that no
            // fixed TTS field conflicts with UpdateAgentInstance's example), and an instance to act on.
            if (example.action !== "RegisterAgent")
                for (const id of ["Jacky", "Oliver"]) await registerAgent(ctx.url, id, { LLM: undefined, TTS: undefined, Name: undefined });
            const body: Json = { ...example.request };
            if ("AgentInstanceId" in body) {
                const created = await zego(ctx.url, "CreateAgentInstance", {
                    AgentId: "Jacky",
                    UserId: "user_9",
                    RTC: { RoomId: "room_9", AgentStreamId: "agent_stream_9", AgentUserId: "agent_user_9", UserStreamId: "user_stream_9" },
                    // Walkie-talkie, for the Start/StopListening examples.
                    AdvancedConfig: { CommunicationMode: 2 },
                });
                body.AgentInstanceId = created.data.AgentInstanceId;
            }

            const r = await zego(ctx.url, example.action, body);
            expect(r.code, r.text).to.equal(0);
            const documented = example.response!.Data;
            if (documented === undefined) return expect(r.data ?? {}).to.deep.equal({});
            expect(Object.keys(r.data).sort()).to.deep.equal(Object.keys(documented).sort());
            for (const key of ["Status", "Round", "Total", "AgentInstanceId"]) {
                if (key in documented) expect(typeof r.data[key], key).to.equal(typeof documented[key]);
            }
            if (typeof documented.DigitalHumanConfig === "string") {
                expect(shape(decode(r.data.DigitalHumanConfig))).to.deep.equal(shape(decode(documented.DigitalHumanConfig)));
            }
        });
    }
});
