/** The zego plugin as the engine tests and benchmarks get it: the tarball `npm run plugin` builds (npm test builds it first). */
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { ConfigMap, LocalWorkspace } from "@pulumi/pulumi/automation";
import type { EmulatorHandle } from "../../emulator";
import { createPulumiEnv, ensurePulumiCli, getPulumiCommand, PulumiEnv, repoRoot } from "../../scripts/pulumi-env";
import { CheckedStack, checkedStack, stateFileOf } from "./engine";

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

/** The directory of `pulumi-language-yaml` (scripts/ensure-language-yaml.sh builds it once and prints it last). */
export function yamlLanguageDir(): string {
    const out = execFileSync("bash", [path.join(repoRoot(), "scripts", "ensure-language-yaml.sh")], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    const dir = out.trim().split("\n").pop()?.trim();
    if (!dir) throw new Error("scripts/ensure-language-yaml.sh printed no directory");
    return dir;
}

export interface YamlPluginStackOptions {
    /** The Pulumi.yaml text (its `name:` is the project). */
    program: string;
    stackName: string;
    config: ConfigMap;
    /** The emulators whose live instances must all be in the stack's state after each operation. */
    emulators: () => EmulatorHandle[];
    onOutput: (line: string) => void;
}

/**
 * A Pulumi YAML project on the zego plugin, in a fresh hermetic environment: the YAML language host
 * on PATH, the plugin installed from its tarball, the program written, the config set. Its
 * operations are checked by the harness's invariants (`stack.stack` is the plain stack).
 */
export async function yamlPluginStack(
    options: YamlPluginStackOptions,
): Promise<{ env: PulumiEnv; stack: CheckedStack; stateFile: string }> {
    const env = createPulumiEnv();
    env.envVars.PATH = [yamlLanguageDir(), env.envVars.PATH].join(path.delimiter);
    fs.writeFileSync(path.join(env.workDir, "Pulumi.yaml"), options.program);
    await installPlugin(env);
    const project = /^name:\s*(\S+)/m.exec(options.program)?.[1];
    if (!project) throw new Error("the YAML program has no `name:`");
    const stateFile = stateFileOf(env, project, options.stackName);
    const plain = await LocalWorkspace.createOrSelectStack(
        { stackName: options.stackName, workDir: env.workDir },
        { envVars: env.envVars, pulumiCommand: await getPulumiCommand() },
    );
    const stack = checkedStack(plain, { stateFile, emulators: options.emulators }, options.onOutput);
    await stack.stack.setAllConfig(options.config);
    return { env, stack, stateFile };
}
