/**
 * No module of the product imports itself through others: in a cycle, whether a constant is
 * defined when another module reads it depends on which module is loaded first
 * (settings.ts and schema/resources.ts imported each other). Type-only imports count too: they
 * are where a value import creeps in next.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../../../scripts/pulumi-env";

const PRODUCT = ["provider", "emulator"];

function sources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const file = path.join(dir, e.name);
        if (e.isDirectory()) return sources(file);
        return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [file] : [];
    });
}

/** The product modules each module imports (relative specifiers of `import`/`export … from`). */
function importGraph(root: string): Map<string, string[]> {
    const graph = new Map<string, string[]>();
    const files = PRODUCT.flatMap((d) => sources(path.join(root, d)));
    for (const file of files) {
        const text = fs.readFileSync(file, "utf8");
        const targets: string[] = [];
        for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.[^"]+)"/g)) {
            const base = path.resolve(path.dirname(file), m[1]!);
            const target = [`${base}.ts`, path.join(base, "index.ts")].find((f) => fs.existsSync(f));
            if (target) targets.push(target);
        }
        graph.set(file, targets);
    }
    return graph;
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
            cycles.push([...stack.slice(at), file].map((f) => path.relative(root, f)));
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
