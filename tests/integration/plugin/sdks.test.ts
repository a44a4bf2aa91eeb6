/**
 * The Python and TypeScript SDKs scripts/gen-sdk.sh generates from schema.json (the Go SDK runs through
 * the engine in tests/e2e/goSdk.test.ts). Python programs cannot run here (no Python Pulumi SDK is
 * installable from these registries), so the Python SDK is shown to byte-compile, with every resource and function.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../../../scripts/pulumi-env";
import { RESOURCE_ARGS } from "../../../provider/schema/resources";
import { FUNCTION_NAMES } from "../../../provider/lifecycle/functions";
import { must } from "../../must";

const version: string = JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8")).version;

/** Runs a prerequisite tool; missing or failing is a test failure naming the command, never a skip. */
function sh(cmd: string, args: string[], cwd = repoRoot()): string {
    try {
        return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 16 * 1024 * 1024 });
    } catch (err) {
        const e = err as { stdout?: string; stderr?: string; message: string };
        throw new Error(`${cmd} ${args.join(" ")} failed: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
    }
}

/** AgentInstance -> agent_instance (the Python module name codegen uses). */
const snake = (name: string) => name.replace(/[A-Z]/g, (c, i: number) => (i === 0 ? "" : "_") + c.toLowerCase());

describe("plugin: the generated Python and TypeScript SDKs", function () {
    this.timeout(180000);
    let sdk: string;

    before(() => {
        const lines = sh("bash", [path.join(repoRoot(), "scripts", "gen-sdk.sh"), "python,nodejs"])
            .trim()
            .split("\n");
        sdk = must(lines[lines.length - 1], "the last line of the output");
    });

    it("Python: pulumi_zego byte-compiles (python3 -m compileall), a module and class per resource, the schema's version", () => {
        const pkg = path.join(sdk, "python", "pulumi_zego");
        // gen-sdk.sh has just replaced the directory, so every .pyc below comes from this compile.
        sh("python3", ["-m", "compileall", "-q", "-f", path.join(sdk, "python")]);
        for (const kind of Object.keys(RESOURCE_ARGS)) {
            const file = path.join(pkg, `${snake(kind)}.py`);
            expect(fs.readFileSync(file, "utf8"), file).to.contain(`class ${kind}(pulumi.CustomResource):`);
            const compiled = fs
                .readdirSync(path.join(pkg, "__pycache__"))
                .filter((f) => f.startsWith(`${snake(kind)}.`) && f.endsWith(".pyc"));
            expect(compiled, `${snake(kind)}.pyc`).to.have.length.greaterThan(0);
        }
        expect(JSON.parse(fs.readFileSync(path.join(pkg, "pulumi-plugin.json"), "utf8"))).to.deep.equal({
            resource: true,
            name: "zego",
            version,
            server: JSON.parse(fs.readFileSync(path.join(repoRoot(), "provider", "plugin", "schema.json"), "utf8")).pluginDownloadURL,
        });
        // Each function, with its Output form.
        for (const name of FUNCTION_NAMES) {
            const text = fs.readFileSync(path.join(pkg, `${snake(name)}.py`), "utf8");
            expect(text, name)
                .to.contain(`def ${snake(name)}(`)
                .and.contain(`def ${snake(name)}_output(`);
        }
        // The provider marks the ServerSecret secret before it reaches the engine.
        expect(fs.readFileSync(path.join(pkg, "provider.py"), "utf8")).to.contain("pulumi.Output.secret(server_secret)");
    });

    it("TypeScript: @pulumi-zego/zego type-checks (tsc --noEmit) against @pulumi/pulumi", () => {
        const dir = path.join(sdk, "nodejs");
        sh(process.execPath, [path.join(repoRoot(), "node_modules", "typescript", "bin", "tsc"), "-p", dir, "--noEmit"]);
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
        expect(pkg).to.include({ name: "@pulumi-zego/zego", version });
        for (const kind of Object.keys(RESOURCE_ARGS)) {
            const file = path.join(dir, `${kind.charAt(0).toLowerCase()}${kind.slice(1)}.ts`);
            expect(fs.readFileSync(file, "utf8"), file).to.contain(`export class ${kind} extends pulumi.CustomResource`);
        }
        for (const name of FUNCTION_NAMES) {
            const text = fs.readFileSync(path.join(dir, `${name}.ts`), "utf8");
            expect(text, name).to.contain(`export function ${name}(`).and.contain(`export function ${name}Output(`);
            expect(text, name).to.contain(`pulumi.runtime.invoke("zego:index:${name}"`);
        }
    });
});
