/**
 * `npm run release`: everything a release publishes, in dist/release/ and nowhere else.
 *
 *   pulumi-zego-aiagent-<v>.tgz                       the npm package (npm pack)
 *   pulumi-resource-zego-v<v>-<os>-<arch>.tar.gz      the plugin for each target (plugin.ts TARGETS)
 *   schema.json                                       the Pulumi package schema
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
