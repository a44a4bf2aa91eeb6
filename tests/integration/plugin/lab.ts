/** The set-up the plugin's integration tests share. */
import { EmulatorHandle, startEmulator } from "../../../emulator";
import { secret } from "../../../provider/plugin/values";
import { APP_ID, SERVER_SECRET } from "./credentials";
import { EngineClient } from "./engine";

/**
 * For each test of the calling describe block: an emulator of the test app (no rate limit) and a
 * launched plugin, handed to `use`; both closed after the test. `configured`: Configure the plugin
 * for that emulator first.
 */
export function withEmulatorAndPlugin(use: (em: EmulatorHandle, engine: EngineClient) => void, opts: { configured?: boolean } = {}): void {
    let em: EmulatorHandle | undefined;
    let engine: EngineClient | undefined;
    beforeEach(async () => {
        em = await startEmulator({ appId: APP_ID, serverSecret: SERVER_SECRET, rateLimitPerSecond: 0 });
        engine = await EngineClient.launch();
        if (opts.configured) await engine.configure({ appId: String(APP_ID), serverSecret: secret(SERVER_SECRET), endpoint: em.url });
        use(em, engine);
    });
    afterEach(async () => {
        await engine?.close();
        await em?.close();
    });
}
