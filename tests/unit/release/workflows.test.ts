/** The GitHub workflows call only the project's own scripts, so what CI tests here is what they run. */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../../../scripts/pulumi-env";

// js-yaml ships no types (as in scripts/extract-doc-examples.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require("js-yaml") as { load(text: string): unknown };

type Workflow = { on: unknown; jobs: Record<string, { steps: { run?: string; uses?: string }[] }> };

function runs(file: string): string[] {
    const wf = yaml.load(fs.readFileSync(path.join(repoRoot(), ".github", "workflows", file), "utf8")) as Workflow;
    return Object.values(wf.jobs).flatMap((job) => job.steps.flatMap((s) => (s.run ? [s.run.trim()] : [])));
}

describe("release: GitHub workflows", () => {
    it("ci.yml runs .ci/run and nothing else", () => {
        expect(runs("ci.yml")).to.deep.equal(["bash .ci/run"]);
    });

    it("release.yml (on a v* tag) tests like CI, then npm run release, then scripts/release/publish.sh, and each exists", () => {
        const wf = yaml.load(fs.readFileSync(path.join(repoRoot(), ".github", "workflows", "release.yml"), "utf8")) as Workflow;
        expect(wf.on).to.deep.equal({ push: { tags: ["v*"] } });
        expect(runs("release.yml")).to.deep.equal([
            "bash .ci/run",
            "npm run release",
            'bash scripts/release/publish.sh "$GITHUB_REF_NAME"',
        ]);
        const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8"));
        expect(pkg.scripts.release).to.be.a("string");
        expect(fs.existsSync(path.join(repoRoot(), "scripts", "release", "publish.sh"))).to.equal(true);
    });
});
