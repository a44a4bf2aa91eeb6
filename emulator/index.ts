/**
 * A local emulator of the ZEGOCLOUD AI Agent server API (like LocalStack for AWS): signed
 * requests, documented limits and codes, registered agents, agent instances with a graceful
 * shutdown state machine, rate limiting, and reproducible fault injection; plus a control API
 * to inspect it and make agents busy. See emulator/README.md.
 *
 *   const emulator = await startEmulator({ appId: 1234567890, serverSecret: "..." });
 *   // point the client at emulator.url
 *   emulator.setBusy(instanceId, { status: "SPEAKING", seconds: 5 });
 *   await emulator.close();
 */
import { handleControl } from "./controlRouter";
import { DEFAULTS, Emulator } from "./emulator";
export { DEFAULT_CALLBACK_SECRET } from "./emulator";
import { EmulatorServer, LISTEN_HOST } from "./server";
import type { EmulatorHandle, EmulatorOptions } from "./types";

export * from "./types";
export { EmulatorControl, EmulatorControlError } from "./controlClient";
export { EmulatorRequestError } from "./results";
export { mulberry32 } from "./faults";
export { EMULATED_ACTIONS } from "./actions";
export { REDACTED, redact } from "./redact";

/** The local development pair the CLI uses when ZEGO_APP_ID / ZEGO_SERVER_SECRET are not set. Not a real app. */
export const DEFAULT_APP_ID = 1234567890;
export const DEFAULT_SERVER_SECRET = "0123456789abcdef0123456789abcdef";
export const DEFAULT_OPTIONS = DEFAULTS;

/** Start an emulator on 127.0.0.1 (an ephemeral port unless `port` is given). */
export async function startEmulator(options: EmulatorOptions): Promise<EmulatorHandle> {
    const emulator = new Emulator(options);
    let handle: EmulatorHandle;
    const server = new EmulatorServer(emulator, (req, res, url, body, tooLarge) => handleControl(handle, req, res, url, body, tooLarge));
    emulator.onReset = () => server.dropHung();
    const port = await server.listen(options.port ?? DEFAULTS.port);
    const url = `http://${LISTEN_HOST}:${port}`;
    handle = {
        url,
        port,
        appId: emulator.appId,
        close: async () => {
            emulator.dispose();
            await server.close();
        },
        reset: () => emulator.reset(),
        setOptions: (partial) => emulator.setOptions(partial),
        setFaults: (faults) => emulator.setFaults(faults),
        setBusy: (id, busy) => emulator.setBusy(id, busy),
        script: (id, steps) => emulator.script(id, steps),
        setUserPresent: (id, present) => emulator.setUserPresent(id, present),
        instances: () => emulator.instances(),
        instance: (id) => emulator.instance(id),
        liveInstances: () => emulator.liveInstances(),
        agents: () => emulator.agents(),
        requests: () => emulator.requests(),
        stats: () => emulator.stats(),
        options: () => emulator.options(),
    };
    return handle;
}
