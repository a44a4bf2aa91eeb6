/**
 * The zego plugin's cold start and size, before (the folder plugin: compiled JS + 247 packages of
 * node_modules, as provider/plugin/build.sh built it up to 0.1.x) and after bundling (one
 * JavaScript file, scripts/release/plugin.ts), each started through its sh launcher as the engine
 * starts it:
 *   cold start   spawn → port printed → GetPluginInfo answered
 *   first Check  … → Configure → Check of an AgentInstance answered
 * Median of RUNS fresh processes each (interleaved), against `node -e 0` measured in the same run
 * (the floor: what any Node.js plugin pays). Node >= 22.1 also gets the launcher's compile cache
 * measured warm; Node 20 has none (said in the output).
 *
 *   npm run bench:plugin      (prints a RESULT line)
 */
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as nodeModule from "module";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import * as grpc from "@grpc/grpc-js";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { archive, bundlePlugin, hostTarget, PLUGIN, pluginDocs, pluginFiles, root, writeFiles } from "../../scripts/release/plugin";
import { schemaText } from "../../provider/plugin/writeSchema";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

interface Start {
    pluginInfo: number;
    firstCheck: number;
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function call<Res>(client: provrpc.ResourceProviderClient, method: string, req: unknown): Promise<Res> {
    return new Promise((resolve, reject) => {
        const fn = (client as unknown as Record<string, (r: unknown, cb: (e: grpc.ServiceError | null, r: Res) => void) => void>)[method]!;
        fn.call(client, req, (e, r) => (e ? reject(e) : resolve(r)));
    });
}

/** One fresh plugin process through its launcher: the times to GetPluginInfo and to the first Check, in seconds. */
async function start(launcher: string, env: NodeJS.ProcessEnv): Promise<Start> {
    const t0 = performance.now();
    const child = spawn(launcher, ["127.0.0.1:1"], { env, stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const port = await new Promise<number>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
            out += d.toString();
            if (out.includes("\n")) resolve(Number(out.split("\n")[0]));
        });
        child.on("exit", (code) => reject(new Error(`${launcher} exited with ${code}: ${stderr}`)));
    });
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
        await call(client, "getPluginInfo", new emptyproto.Empty());
        const pluginInfo = (performance.now() - t0) / 1000;
        const configure = new provproto.ConfigureRequest();
        configure.setArgs(
            structproto.Struct.fromJavaScript({
                appId: "1234567",
                serverSecret: "0123456789abcdef0123456789abcdef",
                endpoint: "http://127.0.0.1:1",
            }),
        );
        configure.setAcceptsecrets(true);
        await call(client, "configure", configure);
        const check = new provproto.CheckRequest();
        check.setUrn("urn:pulumi:bench::proj::zego:index:AgentInstance::i");
        check.setOlds(structproto.Struct.fromJavaScript({}));
        check.setNews(
            structproto.Struct.fromJavaScript({
                agentId: "bench_agent",
                userId: "bench_user",
                rtc: { roomId: "room", agentStreamId: "as", agentUserId: "au", userStreamId: "us" },
            }),
        );
        await call(client, "check", check);
        return { pluginInfo, firstCheck: (performance.now() - t0) / 1000 };
    } finally {
        client.close();
        const exited = new Promise((r) => child.once("exit", r));
        child.stdin.end(); // the engine going away ends the plugin
        child.kill("SIGTERM");
        await exited;
    }
}

async function nodeFloor(): Promise<number> {
    const t0 = performance.now();
    await new Promise((resolve, reject) => spawn(process.execPath, ["-e", "0"]).on("exit", resolve).on("error", reject));
    return (performance.now() - t0) / 1000;
}

function bytesUnder(dir: string): number {
    let total = 0;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        total += e.isDirectory() ? bytesUnder(p) : e.isFile() ? fs.statSync(p).size : 0;
    }
    return total;
}

/** The folder plugin as provider/plugin/build.sh built it before bundling (production node_modules, cached in .bench/). */
function folderPlugin(repo: string, out: string): string {
    const dep = (name: string) => JSON.parse(fs.readFileSync(path.join(repo, "node_modules", name, "package.json"), "utf8")).version;
    const pkg = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8"));
    const manifest = `${JSON.stringify(
        {
            name: "pulumi-resource-zego",
            version: pkg.version,
            private: true,
            license: pkg.license,
            repository: pkg.repository,
            dependencies: Object.fromEntries(["axios", "@grpc/grpc-js", "google-protobuf", "@pulumi/pulumi"].map((n) => [n, dep(n)])),
        },
        null,
        2,
    )}\n`;
    const reuse = fs.existsSync(path.join(out, "node_modules")) && fs.readFileSync(path.join(out, "package.json"), "utf8") === manifest;
    if (!reuse) {
        fs.rmSync(out, { recursive: true, force: true });
        fs.mkdirSync(out, { recursive: true });
        fs.writeFileSync(path.join(out, "package.json"), manifest);
        console.error("# installing the folder plugin's production dependencies (npm, from its cache when present)");
        execFileSync(
            "npm",
            [
                "install",
                "--omit=dev",
                "--prefer-offline",
                "--no-audit",
                "--no-fund",
                "--no-package-lock",
                "--ignore-scripts",
                "--loglevel=error",
            ],
            {
                cwd: out,
                stdio: ["ignore", "ignore", "inherit"],
            },
        );
    }
    fs.rmSync(path.join(out, "lib"), { recursive: true, force: true });
    fs.cpSync(path.join(repo, "dist", "provider"), path.join(out, "lib", "provider"), {
        recursive: true,
        filter: (f) => !f.endsWith(".d.ts"),
    });
    fs.writeFileSync(path.join(out, "schema.json"), schemaText());
    fs.writeFileSync(
        path.join(out, PLUGIN),
        `#!/bin/sh\ndir="$(dirname "$(readlink -f "$0")")"\nexec node "$dir/lib/provider/plugin/main.js" "$@"\n`,
        {
            mode: 0o755,
        },
    );
    return out;
}

async function main(): Promise<void> {
    const repo = root();
    const work = path.join(repo, ".bench", "plugin-start");
    fs.mkdirSync(work, { recursive: true });
    const pkg = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8"));

    const before = folderPlugin(repo, path.join(work, "folder"));
    const after = path.join(work, "bundle");
    writeFiles(after, pluginFiles(hostTarget(), await bundlePlugin(pkg, repo), pluginDocs(repo, schemaText())));
    const size = (dir: string) => {
        const tgz = `${dir}.tar.gz`;
        archive(dir, tgz);
        return { packed: fs.statSync(tgz).size / 1e6, unpacked: bytesUnder(dir) / 1e6 };
    };
    const sizes = { before: size(before), after: size(after) };

    const compileCache = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === "function";
    const baseEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_DISABLE_COMPILE_CACHE: "1" };
    const cacheDir = path.join(work, "compile-cache");
    fs.rmSync(cacheDir, { recursive: true, force: true });
    const variants: [string, string, NodeJS.ProcessEnv][] = [
        ["before (folder)", path.join(before, PLUGIN), baseEnv],
        ["after (bundle)", path.join(after, PLUGIN), baseEnv],
    ];
    if (compileCache)
        variants.push([
            "after, compile cache",
            path.join(after, PLUGIN),
            { PATH: process.env.PATH, HOME: process.env.HOME, NODE_COMPILE_CACHE: cacheDir },
        ]);

    // One untimed start each (disk cache, and the compile cache's first fill), then RUNS interleaved.
    for (const [, launcher, env] of variants) await start(launcher, env);
    const times = new Map<string, Start[]>(variants.map(([name]) => [name, []]));
    const floor: number[] = [];
    for (let i = 0; i < RUNS; i++) {
        floor.push(await nodeFloor());
        for (const [name, launcher, env] of variants) times.get(name)!.push(await start(launcher, env));
    }
    const nodeS = median(floor);
    console.log(`# plugin start: ${RUNS} runs each, median; node ${process.version}, ${os.cpus().length} CPU(s)`);
    console.log(`# node -e 0: ${nodeS.toFixed(3)} s`);
    console.log(
        compileCache
            ? "# compile cache: measured (the launcher sets NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 for the other rows)"
            : `# compile cache: not available on node ${process.version} (module.enableCompileCache / NODE_COMPILE_CACHE need Node >= 22.1); the launcher turns it on there`,
    );
    console.log(
        "| plugin | GetPluginInfo s | x node -e 0 | first Check s | x node -e 0 | packed MB | unpacked MB |\n|---|---|---|---|---|---|---|",
    );
    const result: Record<string, Start> = {};
    for (const [name] of variants) {
        const runs = times.get(name)!;
        const m = { pluginInfo: median(runs.map((r) => r.pluginInfo)), firstCheck: median(runs.map((r) => r.firstCheck)) };
        result[name] = m;
        const s = name.startsWith("before") ? sizes.before : sizes.after;
        console.log(
            `| ${name} | ${m.pluginInfo.toFixed(3)} | ${(m.pluginInfo / nodeS).toFixed(2)} | ${m.firstCheck.toFixed(3)} | ${(m.firstCheck / nodeS).toFixed(2)} | ${s.packed.toFixed(2)} | ${s.unpacked.toFixed(2)} |`,
        );
    }
    const a = result["after (bundle)"]!;
    const b = result["before (folder)"]!;
    console.log(
        `RESULT plugin_cold_start_s=${a.pluginInfo.toFixed(3)} plugin_first_check_s=${a.firstCheck.toFixed(3)} plugin_packed_mb=${sizes.after.packed.toFixed(2)}` +
            ` plugin_unpacked_mb=${sizes.after.unpacked.toFixed(2)} node_floor_s=${nodeS.toFixed(3)} plugin_cold_start_ratio=${(a.pluginInfo / nodeS).toFixed(2)}` +
            ` before_cold_start_s=${b.pluginInfo.toFixed(3)} before_first_check_s=${b.firstCheck.toFixed(3)} before_packed_mb=${sizes.before.packed.toFixed(2)}` +
            ` before_unpacked_mb=${sizes.before.unpacked.toFixed(2)}`,
    );
}

main().catch((e: Error) => {
    console.error(e.stack ?? e.message);
    process.exit(1);
});
