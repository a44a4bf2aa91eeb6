/**
 * The release artifacts alone suffice: `npm run release` (npm test runs it first) wrote dist/release/;
 * its files are copied into an empty temporary directory, and from there, with nothing of this
 * checkout on PATH or in the environment (only the artifacts, the npm registry and a Pulumi CLI):
 *   - the plugin is installed with `pulumi plugin install resource zego <v> --file <archive>` into a
 *     fresh PULUMI_HOME and a Pulumi YAML program runs through the CLI;
 *   - the npm tarball is installed into a new TypeScript project (from the registry: @pulumi/pulumi,
 *     typescript) whose own script runs an inline Automation API program;
 *   - a Go program (examples/go-voice-agent's main.go, an inline Automation API program, in a module of
 *     its own) gets the Go SDK by its module path through GOPROXY=file://…/goproxy,<the usual proxy>;
 *   - the Python sdist: its pyproject.toml and package, byte-compiled by a venv's Python (pip cannot
 *     build it here: no registry serves `wheel`; importing needs the Pulumi Python SDK, not served either).
 * Each program: up, offline preview (no API call, no change), destroy, nothing left, no plaintext secret.
 * The emulator (the fake ZEGO) runs in this test process, from testing/emulator.
 */
import { expect } from "chai";
import { execFile, execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { EmulatorHandle } from "../../emulator";
import { ensurePulumiCli, repoRoot } from "../../scripts/pulumi-env";
import { archiveName, PLUGIN, PLUGIN_JS, TARGETS } from "../../scripts/release/plugin";
import { APP_ID, assertNoSecrets, SERVER_SECRET, startTestEmulator } from "../harness/engine";
import { packageVersion } from "../harness/plugin";
import { must } from "../must";

const run = promisify(execFile);
const LLM_KEY = "sk-release-LLMKEY-0b7e21";
const TTS_TOKEN = "tts-release-TTSCRED-4c19";
const SECRETS = [LLM_KEY, TTS_TOKEN, SERVER_SECRET];

/** The consumer's resources, the same in YAML and TypeScript: an agent and one instance. */
const YAML_PROGRAM = `name: release-yaml
runtime: yaml
config:
  llmApiKey: { type: string, secret: true }
  ttsToken: { type: string, secret: true }
resources:
  agent:
    type: zego:index:Agent
    properties: { agentId: release_yaml_agent, name: Release YAML agent }
  instance:
    type: zego:index:AgentInstance
    properties:
      agentId: \${agent.id}
      userId: yaml_user
      rtc: { roomId: release_room_yaml, agentStreamId: yaml_agent_stream, agentUserId: yaml_agent_user, userStreamId: yaml_user_stream }
      llm: { url: "https://llm.example.com/v1/chat/completions", apiKey: "\${llmApiKey}", model: model-a }
      tts: { vendor: ByteDanceV3, params: { app: { appid: tts-app, token: "\${ttsToken}" } } }
      gracefulShutdownTimeout: 5
outputs:
  agentInstanceId: \${instance.agentInstanceId}
`;

const TS_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { Agent, AgentInstance } from "pulumi-zego-aiagent";

function program() {
    const config = new pulumi.Config();
    const agent = new Agent("agent", { agentId: "release_ts_agent", name: "Release TS agent" });
    const instance = new AgentInstance("instance", {
        agentId: agent.agentId,
        userId: "ts_user",
        rtc: { roomId: "release_room_ts", agentStreamId: "ts_agent_stream", agentUserId: "ts_agent_user", userStreamId: "ts_user_stream" },
        llm: { url: "https://llm.example.com/v1/chat/completions", apiKey: config.requireSecret("llmApiKey"), model: "model-a" },
        tts: { vendor: "ByteDanceV3", params: { app: { appid: "tts-app", token: config.requireSecret("ttsToken") } } },
        gracefulShutdownTimeout: 5,
    });
    return Promise.resolve({ agentInstanceId: instance.agentInstanceId });
}

/** node main.js up|preview|destroy|export: one step, its result as the last line of stdout. */
async function main(step: string): Promise<void> {
    const env = (name: string) => process.env[name] ?? "";
    const stack = await LocalWorkspace.createOrSelectStack({ stackName: "test", projectName: "release-ts", program }, { workDir: __dirname });
    await stack.setAllConfig({
        "zego:appId": { value: env("T_APP_ID") },
        "zego:serverSecret": { value: env("T_SERVER_SECRET"), secret: true },
        "zego:endpoint": { value: env("T_ENDPOINT") },
        llmApiKey: { value: env("T_LLM_KEY"), secret: true },
        ttsToken: { value: env("T_TTS_TOKEN"), secret: true },
    });
    const onOutput = (text: string) => process.stdout.write(text);
    let result: unknown;
    if (step === "up") result = (await stack.up({ onOutput })).summary.resourceChanges;
    else if (step === "preview") result = (await stack.preview({ onOutput })).changeSummary;
    else if (step === "destroy") result = (await stack.destroy({ onOutput })).summary.resourceChanges;
    else result = await stack.exportStack();
    process.stdout.write("\\n" + JSON.stringify(result) + "\\n");
}

main(process.argv[2] ?? "").catch((e: Error) => {
    console.error(e.message);
    process.exit(1);
});
`;

/** The Go SDK's module path: the only module in the release's goproxy/. */
function goModulePath(): string {
    const proxy = path.join(repoRoot(), "dist", "release", "goproxy");
    const found: string[] = [];
    const walk = (rel: string) => {
        if (fs.existsSync(path.join(proxy, rel, "@v"))) found.push(rel);
        else
            for (const e of fs.readdirSync(path.join(proxy, rel), { withFileTypes: true }))
                if (e.isDirectory()) walk(path.posix.join(rel, e.name));
    };
    walk("");
    expect(found, "modules in goproxy/").to.have.length(1);
    return must(found[0], "module");
}

function lastLine(out: string): string {
    const lines = out.trim().split("\n");
    return must(lines[lines.length - 1], "last line").trim();
}

describe("e2e: the release artifacts alone (dist/release/ in an empty directory)", function () {
    this.timeout(300000);
    const version = packageVersion();
    let em: EmulatorHandle;
    let tmp: string;
    let artifacts: string;
    /** Everything the CLI and the programs printed, for the secret scan. */
    const printed: string[] = [];
    let baseEnv: Record<string, string>;

    before(async () => {
        const release = path.join(repoRoot(), "dist", "release");
        if (!fs.existsSync(path.join(release, "SHA256SUMS")))
            throw new Error(`${release} is missing: run \`npm run release\` (npm test does)`);
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "zego-release-"));
        artifacts = path.join(tmp, "artifacts");
        fs.cpSync(release, artifacts, { recursive: true });
        const yamlDir = lastLine(
            execFileSync("bash", [path.join(repoRoot(), "scripts", "ensure-language-yaml.sh")], {
                encoding: "utf8",
                stdio: ["ignore", "pipe", "inherit"],
            }),
        );
        // Only a Pulumi CLI (with its YAML language host and Node dynamic-provider host), node and the system.
        const PATH = [
            path.join(ensurePulumiCli(), "bin"),
            yamlDir,
            path.dirname(process.execPath),
            "/usr/local/bin",
            "/usr/bin",
            "/bin",
        ].join(":");
        baseEnv = { PATH, HOME: os.homedir(), TMPDIR: tmp, PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_CONFIG_PASSPHRASE: "release-test" };
        em = await startTestEmulator();
    });

    after(async () => {
        await em?.close();
        if (tmp) await fs.promises.rm(tmp, { recursive: true, force: true });
    });

    const live = () => em.instances().filter((i) => i.state !== "deleted");

    it("SHA256SUMS covers every artifact; each archive has its launcher and the same bundled JavaScript, packed well under 5 MB", () => {
        const sums = fs.readFileSync(path.join(artifacts, "SHA256SUMS"), "utf8").trim().split("\n");
        const names = sums.map((l) => l.split("  ")[1]);
        expect(names).to.include.members([
            `pulumi-zego-aiagent-${version}.tgz`,
            `pulumi-zego-zego-${version}.tgz`,
            `pulumi_zego-${version}.tar.gz`,
            "schema.json",
            ...TARGETS.map((t) => archiveName(version, t)),
        ]);
        expect(names.filter((n) => n?.startsWith("goproxy/"))).to.have.length(4); // list, .info, .mod, .zip
        for (const line of sums) {
            const [hash, name] = line.split("  ");
            expect(
                crypto
                    .createHash("sha256")
                    .update(fs.readFileSync(path.join(artifacts, must(name, "name"))))
                    .digest("hex"),
                name,
            ).to.equal(hash);
        }
        const jsOf: Record<string, Buffer> = {};
        for (const t of TARGETS) {
            const file = path.join(artifacts, archiveName(version, t));
            expect(fs.statSync(file).size, file).to.be.lessThan(5e6);
            const dir = path.join(tmp, "layout", `${t.os}-${t.arch}`);
            fs.mkdirSync(dir, { recursive: true });
            execFileSync("tar", ["-xzf", file, "-C", dir]);
            const files = fs.readdirSync(dir).sort();
            const launcher = t.os === "windows" ? `${PLUGIN}.cmd` : PLUGIN;
            expect(files, `${t.os}-${t.arch}`).to.deep.equal(
                ["LICENSE", "README.md", "THIRD-PARTY-NOTICES", launcher, PLUGIN_JS, "schema.json"].sort(),
            );
            if (t.os !== "windows") expect(fs.statSync(path.join(dir, PLUGIN)).mode & 0o111, "executable").to.not.equal(0);
            expect(fs.readFileSync(path.join(dir, launcher), "utf8")).to.include(PLUGIN_JS);
            jsOf[`${t.os}-${t.arch}`] = fs.readFileSync(path.join(dir, PLUGIN_JS));
        }
        const linux = must(jsOf["linux-amd64"], "linux-amd64");
        for (const [target, js] of Object.entries(jsOf)) expect(js.equals(linux), `${target}'s JavaScript is linux-amd64's`).to.equal(true);
        const schema = JSON.parse(fs.readFileSync(path.join(artifacts, "schema.json"), "utf8"));
        expect(schema.version).to.equal(version);
        expect(schema.pluginDownloadURL).to.match(/^github:\/\/api\.github\.com\/[\w.-]+\/[\w.-]+$/);
    });

    it("publish.sh --dry-run accepts the release for tag v<version>, with CHANGELOG's section as notes, and refuses another tag", async () => {
        const publish = path.join(repoRoot(), "scripts", "release", "publish.sh");
        const { stdout, stderr } = await run("bash", [publish, `v${version}`, "--dry-run"], { cwd: repoRoot() });
        expect(stderr).to.include(
            `would npm publish dist/release/pulumi-zego-aiagent-${version}.tgz dist/release/pulumi-zego-zego-${version}.tgz`,
        );
        expect(stderr).to.include(`pulumi-zego-go-sdk-v${version}-goproxy.tar.gz`);
        for (const t of TARGETS) expect(stderr).to.include(archiveName(version, t));
        expect(stdout).to.include("### State migrations");
        const wrong = await run("bash", [publish, "v0.0.1", "--dry-run"], { cwd: repoRoot() }).then(
            () => "",
            (e: { stderr: string }) => e.stderr,
        );
        expect(wrong).to.include(`tag v0.0.1 does not name package.json's version ${version}`);
    });

    it("Pulumi YAML on the plugin installed from its archive: up, offline preview, destroy, nothing left, no plaintext secret", async () => {
        const project = path.join(tmp, "yaml");
        fs.mkdirSync(project);
        fs.writeFileSync(path.join(project, "Pulumi.yaml"), YAML_PROGRAM);
        const env = { ...baseEnv, PULUMI_HOME: path.join(tmp, "yaml-home"), PULUMI_BACKEND_URL: `file://${path.join(tmp, "yaml-state")}` };
        fs.mkdirSync(path.join(tmp, "yaml-state"));
        const pulumi = async (...args: string[]) => {
            const { stdout, stderr } = await run("pulumi", args, { cwd: project, env, maxBuffer: 1 << 26 });
            printed.push(stdout, stderr);
            return stdout;
        };
        await pulumi(
            "plugin",
            "install",
            "resource",
            "zego",
            version,
            "--file",
            path.join(artifacts, archiveName(version, { os: "linux", arch: "amd64" })),
        );
        const installed = path.join(env.PULUMI_HOME, "plugins", `resource-zego-v${version}`);
        expect(fs.readdirSync(installed)).to.include.members([PLUGIN, PLUGIN_JS]);
        expect(fs.existsSync(path.join(installed, "node_modules")), "no node_modules").to.equal(false);

        await pulumi("stack", "init", "test");
        await pulumi("config", "set", "zego:appId", String(APP_ID));
        await pulumi("config", "set", "--secret", "zego:serverSecret", SERVER_SECRET);
        await pulumi("config", "set", "zego:endpoint", em.url);
        await pulumi("config", "set", "--secret", "llmApiKey", LLM_KEY);
        await pulumi("config", "set", "--secret", "ttsToken", TTS_TOKEN);

        await pulumi("up", "--yes", "--skip-preview");
        expect(live().map((i) => i.agentInstanceId)).to.deep.equal([lastLine(await pulumi("stack", "output", "agentInstanceId"))]);

        const before = em.requests().length;
        await pulumi("preview", "--expect-no-changes");
        expect(em.requests().length, "API calls during preview").to.equal(before);

        await pulumi("destroy", "--yes");
        expect(live()).to.deep.equal([]);
        const state = await pulumi("stack", "export");
        expect(JSON.parse(state).deployment.resources ?? []).to.deep.equal([]);
        const raw = fs.readFileSync(path.join(tmp, "yaml-state", ".pulumi", "stacks", "release-yaml", "test.json"), "utf8");
        assertNoSecrets([...printed, raw, fs.readFileSync(path.join(project, "Pulumi.test.yaml"), "utf8")], SECRETS);
    });

    it("Go: the SDK by its module path through the file proxy, no replace; up, offline preview, destroy, nothing left, no plaintext secret", async () => {
        const project = path.join(tmp, "go");
        fs.mkdirSync(project);
        fs.copyFileSync(path.join(repoRoot(), "examples", "go-voice-agent", "main.go"), path.join(project, "main.go"));
        const sdkModule = fs.readFileSync(path.join(artifacts, "goproxy", `${goModulePath()}`, "@v", `v${version}.mod`), "utf8");
        expect(sdkModule).to.match(new RegExp(`^module ${goModulePath().replace(/\./g, "\\.")}$`, "m"));
        const pulumiGo = /^\s*github\.com\/pulumi\/pulumi\/sdk\/v3 (v\S+)/m.exec(
            fs.readFileSync(path.join(repoRoot(), "examples", "go-voice-agent", "go.mod"), "utf8"),
        );
        fs.writeFileSync(
            path.join(project, "go.mod"),
            `module example.com/release-go\n\ngo 1.25\n\nrequire (\n\t${goModulePath()} v${version}\n\tgithub.com/pulumi/pulumi/sdk/v3 ${must(pulumiGo?.[1], "the example's pulumi sdk version")}\n)\n`,
        );
        const env = {
            ...baseEnv,
            PATH: `${baseEnv.PATH}:${path.dirname(execFileSync("bash", ["-c", "command -v go"], { encoding: "utf8" }).trim())}`,
            GOPROXY: `file://${path.join(artifacts, "goproxy")},${execFileSync("go", ["env", "GOPROXY"], { encoding: "utf8" }).trim()}`,
            // Not in the public checksum database (a release serves it from goproxy/, not from a VCS tag).
            GONOSUMDB: goModulePath(),
            GOFLAGS: "-mod=mod -buildvcs=false",
            GOMODCACHE: execFileSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" }).trim(),
            GOCACHE: execFileSync("go", ["env", "GOCACHE"], { encoding: "utf8" }).trim(),
            PULUMI_HOME: path.join(tmp, "go-home"),
            PULUMI_BACKEND_URL: `file://${path.join(tmp, "go-state")}`,
            ZEGO_SERVER_SECRET: SERVER_SECRET,
            LLM_API_KEY: LLM_KEY,
        };
        fs.mkdirSync(path.join(tmp, "go-state"));
        await run("go", ["mod", "tidy"], { cwd: project, env, maxBuffer: 1 << 26 });
        await run("go", ["build", "-o", "program", "."], { cwd: project, env, maxBuffer: 1 << 26 });
        await run(
            "pulumi",
            [
                "plugin",
                "install",
                "resource",
                "zego",
                version,
                "--file",
                path.join(artifacts, archiveName(version, { os: "linux", arch: "amd64" })),
            ],
            {
                cwd: project,
                env,
            },
        );
        const step = async (op: string) => {
            const args = ["-app-id", String(APP_ID), "-endpoint", em.url, "-workdir", path.join(tmp, "go-work"), "-stack", "go", op];
            const { stdout, stderr } = await run(path.join(project, "program"), args, { cwd: project, env, maxBuffer: 1 << 26 });
            printed.push(stdout, stderr);
            return JSON.parse(lastLine(stdout));
        };
        expect(await step("up")).to.deep.include({ result: "succeeded", changes: { create: 3 } });
        expect(live()).to.have.length(1);
        const before = em.requests().length;
        expect((await step("preview")).changes).to.deep.equal({ same: 3 });
        expect(em.requests().length, "API calls during preview").to.equal(before);
        expect(await step("destroy")).to.deep.include({ result: "succeeded", changes: { delete: 3 } });
        expect(live()).to.deep.equal([]);
        const raw = fs.readFileSync(path.join(tmp, "go-state", ".pulumi", "stacks", "go-voice-agent", "go.json"), "utf8");
        expect(JSON.parse(raw).checkpoint.latest.resources ?? []).to.deep.equal([]);
        assertNoSecrets([...printed, raw], SECRETS);
    });

    it("Python: the sdist has pyproject.toml and the package; in a venv it byte-compiles (pip cannot build it here: see below)", async () => {
        const sdist = path.join(artifacts, `pulumi_zego-${version}.tar.gz`);
        const unpacked = path.join(tmp, "sdist");
        fs.mkdirSync(unpacked);
        execFileSync("tar", ["-xzf", sdist, "-C", unpacked]);
        const root = path.join(unpacked, `pulumi_zego-${version}`);
        expect(fs.existsSync(path.join(root, "setup.py")), "no setup.py").to.equal(false);
        const info = fs.readFileSync(path.join(root, "PKG-INFO"), "utf8");
        expect(info)
            .to.match(/^Name: pulumi_zego$/m)
            .and.match(new RegExp(`^Version: ${version.replace(/\./g, "\\.")}$`, "m"));
        const venv = path.join(tmp, "venv");
        await run("python3", ["-m", "venv", venv], { env: baseEnv });
        const python = path.join(venv, "bin", "python");
        // pyproject.toml as a build front end reads it (tomllib: Python >= 3.11).
        const { stdout: project } = await run(
            python,
            [
                "-c",
                "import json, sys, tomllib; print(json.dumps(tomllib.load(open(sys.argv[1], 'rb'))))",
                path.join(root, "pyproject.toml"),
            ],
            { env: baseEnv },
        );
        const pyproject = JSON.parse(project);
        expect(pyproject.project).to.include({ name: "pulumi_zego", version });
        expect(pyproject["build-system"]["build-backend"]).to.equal("setuptools.build_meta");
        // `pip install --no-deps <sdist>` must build a wheel: this Python's setuptools (65) needs the `wheel`
        // package for that, and no registry here serves it (setuptools >= 70.1 has it built in). So the
        // package is byte-compiled by the venv's Python from the sdist as unpacked.
        const pkg = path.join(root, "pulumi_zego");
        await run(python, ["-m", "compileall", "-q", pkg], { env: baseEnv });
        expect(fs.readdirSync(path.join(pkg, "__pycache__")).filter((f) => f.startsWith("agent_instance."))).to.have.length(1);
        expect(JSON.parse(fs.readFileSync(path.join(pkg, "pulumi-plugin.json"), "utf8"))).to.include({ name: "zego", version });
        // Importing needs the Pulumi Python SDK, which no registry here serves.
        const imported = await run(python, ["-c", "import pulumi_zego"], { cwd: root, env: baseEnv }).then(
            () => "",
            (e: { stderr: string }) => e.stderr,
        );
        expect(imported).to.include("No module named 'pulumi'");
    });

    it("TypeScript on the npm tarball (installed from the registry into a new project): up, offline preview, destroy, nothing left, no plaintext secret", async () => {
        const project = path.join(tmp, "ts");
        fs.mkdirSync(project);
        // The versions this repository is tested with; everything comes from the registry (or npm's cache).
        const dep = (name: string) =>
            JSON.parse(fs.readFileSync(path.join(repoRoot(), "node_modules", name, "package.json"), "utf8")).version;
        const pkg = {
            name: "release-consumer",
            private: true,
            dependencies: {
                "pulumi-zego-aiagent": `file:${path.join(artifacts, `pulumi-zego-aiagent-${version}.tgz`)}`,
                "@pulumi/pulumi": dep("@pulumi/pulumi"),
            },
            devDependencies: { typescript: dep("typescript"), "@types/node": dep("@types/node") },
        };
        fs.writeFileSync(path.join(project, "package.json"), JSON.stringify(pkg, null, 2));
        fs.writeFileSync(
            path.join(project, "tsconfig.json"),
            JSON.stringify({
                compilerOptions: { strict: true, module: "commonjs", target: "es2020", types: ["node"], skipLibCheck: true },
            }),
        );
        fs.writeFileSync(path.join(project, "main.ts"), TS_PROGRAM);
        const env = {
            ...baseEnv,
            PULUMI_HOME: path.join(tmp, "ts-home"),
            PULUMI_BACKEND_URL: `file://${path.join(tmp, "ts-state")}`,
            T_APP_ID: String(APP_ID),
            T_SERVER_SECRET: SERVER_SECRET,
            T_ENDPOINT: em.url,
            T_LLM_KEY: LLM_KEY,
            T_TTS_TOKEN: TTS_TOKEN,
        };
        fs.mkdirSync(path.join(tmp, "ts-state"));
        await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: project, env });
        expect(fs.lstatSync(path.join(project, "node_modules", "pulumi-zego-aiagent")).isSymbolicLink(), "installed, not linked").to.equal(
            false,
        );
        await run(path.join(project, "node_modules", ".bin", "tsc"), ["-p", "."], { cwd: project, env });

        const step = async (name: string) => {
            const { stdout, stderr } = await run("node", ["main.js", name], { cwd: project, env, maxBuffer: 1 << 26 });
            printed.push(stdout, stderr);
            return JSON.parse(lastLine(stdout));
        };
        expect(await step("up")).to.deep.include({ create: 3 });
        expect(live()).to.have.length(1);
        const before = em.requests().length;
        expect(await step("preview")).to.deep.equal({ same: 3 });
        expect(em.requests().length, "API calls during preview").to.equal(before);
        expect(await step("destroy")).to.deep.include({ delete: 3 });
        expect(live()).to.deep.equal([]);
        const exported = await step("export");
        expect(exported.deployment.resources ?? []).to.deep.equal([]);
        const raw = fs.readFileSync(path.join(tmp, "ts-state", ".pulumi", "stacks", "release-ts", "test.json"), "utf8");
        expect(raw, "state names no path of this checkout").to.not.include(repoRoot());
        assertNoSecrets([...printed, raw], SECRETS);
    });
});
