/** The upgrade-fixture recorder (tests/fixtures/recordUpgrade.ts) keeps every recorded state: each is the only copy of what an older version wrote. */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../../scripts/pulumi-env";

const RECORDER = path.join(repoRoot(), "dist", "tests", "fixtures", "recordUpgrade.js");
const STATE = path.join(repoRoot(), "tests", "fixtures", "state");

describe("the upgrade-fixture recorder", () => {
    for (const args of [["upgrade-v1.json"], []]) {
        it(`${args.length === 0 ? "without a file name" : args[0]}: refuses before running anything, and every recorded file stays as it was`, () => {
            const before = fs.readdirSync(STATE).map((f) => [f, fs.readFileSync(path.join(STATE, f), "utf8")]);
            // Without the refusal this would run the engine (and a PATH without pulumi would fail later, differently).
            const run = spawnSync(process.execPath, [RECORDER, ...args], {
                encoding: "utf8",
                timeout: 30_000,
                env: { ...process.env, PATH: "" },
            });
            expect(run.status, run.stderr).to.equal(1);
            expect(run.stderr).to.match(args.length === 0 ? /name the file to record/ : /exists and is kept/);
            expect(fs.readdirSync(STATE).map((f) => [f, fs.readFileSync(path.join(STATE, f), "utf8")])).to.deep.equal(before);
        });
    }
});
