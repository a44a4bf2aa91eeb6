/** Writes provider/plugin/schema.json from the field table: `node dist/provider/plugin/writeSchema.js [out]`. */
import * as fs from "fs";
import * as path from "path";
import { PackageJson, packageInfo, releasedPackageJson } from "./packageInfo";
import { buildSchema } from "./schema";

export const SCHEMA_FILE = path.resolve(__dirname, "../../../provider/plugin/schema.json");

export function readPackageJson(): PackageJson {
    return JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../../package.json"), "utf8"));
}

/** The schema as committed (package.json's repository) or as released to `ownerRepo`. */
export function schemaText(ownerRepo?: string): string {
    return `${JSON.stringify(buildSchema(packageInfo(releasedPackageJson(readPackageJson(), ownerRepo))), null, 2)}\n`;
}

if (require.main === module) {
    const out = process.argv[2] ?? SCHEMA_FILE;
    fs.writeFileSync(out, schemaText(process.argv[3]));
    console.error(`wrote ${out}`);
}
