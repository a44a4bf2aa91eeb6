/**
 * The docs as an oracle for the field table: every request and response example ZEGO's docs give
 * (tests/fixtures/docs, extracted from the docs by scripts/extract-doc-examples.ts) must be
 * accepted by validation, and the camelCase equivalent must map back to the very same wire body.
 * A misreading of the docs in provider/schema/api.ts fails here rather than in every layer at once.
 */
import { expect } from "chai";
import { ACTION_NAMES, ACTIONS, ActionName, LLM, TTS, ASR } from "../../../provider/schema/api";
import { validate } from "../../../provider/schema/validate";
import { fromWire, toWire } from "../../../provider/schema/wire";
import { docActionExamples, docSnippets } from "../../fixtures/docs";

const examples = docActionExamples();

describe("docs oracle: the docs' own examples", () => {
    it("there is one example per action the client speaks, and no other", () => {
        expect(examples.map((e) => e.action).sort()).to.deep.equal([...ACTION_NAMES].sort());
    });

    for (const example of examples) {
        const spec = ACTIONS[example.action as ActionName];
        describe(`${example.action} (${example.source.path})`, () => {
            it("validation accepts the request example, every field of it known", () => {
                expect(validate(spec.request, example.request, { naming: "wire", rejectUnknownFields: true })).to.deep.equal([]);
            });

            it("toWire of its camelCase equivalent is the same body, and the client's check accepts that", () => {
                const camel = fromWire(spec.request, example.request) as Record<string, unknown>;
                expect(toWire(spec.request, camel)).to.deep.equal(example.request);
                expect(validate(spec.request, camel, { naming: "camel", rejectUnknownFields: true })).to.deep.equal([]);
            });

            it("the response example's Data maps to camelCase and back unchanged", () => {
                expect(example.response, "a response example").to.not.equal(undefined);
                expect(example.response!.Code).to.equal(0);
                const data = example.response!.Data;
                if (data === undefined) {
                    // Actions answering no Data: our response spec must declare no field either.
                    expect(Object.keys(spec.response.fields)).to.deep.equal([]);
                    return;
                }
                expect(toWire(spec.response, fromWire(spec.response, data))).to.deep.equal(data);
            });
        });
    }
});

describe("docs oracle: vendor objects in the guides' examples", () => {
    const objects = { LLM, TTS, ASR };
    const cases = docSnippets().flatMap((snippet) =>
        (Object.keys(objects) as (keyof typeof objects)[])
            .filter((key) => snippet.body[key] !== undefined)
            .map((key) => ({ key, value: snippet.body[key], source: snippet.source })),
    );

    it("the guides give TTS examples with the names ZEGO's own examples use (ByteDance, Minimax)", () => {
        const vendors = cases.filter((c) => c.key === "TTS").map((c) => (c.value as { Vendor: string }).Vendor);
        expect(vendors).to.include("Minimax");
        const register = examples.find((e) => e.action === "RegisterAgent")!;
        expect((register.request.TTS as { Vendor: string }).Vendor).to.equal("ByteDance");
    });

    for (const c of cases) {
        it(`${c.key} of ${c.source.path} block ${c.source.block} (${String((c.value as { Vendor?: unknown }).Vendor)}) is accepted`, () => {
            expect(validate(objects[c.key], c.value, { naming: "wire", path: c.key })).to.deep.equal([]);
        });
    }
});
