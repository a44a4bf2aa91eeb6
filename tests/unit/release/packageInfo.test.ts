/** The version and the repository come from package.json alone; everything else derives from them. */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import {
    githubRepository,
    packageInfo,
    PackageJson,
    pluginDownloadURL,
    releasedPackageJson,
    repositoryFields,
} from "../../../provider/plugin/packageInfo";
import { buildSchema } from "../../../provider/plugin/schema";
import { repoRoot } from "../../../scripts/pulumi-env";

const pkg: PackageJson & { name: string } = JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8"));

describe("release: package.json is the one place for the version and the repository", () => {
    it("reads owner/repo from every spelling npm accepts, and refuses what is not GitHub", () => {
        for (const url of [
            "git+https://github.com/o/r.git",
            "https://github.com/o/r",
            "git://github.com/o/r.git",
            "git@github.com:o/r.git",
            "github:o/r",
            "o/r",
        ])
            expect(githubRepository({ url }), url).to.equal("o/r");
        expect(() => githubRepository("https://gitlab.com/o/r")).to.throw(
            /must be a GitHub repository URL, was "https:\/\/gitlab.com\/o\/r"/,
        );
        expect(() => githubRepository(undefined)).to.throw(/no `repository`/);
        expect(() => repositoryFields("not a repo")).to.throw(/owner\/repo, was "not a repo"/);
    });

    it("homepage and bugs are the ones the repository implies", () => {
        const fields = repositoryFields(githubRepository(pkg.repository));
        expect({ repository: pkg.repository, homepage: pkg.homepage, bugs: pkg.bugs }).to.deep.equal(fields);
    });

    it("a release to another repository (RELEASE_REPOSITORY) moves repository, homepage, bugs and pluginDownloadURL together", () => {
        const released = releasedPackageJson(pkg, "acme/zego-fork");
        expect(released.homepage).to.equal("https://github.com/acme/zego-fork#readme");
        expect(released.bugs).to.deep.equal({ url: "https://github.com/acme/zego-fork/issues" });
        const schema = buildSchema(packageInfo(released));
        expect(schema).to.include({
            version: pkg.version,
            pluginDownloadURL: "github://api.github.com/acme/zego-fork",
            repository: "https://github.com/acme/zego-fork",
            publisher: "acme",
        });
        expect(releasedPackageJson(pkg)).to.equal(pkg);
    });

    it("the schema's download URL is the GitHub-releases form `pulumi plugin install` resolves", () => {
        expect(pluginDownloadURL(packageInfo(pkg))).to.match(/^github:\/\/api\.github\.com\/[\w.-]+\/[\w.-]+$/);
    });

    it("docs and examples name the current version wherever they name one (no stale install line)", () => {
        const files = ["README.md", "examples/README.md", "examples/ephemeral-env/README.md", "examples/go-voice-agent/README.md"];
        files.push("examples/yaml-voice-agent/Pulumi.yaml", "examples/voice-agent/package.json");
        for (const dir of ["docs", "provider/plugin"])
            if (fs.existsSync(path.join(repoRoot(), dir)))
                for (const f of fs.readdirSync(path.join(repoRoot(), dir))) if (f.endsWith(".md")) files.push(`${dir}/${f}`);
        const versioned = /(?:pulumi-resource-zego-v|pulumi-zego-aiagent-|resource zego |"pulumi-zego-aiagent": "\^)(\d+\.\d+\.\d+)/g;
        let seen = 0;
        for (const file of files) {
            const text = fs.readFileSync(path.join(repoRoot(), file), "utf8");
            for (const m of text.matchAll(versioned)) {
                seen++;
                expect(m[1], `${file}: ${m[0]}`).to.equal(pkg.version);
            }
        }
        expect(seen).to.be.greaterThan(4);
    });

    it("CHANGELOG.md has a section for this version, and its links point at package.json's repository", () => {
        const changelog = fs.readFileSync(path.join(repoRoot(), "CHANGELOG.md"), "utf8");
        expect(changelog).to.include(`\n## [${pkg.version}]\n`);
        const links = [...changelog.matchAll(/^\[[^\]]+\]: (\S+)$/gm)].map((m) => m[1]);
        expect(links).to.include(`https://github.com/${githubRepository(pkg.repository)}/compare/v0.1.0...v${pkg.version}`);
        for (const link of links) expect(link).to.match(new RegExp(`^https://github\\.com/${githubRepository(pkg.repository)}/`));
    });
});
