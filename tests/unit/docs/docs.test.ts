/**
 * docs/ cannot drift: the generated parts are what scripts/docs/render.ts renders now (from settings.ts
 * and schema.json), every documented `pulumi config set` value is one the settings accept, every
 * relative link resolves, code marked as an excerpt of an example is one, and the Python snippet (not
 * run here) uses only classes and arguments the schema has.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CONFIG_KEYS, ENV_VARS, Settings } from "../../../provider/lifecycle/settings";
import { CONFIG_NAMES } from "../../../provider/plugin/config";
import {
    API_DOC,
    CONFIG_TABLE,
    exampleValue,
    expectedFiles,
    INSTALLATION_DOC,
    readSchema,
    replaceBetween,
} from "../../../scripts/docs/render";
import { repoRoot } from "../../../scripts/pulumi-env";
import { globToRegExp, shippedBy } from "../../harness/packageFiles";

const root = repoRoot();
const docsDir = path.join(root, "docs");
const docs = () => fs.readdirSync(docsDir).filter((f) => f.endsWith(".md"));
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");

/** GitHub's heading anchors (enough for ours: lower case, punctuation dropped, spaces to dashes) and explicit ids. */
function anchors(text: string): Set<string> {
    const found = new Set<string>();
    for (const m of text.matchAll(/^#{1,6} (.+)$/gm)) {
        found.add(
            must(m[1])
                .toLowerCase()
                .replace(/[^\p{L}\p{N} _-]/gu, "")
                .replace(/ /g, "-"),
        );
    }
    for (const m of text.matchAll(/<a id="([^"]+)">/g)) found.add(must(m[1]));
    return found;
}

function must<T>(value: T | undefined): T {
    if (value === undefined) throw new Error("missing match group");
    return value;
}

/** The relative links of a Markdown file (code blocks aside): the target as written and the repository file it names. */
function links(doc: string): { target: string; file?: string; anchor?: string }[] {
    const text = read(doc).replace(/```[\s\S]*?```/g, "");
    const found: { target: string; file?: string; anchor?: string }[] = [];
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = must(m[1]);
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
        const [file, anchor] = target.split("#");
        const resolved = file ? path.relative(root, path.resolve(root, path.dirname(doc), file)) : undefined;
        found.push({ target, file: resolved, anchor });
    }
    return found;
}

/** Links of `doc` to a missing file, or to a missing heading of a Markdown file. */
function brokenLinks(doc: string): string[] {
    const broken: string[] = [];
    for (const { target, file, anchor } of links(doc)) {
        const resolved = path.join(root, file ?? doc);
        if (!resolved.startsWith(root + path.sep) || !fs.existsSync(resolved)) broken.push(`${doc}: ${target} (no such file)`);
        else if (anchor && resolved.endsWith(".md") && !anchors(fs.readFileSync(resolved, "utf8")).has(anchor))
            broken.push(`${doc}: ${target} (no such heading)`);
    }
    return broken;
}

describe("docs/", () => {
    it("the generated parts (configuration table, API reference) are what scripts/docs/render.ts renders now", async () => {
        const expected = await expectedFiles(root);
        expect(Object.keys(expected)).to.have.members([INSTALLATION_DOC, API_DOC]);
        for (const [file, text] of Object.entries(expected)) {
            expect(read(file), `${file} is stale: run \`npm run docs\``).to.equal(text);
        }
    });

    it("the check notices a stale table: a changed bound or a missing key makes the rendered file differ", async () => {
        const current = read(INSTALLATION_DOC);
        const expected = must((await expectedFiles(root))[INSTALLATION_DOC]);
        const stale = current.replace("integer from 1 to 120", "integer from 1 to 999");
        expect(stale).to.not.equal(current);
        expect(stale).to.not.equal(expected);
        const emptied = replaceBetween(current, CONFIG_TABLE, "", INSTALLATION_DOC);
        expect(emptied).to.not.include("`zego:deleteWaitMargin`");
        expect(emptied).to.not.equal(expected);
    });

    it("the configuration table has every key and variable of settings.ts, and each example value is accepted", () => {
        const text = read(INSTALLATION_DOC);
        for (const name of CONFIG_NAMES) {
            expect(text, name).to.include(`| \`${CONFIG_KEYS[name]}\``);
            expect(text, name).to.include(`\`${ENV_VARS[name]}\``);
            // Each documented value goes through the settings' own parser (as the variable; stack config uses the same rule).
            const value = exampleValue(name);
            expect(() => new Settings({ [ENV_VARS[name]]: value }).validate(), `${name}=${value}`).to.not.throw();
        }
        expect(text).to.include("pulumi config set --secret zego:serverSecret");
    });

    it("every relative link in docs/*.md points at a file of the repository, and anchors into docs/ exist", () => {
        const broken: string[] = [];
        for (const doc of docs()) broken.push(...brokenLinks(path.join("docs", doc)));
        expect(broken).to.deep.equal([]);
    });

    it("README.md links only to files the npm tarball ships (package.json `files`) or to files of the repository on GitHub", () => {
        const { repository } = JSON.parse(read("package.json")) as { repository: { url: string } };
        const shipped = shippedBy(root);
        const outside: string[] = [];
        for (const { target, file } of links("README.md")) {
            if (file && !shipped(file)) outside.push(target);
        }
        expect(outside, "relative links from the packed README to files not in the tarball").to.deep.equal([]);
        expect(brokenLinks("README.md")).to.deep.equal([]);
        // Absolute links into this repository (examples, benchmarks) point at files that exist.
        const repo = must(/github\.com\/([^/]+\/[^/.]+)/.exec(repository.url)?.[1]);
        const text = read("README.md");
        let absolute = 0;
        for (const m of text.matchAll(new RegExp(`https://github\\.com/${repo}/(?:blob|tree)/main/([^)#\\s]+)`, "g"))) {
            absolute++;
            expect(fs.existsSync(path.join(root, must(m[1]))), m[0]).to.equal(true);
        }
        expect(absolute).to.be.greaterThan(0);
    });

    it("the README link check notices a link out of the tarball and a missing anchor", () => {
        const shipped = ["README.md", "docs/*.md", "dist/provider/**/*.js"].map(globToRegExp);
        expect(shipped.some((re) => re.test("docs/guide.md"))).to.equal(true);
        expect(shipped.some((re) => re.test("dist/provider/lifecycle/deletion.js"))).to.equal(true);
        expect(shipped.some((re) => re.test("examples/README.md"))).to.equal(false);
        expect(shipped.some((re) => re.test("docs/sub/x.md"))).to.equal(false);
        expect(anchors("## Configuration in detail\n").has("configuration-in-detail")).to.equal(true);
    });

    it("a code block marked as an excerpt of an example has the example's lines, in order (`…` comments elide)", () => {
        let excerpts = 0;
        for (const doc of [...docs().map((d) => path.join("docs", d)), "README.md"]) {
            const text = read(doc);
            for (const m of text.matchAll(/<!-- excerpt: (\S+) -->\s*```\w*\n([\s\S]*?)```/g)) {
                excerpts++;
                const source = must(m[1]);
                const lines = read(source)
                    .split("\n")
                    .map((l) => l.trim());
                let at = 0;
                for (const line of must(m[2]).split("\n")) {
                    const t = line.trim();
                    if (t === "" || /^(\/\/|#) …$/.test(t)) continue;
                    const found = lines.indexOf(t, at);
                    expect(found, `${doc}: "${t}" is not in ${source} after line ${at}`).to.be.greaterThan(-1);
                    at = found + 1;
                }
            }
        }
        expect(excerpts).to.equal(4); // docs/_index.md: TypeScript, YAML, Go; README: TypeScript
    });

    it("the Python example (not run here) parses and uses only classes and arguments of the schema", () => {
        const text = read("docs/_index.md");
        const code = must(/```python\n([\s\S]*?)```/.exec(text)?.[1]);
        // Python's own parser lists each `zego.<Class>(...)` call with its keyword arguments.
        const script = [
            "import ast, json, sys",
            "calls = []",
            "for node in ast.walk(ast.parse(sys.stdin.read())):",
            "    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and getattr(node.func.value, 'id', '') == 'zego':",
            "        calls.append([node.func.attr, [k.arg for k in node.keywords]])",
            "print(json.dumps(calls))",
        ].join("\n");
        const calls = JSON.parse(execFileSync("python3", ["-c", script], { input: code, encoding: "utf8" })) as [string, string[]][];
        const schema = readSchema(root) as {
            resources: Record<string, { inputProperties: Record<string, unknown> }>;
            types: Record<string, { properties?: Record<string, unknown> }>;
        };
        const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
        expect(calls.map(([c]) => c)).to.include.members(["Agent", "AgentInstance", "RtcArgs", "LlmArgs", "TtsArgs"]);
        for (const [cls, keywords] of calls) {
            const props = cls.endsWith("Args")
                ? schema.types[`zego:index:${cls.slice(0, -"Args".length)}`]?.properties
                : schema.resources[`zego:index:${cls}`]?.inputProperties;
            expect(props, `zego.${cls} is not in the schema`).to.not.equal(undefined);
            for (const k of keywords) expect(Object.keys(props ?? {}), `zego.${cls}(${k}=...)`).to.include(camel(k));
        }
    });
});
