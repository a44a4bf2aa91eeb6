/**
 * Which folders may import which. tests/ (the suites, their harness, the benchmarks) builds on
 * everything else and nothing builds on it: tooling and the package never load test code, so the
 * harness can change with the tests alone. The published code (provider/, emulator/, testing/)
 * imports no tooling, test or demo code, none of which the tarball ships. And testing/ holds only
 * files the tarball ships: what only tests use belongs in tests/harness/.
 */
import { expect } from "chai";
import { repoRoot } from "../../../scripts/pulumi-env";
import { importedPaths, Source, sources } from "../../harness/imports";
import { shippedBy } from "../../harness/packageFiles";

const PUBLISHED = ["provider", "emulator", "testing"];
const NOT_FOR_PUBLISHED = ["scripts", "tests", "demo", "examples"];
const topFolder = (file: string) => file.split("/")[0]!;

/** The imports against the direction, as "importer -> imported path". */
function violations(all: readonly Source[]): string[] {
    const found: string[] = [];
    for (const source of all) {
        const from = topFolder(source.file);
        for (const target of importedPaths(source)) {
            const to = topFolder(target);
            const intoTests = from !== "tests" && to === "tests";
            const publishedOnUnpublished = PUBLISHED.includes(from) && NOT_FOR_PUBLISHED.includes(to);
            if (intoTests || publishedOnUnpublished) found.push(`${source.file} -> ${target}`);
        }
    }
    return found;
}

/** Files of testing/ whose compiled output (`dist/testing/<name>.js` and `.d.ts`) the tarball does not ship. */
function unpublishedInTesting(files: readonly string[], shipped: (file: string) => boolean): string[] {
    return files
        .filter((f) => f.startsWith("testing/") && f.endsWith(".ts"))
        .filter((f) => !["js", "d.ts"].every((ext) => shipped(`dist/${f.replace(/\.ts$/, `.${ext}`)}`)));
}

describe("the direction of imports between folders", () => {
    const root = repoRoot();

    it("nothing outside tests/ imports tests/, and provider/, emulator/ and testing/ import nothing from scripts/, tests/, demo/ or examples/", () => {
        const all = sources(root);
        // The walk did reach every kind of folder the rules name.
        for (const folder of [...PUBLISHED, "scripts", "tests", "demo", "examples"])
            expect(
                all.some((s) => topFolder(s.file) === folder),
                folder,
            ).to.equal(true);
        expect(violations(all)).to.deep.equal([]);
    });

    it("testing/ holds only files the package publishes (package.json `files`); test-only helpers live in tests/harness/", () => {
        const files = sources(root).map((s) => s.file);
        expect(files).to.include.members(["testing/index.ts", "testing/emulator.ts"]);
        expect(unpublishedInTesting(files, shippedBy(root))).to.deep.equal([]);
    });

    it("the checks notice an import into tests/ (any form, multi-line too), published code on tooling, and an unpublished file in testing/", () => {
        const bad: Source[] = [
            { file: "scripts/docs/render.ts", text: 'import { withStack } from "../../tests/harness/engine";' },
            { file: "index.ts", text: 'import {\n    a,\n    b,\n} from "./tests/harness/fixtures";' },
            { file: "demo/run.ts", text: 'const stacks = require("../tests/harness/stacks");' },
            { file: "examples/ephemeral-env/run.ts", text: 'void import("../../tests/harness/kms");' },
            { file: "provider/index.ts", text: 'export { repoRoot } from "../scripts/pulumi-env";' },
            { file: "testing/emulator.ts", text: 'import type { Demo } from "../demo/run";' },
            { file: "emulator/server.ts", text: 'import "../examples/voice-agent";' },
            // A comment in the braces may hold a `;`; a template literal is a specifier too; a comment may lead the line.
            { file: "demo/run.ts", text: 'import {\n    withStack, // the engine; see runs\n} from "../tests/harness/engine";' },
            { file: "scripts/docs/render.ts", text: "const kms = require(`../../tests/harness/kms`);" },
            { file: "testing/index.ts", text: "export const stacks = () => import(`../tests/harness/stacks`);" },
            { file: "provider/index.ts", text: '/* tooling */ import { repoRoot } from "../scripts/pulumi-env";' },
        ];
        expect(violations(bad)).to.have.length(bad.length);
        const allowed: Source[] = [
            {
                file: "tests/e2e/lifecycle.test.ts",
                text: 'import { repoRoot } from "../../scripts/pulumi-env";\nimport { withStack } from "../harness/engine";',
            },
            { file: "scripts/release/release.ts", text: 'import { Agent } from "../../provider";' },
            {
                file: "testing/emulator.ts",
                text: 'import { startEmulator } from "../emulator";\nimport * as pulumi from "@pulumi/pulumi";',
            },
            { file: "scripts/x.ts", text: '// an example: import { withStack } from "../tests/harness/engine";' },
            { file: "scripts/y.ts", text: 'import {\n    a, // see ../tests/harness/engine; not imported\n} from "./a";' },
        ];
        expect(violations(allowed)).to.deep.equal([]);
        const shipped = shippedBy(root);
        expect(unpublishedInTesting(["testing/index.ts", "testing/engine.ts", "tests/harness/engine.ts"], shipped)).to.deep.equal([
            "testing/engine.ts",
        ]);
    });
});
