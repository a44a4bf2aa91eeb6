/**
 * The published package, as a user gets it: `npm pack`, the tarball extracted into a consumer project's
 * node_modules (outside this repository, so nothing resolves back into the source tree), then an
 * Automation API inline program in that project declares an Agent and an AgentInstance against the
 * emulator. Checks the tarball's file list, that the `exports` map is in force, and that the serialized
 * provider (`__provider`, loaded by the engine's dynamic-provider host) works with it: up and destroy.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import { createRequire } from "module";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { EmulatorHandle } from "../../emulator";
import { createPulumiEnv, getPulumiCommand, repoRoot, stackOutput } from "../../scripts/pulumi-env";
import { APP_ID, SERVER_SECRET } from "../harness/engine";
import { must } from "../must";

/** What the package may contain (paths inside the tarball, without the leading "package/"). */
const ALLOWED = [
    /^package\.json$/,
    /^README\.md$/,
    /^LICENSE$/,
    // The docs README links to, so its links work from the tarball too.
    /^CHANGELOG\.md$/,
    /^docs\/[^/]+\.md$/,
    /^dist\/(provider|emulator)\/.+\.(js|d\.ts)$/,
    // The public testing helpers only, not the repo's own harness beside them.
    /^dist\/testing\/(index|emulator)\.(js|d\.ts)$/,
];

describe("e2e: the packed package in a consumer project", function () {
    this.timeout(120_000);
    const repo = repoRoot();
    let scratch: string;
    let consumer: string;
    let files: string[];

    before(() => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "zego-pack-"));
        const out = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", scratch], {
            cwd: repo,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
        });
        const info = must(
            (JSON.parse(out) as { filename: string; files: { path: string }[] }[])[0],
            "the packed tarball's entry in the npm pack output",
        );
        files = info.files.map((f) => f.path).sort();

        consumer = path.join(scratch, "consumer");
        const pkgDir = path.join(consumer, "node_modules", "pulumi-zego-aiagent");
        fs.mkdirSync(pkgDir, { recursive: true });
        execFileSync("tar", ["-xzf", path.join(scratch, path.basename(info.filename)), "--strip-components=1", "-C", pkgDir]);
        // The consumer's other dependencies: the peer @pulumi/pulumi and the package's own dependency axios.
        // Symlinks to this repo's copies, so that the program and the package share one @pulumi/pulumi.
        fs.mkdirSync(path.join(consumer, "node_modules", "@pulumi"), { recursive: true });
        fs.symlinkSync(
            path.join(repo, "node_modules", "@pulumi", "pulumi"),
            path.join(consumer, "node_modules", "@pulumi", "pulumi"),
            "junction",
        );
        fs.symlinkSync(path.join(repo, "node_modules", "axios"), path.join(consumer, "node_modules", "axios"), "junction");
        fs.mkdirSync(path.join(consumer, "node_modules", "@types"), { recursive: true });
        fs.symlinkSync(
            path.join(repo, "node_modules", "@types", "node"),
            path.join(consumer, "node_modules", "@types", "node"),
            "junction",
        );
        fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }));
    });

    after(() => fs.rmSync(scratch, { recursive: true, force: true }));

    it("contains only compiled JS and .d.ts of provider/, emulator/ and the public testing helpers, README.md, LICENSE and package.json", () => {
        const unexpected = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
        expect(unexpected, "files that should not be published").to.deep.equal([]);
        for (const required of [
            "package.json",
            "LICENSE",
            "dist/provider/index.js",
            "dist/provider/index.d.ts",
            "dist/provider/runtime.js",
            "dist/emulator/index.js",
            "dist/testing/index.js",
        ]) {
            expect(files, required).to.include(required);
        }
        expect(files.filter((f) => f.endsWith(".map"))).to.deep.equal([]);
    });

    for (const [moduleResolution, module] of [
        ["node", "commonjs"],
        ["node16", "node16"],
        ["bundler", "esnext"],
    ] as const) {
        it(`type-checks imports of ".", "./runtime", "./emulator" and "./testing" under moduleResolution ${moduleResolution}`, () => {
            const dir = path.join(consumer, `typecheck-${moduleResolution}`);
            fs.mkdirSync(dir, { recursive: true });
            fs.writeFileSync(
                path.join(dir, "check.ts"),
                [
                    'import { AgentInstance, ZegoClient } from "pulumi-zego-aiagent";',
                    'import { providers } from "pulumi-zego-aiagent/runtime";',
                    'import { startEmulator, EmulatorHandle } from "pulumi-zego-aiagent/emulator";',
                    "export const used: unknown[] = [AgentInstance, ZegoClient, providers.Agent];",
                    "export const start: () => Promise<EmulatorHandle> = () => startEmulator({ appId: 1, serverSecret: 's' });",
                    'import { assertNoSecrets, emulatorConfig, startTestEmulator } from "pulumi-zego-aiagent/testing";',
                    "export const config = async () => emulatorConfig(await startTestEmulator());",
                    'export const scan = () => assertNoSecrets(["state"], ["s"]);',
                    "",
                ].join("\n"),
            );
            fs.writeFileSync(
                path.join(dir, "tsconfig.json"),
                JSON.stringify({
                    compilerOptions: {
                        strict: true,
                        noEmit: true,
                        target: "es2022",
                        module,
                        moduleResolution,
                        types: ["node"],
                        skipLibCheck: false,
                    },
                    files: ["check.ts"],
                }),
            );
            const tsc = path.join(repo, "node_modules", "typescript", "bin", "tsc");
            let output = "";
            try {
                execFileSync(process.execPath, [tsc, "-p", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
            } catch (e) {
                output = `${(e as { stdout?: string }).stdout ?? ""}${(e as { stderr?: string }).stderr ?? ""}`;
            }
            expect(output, `tsc (moduleResolution ${moduleResolution})`).to.equal("");
        });
    }

    it('"./testing" loads from the tarball alone: an emulator started, the stack config pointing at it, a leak caught without printing the secret', async () => {
        const requireFromConsumer = createRequire(path.join(consumer, "index.js"));
        const testing = requireFromConsumer("pulumi-zego-aiagent/testing") as typeof import("../../testing");
        expect(requireFromConsumer.resolve("pulumi-zego-aiagent/testing")).to.equal(
            path.join(consumer, "node_modules", "pulumi-zego-aiagent", "dist", "testing", "index.js"),
        );
        const emulator = await testing.startTestEmulator();
        try {
            const config = testing.emulatorConfig(emulator);
            expect(config["zego:endpoint"]).to.deep.equal({ value: emulator.url });
            expect(config["zego:serverSecret"]?.secret).to.equal(true);
            const secret = config["zego:serverSecret"]!.value;
            expect(() => testing.assertNoSecrets([`state: ${secret}`], [secret]))
                .to.throw()
                .that.satisfies((e: Error) => !e.message.includes(secret));
        } finally {
            await emulator.close();
        }
    });

    it("up and destroy an AgentInstance declared with the packed package (exports map + closure serialization)", async () => {
        const requireFromConsumer = createRequire(path.join(consumer, "index.js"));
        // Bare specifiers go through the `exports` map; deep imports are refused.
        const zego = requireFromConsumer("pulumi-zego-aiagent") as typeof import("../../provider");
        const { startEmulator } = requireFromConsumer("pulumi-zego-aiagent/emulator") as typeof import("../../emulator");
        expect(requireFromConsumer.resolve("pulumi-zego-aiagent")).to.equal(
            path.join(consumer, "node_modules", "pulumi-zego-aiagent", "dist", "provider", "index.js"),
        );
        expect(() => requireFromConsumer("pulumi-zego-aiagent/dist/provider/shim")).to.throw(
            /not defined by "exports"|ERR_PACKAGE_PATH_NOT_EXPORTED/,
        );

        const emulator: EmulatorHandle = await startEmulator({ appId: APP_ID, serverSecret: SERVER_SECRET, rateLimitPerSecond: 0 });
        const env = createPulumiEnv();
        const stackName = "consumer";
        const projectName = "zego-consumer";
        try {
            const program = async () => {
                const agent = new zego.Agent("agent", { agentId: "consumer_agent", name: "Consumer" });
                const instance = new zego.AgentInstance("instance", {
                    agentId: agent.agentId,
                    userId: "consumer_user",
                    rtc: {
                        roomId: "consumer_room",
                        agentStreamId: "consumer_agent_stream",
                        agentUserId: "consumer_agent_user",
                        userStreamId: "consumer_user_stream",
                    },
                    llm: { url: "https://llm.example.com/v1/chat/completions", apiKey: "sk-consumer-KEY-1", model: "m" },
                    gracefulShutdownTimeout: 5,
                });
                return { id: instance.agentInstanceId };
            };
            // The consumer project is the work dir: the engine's dynamic-provider host runs there and resolves
            // @pulumi/pulumi and the serialized provider's require("pulumi-zego-aiagent/runtime") from it.
            const stack = await LocalWorkspace.createOrSelectStack(
                { stackName, projectName, program },
                {
                    workDir: consumer,
                    envVars: env.envVars,
                    pulumiCommand: await getPulumiCommand(),
                    projectSettings: { name: projectName, runtime: "nodejs" },
                },
            );
            try {
                await stack.setAllConfig({
                    "zego:appId": { value: String(APP_ID) },
                    "zego:serverSecret": { value: SERVER_SECRET, secret: true },
                    "zego:endpoint": { value: emulator.url },
                });
                const up = await stack.up();
                expect(up.summary.result).to.equal("succeeded");
                expect(emulator.liveInstances().map((i) => i.agentInstanceId)).to.deep.equal([stackOutput(up.outputs, "id")]);

                const state = await stack.exportStack();
                const providers = (state.deployment.resources as { type: string; inputs?: { __provider?: string } }[])
                    .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"))
                    .map((r) => r.inputs?.__provider ?? "");
                expect(providers).to.have.length(2);
                for (const text of providers) {
                    expect(text).to.contain("pulumi-zego-aiagent/runtime");
                    expect(text, "no deep require into the package").to.not.match(/pulumi-zego-aiagent\/dist/);
                }

                await stack.destroy();
                expect(emulator.liveInstances()).to.have.length(0);
                expect(emulator.agents()).to.have.length(0);
            } finally {
                await stack.destroy().catch(() => undefined);
                await stack.workspace.removeStack(stackName).catch(() => undefined);
            }
        } finally {
            await env.cleanup();
            await emulator.close();
        }
    });
});
