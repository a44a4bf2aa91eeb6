/** The zego plugin as the engine tests and benchmarks get it: the tarball `npm run plugin` builds (npm test builds it first). */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { ensurePulumiCli, PulumiEnv, repoRoot } from "../scripts/pulumi-env";

export function packageVersion(): string {
    return JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8")).version;
}

/** dist/pulumi-resource-zego-v<version>-*.tar.gz; a missing one is an error, never a skip. */
export function pluginTarball(version = packageVersion()): string {
    const dist = path.join(repoRoot(), "dist");
    const found = fs.readdirSync(dist).find((f) => f.startsWith(`pulumi-resource-zego-v${version}-`) && f.endsWith(".tar.gz"));
    if (!found) throw new Error(`no dist/pulumi-resource-zego-v${version}-*.tar.gz: run \`npm run plugin\` (npm test does)`);
    return path.join(dist, found);
}

/**
 * `pulumi plugin install resource zego <version> --file <tarball>` into the env's PULUMI_HOME.
 * Asynchronous: it takes seconds, and stacks (and an in-process emulator) of the same process go on meanwhile.
 */
export async function installPlugin(env: PulumiEnv, version = packageVersion()): Promise<void> {
    await promisify(execFile)(
        path.join(ensurePulumiCli(), "bin", "pulumi"),
        ["plugin", "install", "resource", "zego", version, "--file", pluginTarball(version)],
        {
            env: { ...process.env, ...env.envVars },
        },
    );
}
