/**
 * No module of the product imports itself through others: in a cycle, whether a constant is
 * defined when another module reads it depends on which module is loaded first
 * (settings.ts and schema/resources.ts imported each other). Type-only imports count too: they
 * are where a value import creeps in next.
 */
import { expect } from "chai";
import { repoRoot } from "../../../scripts/pulumi-env";
import { importedFiles, sources } from "../../harness/imports";

const PRODUCT = ["provider", "emulator"];

/** The product modules each module imports. */
function importGraph(root: string): Map<string, string[]> {
    const files = PRODUCT.flatMap((d) => sources(root, d)).filter((s) => s.file.endsWith(".ts"));
    return new Map(files.map((s) => [s.file, importedFiles(root, s.file)]));
}

/** Each cycle once, as the chain of files from its first module back to it. */
function importCycles(root: string): string[][] {
    const graph = importGraph(root);
    const cycles: string[][] = [];
    const done = new Set<string>();
    const stack: string[] = [];
    const visit = (file: string) => {
        const at = stack.indexOf(file);
        if (at >= 0) {
            cycles.push([...stack.slice(at), file]);
            return;
        }
        if (done.has(file)) return;
        stack.push(file);
        for (const next of graph.get(file) ?? []) visit(next);
        stack.pop();
        done.add(file);
    };
    for (const file of graph.keys()) visit(file);
    return cycles;
}

describe("the product's modules", () => {
    it("import no module that imports them back (no import cycle)", () => {
        expect(importCycles(repoRoot()).map((c) => c.join(" -> "))).to.deep.equal([]);
    });
});
