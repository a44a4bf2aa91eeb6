/**
 * What a release says about itself, read from package.json alone: the version, and where the project
 * lives (GitHub owner/repo, from `repository`). The schema, the plugin, the SDKs and the release
 * artifacts all derive from this, so bumping package.json is the whole of a version change.
 */

export interface PackageJson {
    version: string;
    license?: string;
    repository?: string | { type?: string; url: string };
    homepage?: string;
    bugs?: string | { url: string };
}

export interface PackageInfo {
    version: string;
    license: string;
    /** GitHub `owner/repo`. */
    repository: string;
}

const GITHUB = /^(?:git\+)?(?:https?:\/\/|git:\/\/|ssh:\/\/git@|git@)?github\.com[/:]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/;
const OWNER_REPO = /^[\w.-]+\/[\w.-]+$/;

/** `owner/repo` of a package.json `repository` (a GitHub URL in any of npm's spellings, or `github:owner/repo`). */
export function githubRepository(repository: PackageJson["repository"]): string {
    const url = typeof repository === "string" ? repository : repository?.url;
    if (!url) throw new Error("package.json has no `repository`: it names the GitHub repository releases are published to");
    const short = /^(?:github:)?([\w.-]+\/[\w.-]+)$/.exec(url);
    const match = short ? [url, ...short[1]!.split("/")] : GITHUB.exec(url);
    if (!match) throw new Error(`package.json \`repository\` must be a GitHub repository URL, was ${JSON.stringify(url)}`);
    return `${match[1]}/${match[2]}`;
}

/** The package.json fields that name the repository, all derived from `owner/repo`. */
export function repositoryFields(ownerRepo: string): Required<Pick<PackageJson, "repository" | "homepage" | "bugs">> {
    if (!OWNER_REPO.test(ownerRepo)) throw new Error(`a repository must be given as owner/repo, was ${JSON.stringify(ownerRepo)}`);
    return {
        repository: { type: "git", url: `git+https://github.com/${ownerRepo}.git` },
        homepage: `https://github.com/${ownerRepo}#readme`,
        bugs: { url: `https://github.com/${ownerRepo}/issues` },
    };
}

export function packageInfo(pkg: PackageJson): PackageInfo {
    return { version: pkg.version, license: pkg.license ?? "Apache-2.0", repository: githubRepository(pkg.repository) };
}

/** The package.json as released to `ownerRepo` (the release's RELEASE_REPOSITORY); unchanged without one. */
export function releasedPackageJson<T extends PackageJson>(pkg: T, ownerRepo?: string): T {
    return ownerRepo ? { ...pkg, ...repositoryFields(ownerRepo) } : pkg;
}

/** Where `pulumi plugin install` and the SDKs download the plugin: the GitHub releases of the repository. */
export function pluginDownloadURL(info: PackageInfo): string {
    return `github://api.github.com/${info.repository}`;
}
