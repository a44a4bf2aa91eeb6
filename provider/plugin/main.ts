/**
 * The `pulumi-resource-zego` plugin process: serve the provider on a loopback port and print the
 * port on stdout (the engine's handshake). Logs go to stderr only.
 */
import { buildSchema } from "./schema";
import { startServer } from "./server";

// The package version is the plugin version (package.json sits two levels above dist/provider/plugin).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const version: string = require("../../../package.json").version;

async function main(): Promise<void> {
    const schema = JSON.stringify(buildSchema(version));
    const { port } = await startServer({ version, schema: () => schema });
    process.stdout.write(`${port}\n`);
}

main().catch((e: Error) => {
    console.error(`fatal: ${e.stack ?? e.message}`);
    process.exit(1);
});
