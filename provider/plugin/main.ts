/**
 * The `pulumi-resource-zego` plugin process: serve the provider on a loopback port and print the
 * port on stdout (the engine's handshake). Progress lines go to the engine's Log service (engineLog.ts).
 */
import { routeProcessLog } from "../lifecycle/log";
import { engineAddress, engineLogger } from "./engineLog";
import { packageInfo } from "./packageInfo";
import { buildSchema } from "./schema";
import { startServer } from "./server";

// The package's version is the plugin's (package.json sits three levels above dist/provider/plugin/main.js;
// the bundled plugin has it inlined by the bundler, as released).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const info = packageInfo(require("../../../package.json"));

async function main(): Promise<void> {
    const engine = engineAddress(process.argv.slice(2));
    if (engine !== undefined) routeProcessLog((stderr) => engineLogger(engine, stderr));
    const schema = JSON.stringify(buildSchema(info));
    const { port } = await startServer({ version: info.version, schema: () => schema });
    process.stdout.write(`${port}\n`);
}

main().catch((e: Error) => {
    console.error(`fatal: ${e.stack ?? e.message}`);
    process.exit(1);
});
