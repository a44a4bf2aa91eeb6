/** The plugin's launchers: only Node.js >= 20 on PATH is needed, and its absence or age is said plainly. */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { launcherCmd, launcherSh, PLUGIN, PLUGIN_JS } from "../../../scripts/release/plugin";

describe("release: the plugin's sh launcher, on a PATH we control", () => {
    let dir: string;
    let bin: string;

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "zego-launcher-"));
        bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        // The launcher's only outside command besides node.
        fs.symlinkSync(must(which("dirname")), path.join(bin, "dirname"));
        fs.writeFileSync(path.join(dir, PLUGIN), launcherSh(), { mode: 0o755 });
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    function which(cmd: string): string | undefined {
        return ["/usr/bin", "/bin"].map((d) => path.join(d, cmd)).find((p) => fs.existsSync(p));
    }
    function must<T>(v: T | undefined): T {
        if (v === undefined) throw new Error("dirname not found in /usr/bin or /bin");
        return v;
    }
    /** A `node` that answers --version with `version` and otherwise prints what it was run with. */
    function fakeNode(version: string): void {
        fs.writeFileSync(
            path.join(bin, "node"),
            `#!/bin/sh\nif [ "$1" = --version ]; then echo ${version}; exit 0; fi\necho "ran $* cache=\${NODE_COMPILE_CACHE:-none}"\n`,
            { mode: 0o755 },
        );
    }
    function run(env: Record<string, string> = {}) {
        return spawnSync("/bin/sh", [path.join(dir, PLUGIN), "127.0.0.1:1234"], { env: { PATH: bin, ...env }, encoding: "utf8" });
    }

    it("no node on PATH: exits 1 saying Node.js >= 20 is needed and none was found", () => {
        const r = run();
        expect(r.status).to.equal(1);
        expect(r.stderr).to.match(/needs Node\.js 20 or later on PATH, and no 'node' was found\. Install Node\.js >= 20/);
        expect(r.stdout).to.equal("");
    });

    it("Node 18 on PATH: exits 1 naming the version found and where", () => {
        fakeNode("v18.19.1");
        const r = run();
        expect(r.status).to.equal(1);
        expect(r.stderr).to.include(`needs Node.js 20 or later, and the node on PATH (${path.join(bin, "node")}) is v18.19.1`);
    });

    it("Node 20 and 22: runs the bundle next to the launcher with the engine's arguments, compile cache on unless disabled", () => {
        for (const version of ["v20.0.0", "v22.12.0"]) {
            fakeNode(version);
            const r = run({ TMPDIR: "/tmp/x" });
            expect(r.status, r.stderr).to.equal(0);
            expect(r.stdout.trim()).to.equal(`ran ${fs.realpathSync(dir)}/${PLUGIN_JS} 127.0.0.1:1234 cache=/tmp/x/node-compile-cache`);
        }
        expect(run({ NODE_DISABLE_COMPILE_CACHE: "1" }).stdout).to.include("cache=none");
        expect(run({ NODE_COMPILE_CACHE: "/mine" }).stdout).to.include("cache=/mine");
    });

    it("the Windows launcher has CRLF line ends, the same checks and runs the same bundle", () => {
        const cmd = launcherCmd();
        expect(cmd.split("\r\n").length).to.equal(cmd.split("\n").length);
        expect(cmd).to.include(`node "%~dp0${PLUGIN_JS}" %*`);
        expect(cmd).to.match(/LSS 20 goto oldnode/);
        expect(cmd).to.include("no 'node' was found");
        // cmd.exe would take a bare ">=" for a redirection.
        for (const line of cmd.split("\r\n").filter((l) => l.includes("echo "))) expect(line).to.not.match(/[^^]>=/);
    });
});
