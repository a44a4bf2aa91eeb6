/**
 * The walk of one argument, `gracefulShutdownTimeout`, from the resource to the body of
 * DeleteAgentInstance, as docs/design.md tells it: at most six files, each handing it on to a later
 * one and never importing an earlier one (the walk goes one way: resource → provider entry →
 * delete → settings → client → HTTP). The field table (schema/api.ts, schema/resources.ts) declares
 * it and the wire walker (schema/wire.ts) renames it; those are looked up, not walked through.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../../../scripts/pulumi-env";
import { importedFiles } from "../../harness/imports";

/** In order; `has` is what the file does with the value, found in its text. */
const WALK: { file: string; has: RegExp; does: string }[] = [
    {
        file: "provider/resources/agentInstance.ts",
        has: /export type DeletionArgs\b/,
        does: "declares the argument (typed from DELETION_FIELDS)",
    },
    {
        file: "provider/runtime.ts",
        has: /delete: \(id, props\) => impl\.delete\(id, props\)/,
        does: "the engine's Delete reaches the lifecycle",
    },
    {
        file: "provider/lifecycle/deletion.ts",
        has: /settings\.deletionPlan\(ownDeletionSettings\(state\)\)/,
        does: "reads it from state, builds the request",
    },
    {
        file: "provider/lifecycle/settings.ts",
        has: /deletionPlan\(own: OwnDeletionSettings\)/,
        does: "environment over the resource over stack config",
    },
    {
        file: "provider/client/client.ts",
        has: /objectToWire\(spec\.request, body\)/,
        does: "validates it against the field table, renames it",
    },
    { file: "provider/client/transport.ts", has: /JSON\.stringify\(/, does: "the signed POST body" },
];

/** Every product file `file` imports, directly or through others. */
function reach(root: string, file: string): Set<string> {
    const seen = new Set<string>();
    const visit = (f: string) => {
        for (const next of importedFiles(root, f)) {
            if (seen.has(next)) continue;
            seen.add(next);
            visit(next);
        }
    };
    visit(file);
    return seen;
}

describe("the walk of gracefulShutdownTimeout from the resource argument to the HTTP body", () => {
    const root = repoRoot();

    it("crosses at most six files, each doing its part", () => {
        expect(WALK.length).to.be.at.most(6);
        for (const step of WALK) {
            const text = fs.readFileSync(path.join(root, step.file), "utf8");
            expect(text, `${step.file} ${step.does}`).to.match(step.has);
        }
    });

    it("goes one way: no file of the walk imports one before it, even through others", () => {
        const backwards: string[] = [];
        WALK.forEach((step, i) => {
            const reached = reach(root, step.file);
            for (const earlier of WALK.slice(0, i)) if (reached.has(earlier.file)) backwards.push(`${step.file} -> ${earlier.file}`);
        });
        expect(backwards).to.deep.equal([]);
    });

    it("is the walk docs/design.md describes", () => {
        const design = fs.readFileSync(path.join(root, "docs/design.md"), "utf8");
        const section = design.slice(design.indexOf("## Following one argument"));
        const named = [...section.matchAll(/\|\s*\d\s*\|\s*\[`([^`]+)`\]/g)].map((m) => m[1]);
        expect(named).to.deep.equal(WALK.map((s) => s.file));
    });
});
