/**
 * Records tests/fixtures/state/<file> (default upgrade-v2.json): the state (secrets encrypted) that
 * this version of the provider writes for a small stack, with the emulator URL and ids made
 * placeholders. The e2e upgrade test imports each fixture and refreshes, updates and destroys it
 * with the current code. Record a new file only when the state shape changes on purpose, and keep
 * the old ones: new code must still handle old state (upgrade-v1.json is 0.1.0's).
 *
 *   npm run build && node dist/scripts/record-upgrade-fixture.js [upgrade-vN.json]
 */
import * as fs from "fs";
import * as path from "path";
import { emulatorConfig, startTestEmulator, withStack } from "../tests/harness/engine";
import { UPGRADE_STACK, upgradeProgram } from "../tests/harness/upgradeProgram";
import { repoRoot, stackOutput } from "./pulumi-env";

async function main(fileName = "upgrade-v2.json"): Promise<void> {
    const emulator = await startTestEmulator();
    try {
        await withStack(
            () => upgradeProgram(),
            emulatorConfig(emulator),
            async (run) => {
                const up = await run.up();
                const instanceId = stackOutput(up.outputs, "instanceId") as string;
                const checkpoint = JSON.parse(await run.exportState());
                const deployment = { version: 3, deployment: checkpoint.checkpoint.latest };
                const text = JSON.stringify(deployment, null, 2)
                    .split(emulator.url)
                    .join("{{ENDPOINT}}")
                    .split(instanceId)
                    .join("{{INSTANCE_ID}}");
                const file = path.join(repoRoot(), "tests", "fixtures", "state", fileName);
                fs.writeFileSync(file, text + "\n");
                process.stdout.write(`recorded ${file} (${text.length} bytes)\n`);
            },
            { stackName: UPGRADE_STACK },
        );
    } finally {
        await emulator.close();
    }
}

main(process.argv[2]).catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
});
