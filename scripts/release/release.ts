/**
 * `npm run release`: everything a release publishes, in dist/release/ and nowhere else.
 *
 *   pulumi-zego-aiagent-<v>.tgz                       the npm package (npm pack)
 *   pulumi-resource-zego-v<v>-<os>-<arch>.tar.gz      the plugin for each target (plugin.ts TARGETS)
 *   schema.json                                       the Pulumi package schema
 *   pulumi-zego-zego-<v>.tgz                          the Node.js SDK @pulumi-zego/zego (compiled, npm pack)
 *   pulumi_zego-<v>.tar.gz                            the Python SDK pulumi_zego (sdist, pyproject.toml)
 *   goproxy/                                          the Go SDK github.com/<owner>/<repo>/sdk/go as a module proxy serves it
 *   SHA256SUMS                                        of every file above (sha256sum -c format)
 *
 * The version is package.json's; RELEASE_REPOSITORY=owner/repo releases to another GitHub
 * repository than package.json `repository` names (package.json, schema and plugin all follow).
 */
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { releasedPackageJson } from "../../provider/plugin/packageInfo";
import { schemaText } from "../../provider/plugin/writeSchema";
import { writeGoProxy } from "./goproxy";
import { archive, archiveName, bundlePlugin, pluginDocs, pluginFiles, root, TARGETS, writeFiles } from "./plugin";

function log(message: string): void {
    console.error(`release: ${message}`);
}

/** npm pack of the package as released: the files `npm pack` would take from the checkout, with the released package.json. */
function packNpm(repo: string, pkg: object, stage: string, out: string): string {
    const listed = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: repo, encoding: "utf8" }));
    const files: string[] = listed[0].files.map((f: { path: string }) => f.path);
    fs.mkdirSync(stage, { recursive: true });
    for (const file of files) {
        fs.mkdirSync(path.dirname(path.join(stage, file)), { recursive: true });
        fs.copyFileSync(path.join(repo, file), path.join(stage, file));
    }
    fs.writeFileSync(path.join(stage, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
    const packed = JSON.parse(
        execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", out], { cwd: stage, encoding: "utf8" }),
    );
    return packed[0].filename;
}

/** The SDKs generated from the released schema (scripts/gen-sdk.sh), packaged as each language publishes them. */
function sdks(repo: string, schema: string, version: string, stage: string, out: string): void {
    const schemaFile = path.join(stage, "schema.json");
    fs.writeFileSync(schemaFile, schema);
    const sdk = path.join(stage, "sdk");
    execFileSync("bash", [path.join(repo, "scripts", "gen-sdk.sh")], {
        env: { ...process.env, SDKGEN_SCHEMA: schemaFile, SDKGEN_OUT: sdk },
        stdio: ["ignore", "ignore", "inherit"],
    });

    // Node.js: compiled into bin/ (the generated tsconfig's outDir), published from there with its package.json.
    const node = path.join(sdk, "nodejs");
    execFileSync(process.execPath, [path.join(repo, "node_modules", "typescript", "bin", "tsc"), "-p", node], { stdio: "inherit" });
    for (const f of ["package.json", "README.md"]) fs.copyFileSync(path.join(node, f), path.join(node, "bin", f));
    const packed = JSON.parse(
        execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", out], {
            cwd: path.join(node, "bin"),
            encoding: "utf8",
        }),
    );
    log(`Node.js SDK ${packed[0].filename}`);

    // Python: an sdist by the pyproject.toml's own build backend (setuptools), called directly (no isolated build env).
    const python = path.join(sdk, "python");
    fs.copyFileSync(path.join(python, "pulumi_zego", "README.md"), path.join(python, "README.md"));
    const sdist = execFileSync(
        "python3",
        ["-c", "import sys; from setuptools import build_meta as b; print(b.build_sdist(sys.argv[1]))", out],
        {
            cwd: python,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "inherit"],
            env: { ...process.env, SOURCE_DATE_EPOCH: "315532800" },
        },
    );
    log(`Python SDK ${sdist.trim().split("\n").pop()}`);

    // Go: the module at its version, in a module proxy folder.
    const time = new Date(Number(execFileSync("git", ["log", "-1", "--format=%ct"], { cwd: repo, encoding: "utf8" }).trim()) * 1000);
    log(`Go SDK ${writeGoProxy(path.join(sdk, "go"), version, path.join(out, "goproxy"), time)} v${version} in goproxy/`);
}

function sha256sums(dir: string): string {
    const lines: string[] = [];
    const walk = (rel: string) => {
        for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
            const file = path.posix.join(rel, name);
            if (fs.statSync(path.join(dir, file)).isDirectory()) walk(file);
            else if (file !== "SHA256SUMS")
                lines.push(
                    `${crypto
                        .createHash("sha256")
                        .update(fs.readFileSync(path.join(dir, file)))
                        .digest("hex")}  ${file}`,
                );
        }
    };
    walk("");
    return `${lines.join("\n")}\n`;
}

export async function release(repo = root(), ownerRepo = process.env.RELEASE_REPOSITORY || undefined): Promise<string> {
    const pkg = releasedPackageJson(JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")), ownerRepo);
    const out = path.join(repo, "dist", "release");
    const stage = path.join(repo, "dist", "release-stage");
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(stage, { recursive: true, force: true });
    fs.mkdirSync(out, { recursive: true });
    log(`version ${pkg.version}${ownerRepo ? ` for ${ownerRepo}` : ""}`);

    log(`npm package ${packNpm(repo, pkg, path.join(stage, "npm"), out)}`);

    const schema = schemaText(ownerRepo);
    fs.writeFileSync(path.join(out, "schema.json"), schema);
    const bundle = await bundlePlugin(pkg, repo);
    const docs = pluginDocs(repo, schema);
    for (const target of TARGETS) {
        const dir = path.join(stage, `plugin-${target.os}-${target.arch}`);
        writeFiles(dir, pluginFiles(target, bundle, docs));
        archive(dir, path.join(out, archiveName(pkg.version, target)));
    }
    sdks(repo, schema, pkg.version, stage, out);
    log(`plugin archives for ${TARGETS.map((t) => `${t.os}-${t.arch}`).join(", ")} (bundle ${(bundle.js.length / 1e6).toFixed(2)} MB)`);

    fs.writeFileSync(path.join(out, "SHA256SUMS"), sha256sums(out));
    fs.rmSync(stage, { recursive: true, force: true });
    log(`wrote ${out}`);
    return out;
}

if (require.main === module)
    release()
        .then((out) => console.log(out))
        .catch((e: Error) => {
            log(`ERROR: ${e.message}`);
            process.exit(1);
        });
