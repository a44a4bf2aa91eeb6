/**
 * Extracts the request and response examples of ZEGO's AI Agent server API docs into
 * tests/fixtures/docs/ (data only: the oracle tests compare our field table against them).
 *
 *   npm run build && node dist/scripts/extract-doc-examples.js [path/to/docs_all bare repo]
 *
 * - `actions/<Action>.json`: from each api-reference YAML, the requestBody example and a response
 *   assembled from the response schema's `example` values ($refs resolved).
 * - `snippets.json`: the JSON code blocks of the guides, quick starts and best practices that
 *   carry a `Vendor` (TTS/ASR/LLM objects), `//` comments and trailing commas removed.
 * Each fixture names its source file and the mirror commit.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "./pulumi-env";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require("js-yaml") as { load(text: string): unknown };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const prettier = require("prettier") as {
    format(text: string, options: Record<string, unknown>): Promise<string>;
    resolveConfig(file: string): Promise<Record<string, unknown> | null>;
};

/** Written as the repository's formatter would (lint checks every file). */
async function writeJson(file: string, value: unknown): Promise<void> {
    const options = { ...(await prettier.resolveConfig(file)), filepath: file };
    fs.writeFileSync(file, await prettier.format(JSON.stringify(value), options));
}

const DEFAULT_MIRROR = "/work/.mirror/ZEGOCLOUD+docs_all/repo";
const ROOT = "core_products/aiagent/en/server";
type Json = Record<string, unknown>;

const mirror = process.argv[2] ?? DEFAULT_MIRROR;
const git = (...args: string[]) => execFileSync("git", ["-C", mirror, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
const commit = git("rev-parse", "HEAD").trim();
const show = (file: string) => git("show", `HEAD:${file}`);
const files = git("ls-tree", "-r", "--name-only", "HEAD", `${ROOT}/`).split("\n").filter(Boolean);

const asObj = (v: unknown): Json | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);

/** Resolve a `$ref` ("#/a/b" or "../file.yaml#/a/b") relative to the document it appears in. */
function resolve(node: Json, docFile: string, doc: Json): { node: Json; docFile: string; doc: Json } {
    let cur = { node, docFile, doc };
    while (typeof cur.node.$ref === "string") {
        const [file, pointer] = cur.node.$ref.split("#");
        const targetFile = file ? path.posix.normalize(path.posix.join(path.posix.dirname(cur.docFile), file)) : cur.docFile;
        const targetDoc = file ? (yaml.load(show(targetFile)) as Json) : cur.doc;
        let target: unknown = targetDoc;
        for (const part of (pointer ?? "").split("/").filter(Boolean)) target = asObj(target)?.[part];
        cur = { node: asObj(target) ?? {}, docFile: targetFile, doc: targetDoc };
    }
    return cur;
}

/** A value built from the schema's examples (the docs' response examples are spread over the properties). */
function exampleOf(schema: Json, docFile: string, doc: Json, depth = 0): unknown {
    const r = resolve(schema, docFile, doc);
    const s = r.node;
    if (s.example !== undefined) return s.example;
    if (depth > 8) return undefined;
    if (s.type === "array" && asObj(s.items)) {
        const item = exampleOf(s.items as Json, r.docFile, r.doc, depth + 1);
        return item === undefined ? undefined : [item];
    }
    const props = asObj(s.properties);
    if (!props) return undefined;
    const out: Json = {};
    for (const [key, prop] of Object.entries(props)) {
        const value = exampleOf(prop as Json, r.docFile, r.doc, depth + 1);
        if (value !== undefined) out[key] = value;
    }
    return Object.keys(out).length > 0 ? out : undefined;
}

function actionFixtures(): Json[] {
    const out: Json[] = [];
    for (const file of files.filter((f) => f.startsWith(`${ROOT}/api-reference/`) && f.endsWith(".yaml"))) {
        const doc = yaml.load(show(file)) as Json;
        const post = asObj(asObj(asObj(doc.paths)?.["/"])?.post);
        if (!post || typeof post.summary !== "string") continue;
        const content = asObj(asObj(asObj(post.requestBody)?.content)?.["application/json"]);
        const responseSchema = asObj(asObj(asObj(asObj(asObj(post.responses)?.["200"])?.content)?.["application/json"])?.schema);
        out.push({
            action: post.summary,
            source: { repository: "ZEGOCLOUD/docs_all", commit, path: file },
            request: content?.example ?? (content?.schema ? exampleOf(content.schema as Json, file, doc) : {}),
            response: responseSchema ? exampleOf(responseSchema, file, doc) : undefined,
        });
    }
    return out.sort((a, b) => String(a.action).localeCompare(String(b.action)));
}

/** JSON with `//` comments (outside strings) and trailing commas, as the guides write it. */
function looseJson(text: string): unknown {
    let out = "";
    let inString = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (inString) {
            out += c;
            if (c === "\\") out += text[++i] ?? "";
            else if (c === '"') inString = false;
        } else if (c === '"') {
            inString = true;
            out += c;
        } else if (c === "/" && text[i + 1] === "/") {
            while (i < text.length && text[i] !== "\n") i++;
            out += "\n";
        } else out += c;
    }
    out = out.replace(/,(\s*[}\]])/g, "$1").trim();
    // A fragment such as `"TTS": { ... }` becomes `{ "TTS": { ... } }`.
    if (out.startsWith('"')) out = `{${out}}`;
    return JSON.parse(out);
}

function snippets(): Json[] {
    const out: Json[] = [];
    const guides = files.filter((f) => f.endsWith(".mdx") && !f.includes("/api-reference/"));
    for (const file of guides) {
        const blocks = [...show(file).matchAll(/```json([^\n]*)\n([\s\S]*?)```/g)];
        blocks.forEach((match, index) => {
            const [, title = "", text = ""] = match;
            if (!text.includes('"Vendor"')) return;
            try {
                const source = { repository: "ZEGOCLOUD/docs_all", commit, path: file, block: index, title: title.trim() };
                out.push({ source, body: looseJson(text) });
            } catch {
                // Prose with ellipses ("...") is not an example body.
            }
        });
    }
    return out;
}

async function main(): Promise<void> {
    const dir = path.join(repoRoot(), "tests", "fixtures", "docs");
    fs.mkdirSync(path.join(dir, "actions"), { recursive: true });
    const actions = actionFixtures();
    for (const fixture of actions) {
        await writeJson(path.join(dir, "actions", `${String(fixture.action)}.json`), fixture);
    }
    const found = snippets();
    await writeJson(path.join(dir, "snippets.json"), found);
    console.log(`${actions.length} actions, ${found.length} snippets from ${mirror} at ${commit}`);
}

main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
});
