/** Which repository files the npm tarball ships: package.json `files`, read as npm reads our globs. */
import * as fs from "fs";
import * as path from "path";

/** npm's `files` globs as used here: `*` within a folder, `**` across folders. */
export function globToRegExp(glob: string): RegExp {
    const body = glob
        .split(/(\*\*\/|\*)/)
        .map((part) => (part === "**/" ? "(?:.*/)?" : part === "*" ? "[^/]*" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")))
        .join("");
    return new RegExp(`^${body}$`);
}

/** Whether the tarball ships `file` (a path relative to the repository root, `/`-separated). */
export function shippedBy(root: string): (file: string) => boolean {
    const { files } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { files: string[] };
    const shipped = files.map(globToRegExp);
    return (file) => shipped.some((re) => re.test(file));
}
