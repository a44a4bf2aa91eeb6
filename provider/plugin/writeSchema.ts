/** Writes provider/plugin/schema.json from the field table: `node dist/provider/plugin/writeSchema.js [out]`. */
import * as fs from "fs";
import * as path from "path";
import { buildSchema } from "./schema";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const version: string = require("../../../package.json").version;

export const SCHEMA_FILE = path.resolve(__dirname, "../../../provider/plugin/schema.json");

export function schemaText(v = version): string {
    return `${JSON.stringify(buildSchema(v), null, 2)}\n`;
}

if (require.main === module) {
    const out = process.argv[2] ?? SCHEMA_FILE;
    fs.writeFileSync(out, schemaText());
    console.error(`wrote ${out}`);
}
