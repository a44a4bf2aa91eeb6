/** The bundled plugin is the same bytes wherever the release runs from, and needs nothing beside it. */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import { builtinModules } from "module";
import * as os from "os";
import * as path from "path";
import { bundlePlugin, root } from "../../../scripts/release/plugin";

describe("release: the plugin bundle", function () {
    this.timeout(60000);

    it("is byte-identical whatever the working directory, and requires only Node's own modules", async () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(root(), "package.json"), "utf8"));
        const here = await bundlePlugin(pkg);
        // A release run started elsewhere: a process of its own (esbuild keeps the cwd it started with).
        const script = `require(${JSON.stringify(require.resolve("../../../scripts/release/plugin"))}).bundlePlugin(${JSON.stringify(pkg)}).then((b) => process.stdout.write(b.js.toString("base64")))`;
        const elsewhere = {
            js: Buffer.from(
                execFileSync(process.execPath, ["-e", script], { cwd: os.tmpdir(), encoding: "utf8", maxBuffer: 1 << 26 }),
                "base64",
            ),
        };
        expect(elsewhere.js.equals(here.js), "same bytes from another cwd").to.equal(true);
        const text = here.js.toString("utf8");
        const required = new Set([...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]));
        for (const mod of required) expect(mod, "a require left in the bundle").to.match(/^(node:)?[a-z_0-9/]+$/);
        expect([...required].filter((m) => m && !builtinModules.includes(m.replace(/^node:/, "")))).to.deep.equal([]);
        expect(here.notices).to.include("axios").and.include("@grpc/grpc-js");
    });
});
