/**
 * The `zego` provider plugin as released: the compiled provider bundled with esbuild into ONE
 * JavaScript file (no node_modules; its dependencies are inside), a launcher per OS family (sh, and
 * .cmd for Windows) that needs only Node.js >= 20 on PATH, and `pulumi plugin install`-able archives.
 *
 *   node dist/scripts/release/plugin.js [dir]   the plugin for this host in dir (default dist/plugin),
 *                                               and dist/pulumi-resource-zego-v<v>-<os>-<arch>.tar.gz
 */
import { execFileSync } from "child_process";
import * as esbuild from "esbuild";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { PackageJson } from "../../provider/plugin/packageInfo";
import { schemaText } from "../../provider/plugin/writeSchema";

export const PLUGIN = "pulumi-resource-zego";
/** The bundled provider, next to the launchers. */
export const PLUGIN_JS = `${PLUGIN}.js`;
export const MIN_NODE_MAJOR = 20;

export interface Target {
    os: "linux" | "darwin" | "windows";
    arch: "amd64" | "arm64";
}

/** What a release publishes (Pulumi's os/arch names, as `pulumi plugin install` asks for them). */
export const TARGETS: readonly Target[] = [
    { os: "linux", arch: "amd64" },
    { os: "linux", arch: "arm64" },
    { os: "darwin", arch: "amd64" },
    { os: "darwin", arch: "arm64" },
    { os: "windows", arch: "amd64" },
];

/** The repository root (this file is scripts/release/ or dist/scripts/release/). */
export function root(): string {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "scripts", "release", "plugin.ts"))) return dir;
        if (path.dirname(dir) === dir) throw new Error(`scripts/release/plugin.ts not found above ${__dirname}`);
    }
}

export function archiveName(version: string, t: Target): string {
    return `${PLUGIN}-v${version}-${t.os}-${t.arch}.tar.gz`;
}

export function hostTarget(): Target {
    const os = process.platform === "win32" ? "windows" : process.platform;
    const arch = process.arch === "x64" ? "amd64" : process.arch;
    if ((os !== "linux" && os !== "darwin" && os !== "windows") || (arch !== "amd64" && arch !== "arm64"))
        throw new Error(`no plugin build for ${process.platform}/${process.arch}`);
    return { os, arch };
}

const NO_NODE = `${PLUGIN}: the zego provider plugin needs Node.js ${MIN_NODE_MAJOR} or later on PATH, and no 'node' was found. Install Node.js >= ${MIN_NODE_MAJOR} (https://nodejs.org) and run pulumi again.`;
const OLD_NODE = (version: string, where: string) =>
    `${PLUGIN}: the zego provider plugin needs Node.js ${MIN_NODE_MAJOR} or later, and the node on PATH (${where}) is ${version}. Install Node.js >= ${MIN_NODE_MAJOR} (https://nodejs.org) and run pulumi again.`;

/**
 * The POSIX launcher. `node --version` (a few ms, unlike a script) checks the version before the
 * bundle loads, so an old Node gets the message, not a syntax error. NODE_COMPILE_CACHE (Node >= 22.1;
 * Node 20 ignores it) keeps the bundle's compiled code between starts, in Node's own default place;
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 */
export function launcherSh(): string {
    return `#!/bin/sh
# ${PLUGIN}: the zego Pulumi resource provider (ZEGOCLOUD AI Agent). Runs ${PLUGIN_JS}, next to
# this file, with the Node.js on PATH (>= ${MIN_NODE_MAJOR}); the engine passes its address as the argument.
dir=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd -P) || exit 1
if ! version=$(node --version 2>/dev/null); then
    echo "${NO_NODE}" >&2
    exit 1
fi
major=\${version#v}
major=\${major%%.*}
case $major in '' | *[!0-9]*) major=0 ;; esac
if [ "$major" -lt ${MIN_NODE_MAJOR} ]; then
    echo "${OLD_NODE("$version", "$(command -v node)")}" >&2
    exit 1
fi
if [ -z "\${NODE_COMPILE_CACHE+x}" ] && [ -z "\${NODE_DISABLE_COMPILE_CACHE:-}" ]; then
    NODE_COMPILE_CACHE="\${TMPDIR:-/tmp}/node-compile-cache"
    export NODE_COMPILE_CACHE
fi
exec node "$dir/${PLUGIN_JS}" "$@"
`;
}

/** cmd.exe's metacharacters in an echoed text (`>=` would redirect). */
const cmdEscape = (text: string) => text.replace(/[<>&|^]/g, "^$&");

/** The Windows launcher (Pulumi runs `<name>.cmd` on Windows); the same checks as the sh one. CRLF line ends. */
export function launcherCmd(): string {
    return [
        "@echo off",
        `rem ${PLUGIN}: the zego Pulumi resource provider (ZEGOCLOUD AI Agent). Runs ${PLUGIN_JS}, next to`,
        `rem this file, with the Node.js on PATH (${MIN_NODE_MAJOR} or later).`,
        "setlocal",
        "where node >nul 2>nul",
        `if errorlevel 1 goto nonode`,
        `for /f "tokens=1 delims=." %%v in ('node --version') do set "ZEGO_NODE_MAJOR=%%v"`,
        `set "ZEGO_NODE_MAJOR=%ZEGO_NODE_MAJOR:v=%"`,
        `if %ZEGO_NODE_MAJOR% LSS ${MIN_NODE_MAJOR} goto oldnode`,
        `if not defined NODE_COMPILE_CACHE if not defined NODE_DISABLE_COMPILE_CACHE set "NODE_COMPILE_CACHE=%TEMP%\\node-compile-cache"`,
        `node "%~dp0${PLUGIN_JS}" %*`,
        "exit /b %errorlevel%",
        ":nonode",
        `echo ${cmdEscape(NO_NODE)} 1>&2`,
        "exit /b 1",
        ":oldnode",
        `for /f "delims=" %%v in ('node --version') do echo ${cmdEscape(OLD_NODE("%%v", "node"))} 1>&2`,
        "exit /b 1",
        "",
    ].join("\r\n");
}

/** What the bundle reads from package.json: only these fields are inlined (not scripts or dependencies). */
const INLINED = ["name", "version", "license", "repository", "homepage", "bugs"] as const;

export interface Bundle {
    js: Buffer;
    /** The license texts of the packages inside the bundle. */
    notices: string;
}

/**
 * Bundles dist/provider/plugin/main.js (run `npm run build` first) with its dependencies. The
 * package.json it requires is `pkg` (as released: RELEASE_REPOSITORY applied), inlined.
 */
export async function bundlePlugin(pkg: PackageJson & { name: string }, repo = root()): Promise<Bundle> {
    const entry = path.join(repo, "dist", "provider", "plugin", "main.js");
    if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run 'npm run build' first`);
    const released = Object.fromEntries(INLINED.filter((k) => pkg[k] !== undefined).map((k) => [k, pkg[k]]));
    const result = await esbuild.build({
        entryPoints: [entry],
        // Paths in the bundle's comments and the metafile are relative to the repository, whatever the cwd.
        absWorkingDir: repo,
        bundle: true,
        platform: "node",
        target: `node${MIN_NODE_MAJOR}`,
        format: "cjs",
        write: false,
        metafile: true,
        logLevel: "warning",
        legalComments: "none",
        banner: { js: `// ${PLUGIN} ${pkg.version}: the zego Pulumi resource provider, bundled (see THIRD-PARTY-NOTICES)` },
        plugins: [
            {
                name: "released-package-json",
                setup(build) {
                    build.onResolve({ filter: /(^|\/)package\.json$/ }, (args) =>
                        path.resolve(args.resolveDir, args.path) === path.join(repo, "package.json")
                            ? { path: "package.json", namespace: "released" }
                            : undefined,
                    );
                    build.onLoad({ filter: /.*/, namespace: "released" }, () => ({ contents: JSON.stringify(released), loader: "json" }));
                },
            },
        ],
    });
    const out = result.outputFiles[0];
    if (!out || result.outputFiles.length !== 1) throw new Error("esbuild: expected one output file");
    return { js: Buffer.from(out.contents), notices: thirdPartyNotices(Object.keys(result.metafile.inputs), repo) };
}

/** Each bundled package's name, version and license text, for redistribution. */
function thirdPartyNotices(inputs: string[], repo: string): string {
    const dirs = new Set<string>();
    for (const input of inputs) {
        const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
        if (m?.[1]) dirs.add(m[1]);
    }
    const parts: string[] = [];
    for (const dir of [...dirs].sort()) {
        const abs = path.join(repo, dir);
        const meta = JSON.parse(fs.readFileSync(path.join(abs, "package.json"), "utf8"));
        const file = fs.readdirSync(abs).find((f) => /^(licen[sc]e|copying)/i.test(f));
        const text = file ? fs.readFileSync(path.join(abs, file), "utf8").trim() : `License: ${meta.license ?? "see the package"}`;
        parts.push(`${meta.name} ${meta.version} (${meta.license ?? "unknown license"})\n\n${text}\n`);
    }
    return `${PLUGIN} bundles the following packages.\n\n${parts.join(`\n${"-".repeat(80)}\n\n`)}`;
}

export interface PluginFiles {
    [name: string]: { content: string | Buffer; executable?: boolean };
}

/** The files of the plugin for one OS: the same bundle for all, the launcher for the OS family. */
export function pluginFiles(t: Target, bundle: Bundle, docs: { readme: string; license: string; schema: string }): PluginFiles {
    const launcher: PluginFiles =
        t.os === "windows" ? { [`${PLUGIN}.cmd`]: { content: launcherCmd() } } : { [PLUGIN]: { content: launcherSh(), executable: true } };
    return {
        ...launcher,
        [PLUGIN_JS]: { content: bundle.js },
        "schema.json": { content: docs.schema },
        "README.md": { content: docs.readme },
        LICENSE: { content: docs.license },
        "THIRD-PARTY-NOTICES": { content: bundle.notices },
    };
}

export function writeFiles(dir: string, files: PluginFiles): void {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, f] of Object.entries(files))
        fs.writeFileSync(path.join(dir, name), f.content, { mode: f.executable ? 0o755 : 0o644 });
}

/** A reproducible tar.gz of dir's files (sorted, fixed times and owners; GNU tar). */
export function archive(dir: string, file: string): void {
    const names = fs.readdirSync(dir).sort();
    const tar = execFileSync(
        "tar",
        ["--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "-cf", "-", "-C", dir, ...names],
        {
            maxBuffer: 1 << 30,
        },
    );
    fs.writeFileSync(file, zlib.gzipSync(tar, { level: 9 }));
}

/** The docs every plugin archive carries. */
export function pluginDocs(repo: string, schema: string): { readme: string; license: string; schema: string } {
    return {
        readme: fs.readFileSync(path.join(repo, "provider", "plugin", "README.md"), "utf8"),
        license: fs.readFileSync(path.join(repo, "LICENSE"), "utf8"),
        schema,
    };
}

async function main(): Promise<void> {
    const repo = root();
    const out = path.resolve(process.argv[2] ?? path.join(repo, "dist", "plugin"));
    const pkg = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8"));
    const t = hostTarget();
    writeFiles(out, pluginFiles(t, await bundlePlugin(pkg, repo), pluginDocs(repo, schemaText())));
    const tarball = path.join(repo, "dist", archiveName(pkg.version, t));
    archive(out, tarball);
    console.error(`plugin: built ${out} and ${tarball}`);
    console.log(out);
}

if (require.main === module)
    main().catch((e: Error) => {
        console.error(`plugin: ERROR: ${e.message}`);
        process.exit(1);
    });
