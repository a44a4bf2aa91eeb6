/**
 * The repository's sources and what each imports, for the architecture tests (tests/unit/architecture):
 * one parser for every form of import, so no test can be fooled by a form another one misses.
 */
import * as fs from "fs";
import * as path from "path";

export interface Source {
    /** Relative to the repository root, `/`-separated. */
    file: string;
    text: string;
}

/** Dependencies, build output and engine state: not our sources. */
const SKIPPED = new Set(["node_modules", "dist", "coverage"]);

/** Every source file (TypeScript and JavaScript) below `dir` of the repository at `root`, dependencies, build output and dot-folders aside. */
export function sources(root: string, dir = ""): Source[] {
    return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e): Source[] => {
        const file = dir === "" ? e.name : `${dir}/${e.name}`;
        if (e.isDirectory()) return SKIPPED.has(e.name) || e.name.startsWith(".") ? [] : sources(root, file);
        if (!/\.(ts|js|cjs|mjs)$/.test(e.name) || e.name.endsWith(".d.ts")) return [];
        return [{ file, text: fs.readFileSync(path.join(root, file), "utf8") }];
    });
}

/**
 * The specifiers a source imports: of `import`/`export … from`, `import "…"`, `import("…")` and
 * `require("…")` (a template literal without substitutions too). Type-only imports count: they are
 * where a value import creeps in next. A statement may span lines, hold a comment with a `;` in its
 * braces, and follow a block comment on its line.
 */
export function importSpecifiers(text: string): string[] {
    const lineStart = String.raw`(?:^|\n)\s*(?:/\*[^\n]*?\*/\s*)*`;
    const patterns = [
        new RegExp(String.raw`${lineStart}(?:import|export)\b(?:[^;{]|\{[^}]*\})*?\bfrom\s+["']([^"']+)["']`, "g"),
        new RegExp(String.raw`${lineStart}import\s+["']([^"']+)["']`, "g"),
        /\b(?:require|import)\(\s*(?:["']([^"']+)["']|`([^`$]+)`)\s*\)/g,
    ];
    return patterns.flatMap((re) => [...text.matchAll(re)].map((m) => (m[1] ?? m[2])!));
}

/** The repository paths a source imports (its relative specifiers resolved against its folder, without an extension). */
export function importedPaths({ file, text }: Source): string[] {
    return importSpecifiers(text)
        .filter((spec) => spec.startsWith("."))
        .map((spec) => path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)));
}

/** The TypeScript files a TypeScript file of the repository imports (`x.ts` or `x/index.ts`), relative to `root`. */
export function importedFiles(root: string, file: string): string[] {
    const text = fs.readFileSync(path.join(root, file), "utf8");
    return importedPaths({ file, text }).flatMap((p) => {
        const target = [`${p}.ts`, `${p}/index.ts`].find((f) => fs.existsSync(path.join(root, f)));
        return target === undefined ? [] : [target];
    });
}
