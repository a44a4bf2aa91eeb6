/**
 * The client as a library, against the emulator over real HTTP (issue 15): an AbortSignal and
 * close() cancel a call the service is still working on; and two clients sharing the app's
 * rate limit (issue 13) both finish every call, adapting to the share they get.
 */
import { expect } from "chai";
import { EmulatorHandle, startEmulator, DEFAULT_APP_ID, DEFAULT_SERVER_SECRET, EmulatorOptions } from "../../../emulator";
import { ZegoAbortError, ZegoClient, ZegoClientOptions } from "../../../provider";

describe("client against the emulator: cancellation and a shared rate limit", function () {
    this.timeout(30_000);
    let emulator: EmulatorHandle;
    const clients: ZegoClient[] = [];
    const newClient = (options: Partial<ZegoClientOptions> = {}) => {
        const client = new ZegoClient({ appId: DEFAULT_APP_ID, serverSecret: DEFAULT_SERVER_SECRET, endpoint: emulator.url, ...options });
        clients.push(client);
        return client;
    };
    const start = async (options: Partial<EmulatorOptions>) =>
        (emulator = await startEmulator({ appId: DEFAULT_APP_ID, serverSecret: DEFAULT_SERVER_SECRET, ...options }));
    const arrived = async (n: number) => {
        while (emulator.requests().length < n) await new Promise((resolve) => setTimeout(resolve, 5));
    };

    afterEach(async () => {
        for (const client of clients.splice(0)) client.close();
        await emulator.close();
    });

    it("an AbortSignal cancels a request the service is still working on", async () => {
        await start({ rateLimitPerSecond: 0, latencyMs: 20_000 });
        const controller = new AbortController();
        const call = newClient({ timeoutMs: 60_000 }).listAgents({}, { signal: controller.signal });
        await arrived(1);
        controller.abort();
        const err = await call.then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(err).to.be.instanceOf(ZegoAbortError);
        expect(err).to.include({ phase: "in flight", attempts: 1, action: "ListAgents" });
    });

    it("close() cancels a hanging call instead of waiting for timeoutMs (old code: hung for the full timeout)", async () => {
        await start({ rateLimitPerSecond: 0, latencyMs: 20_000 });
        const client = newClient({ timeoutMs: 60_000 });
        const call = client.queryAgents(["a"]);
        await arrived(1);
        client.close();
        const err = await call.then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(err).to.be.instanceOf(ZegoAbortError);
        expect((err as Error).message).to.include("QueryAgents was cancelled in flight (the client was closed)");
    });

    it("two clients on one app at its limit of 10/s: every call succeeds; each was throttled and slowed down", async () => {
        await start({ rateLimitPerSecond: 10 });
        const rates: number[][] = [[], []];
        const pair = [0, 1].map((k) =>
            newClient({ onEvent: (e) => e.type === "throttled" && rates[k].push(pair[k].pacingRate("ListAgents")) }),
        );
        const results = await Promise.all(pair.flatMap((client) => Array.from({ length: 30 }, () => client.listAgents())));
        expect(results).to.have.length(60);
        const throttled = pair.map((c) => c.stats.throttled);
        // One limit for both: the emulator's count is theirs together.
        expect(throttled[0] + throttled[1]).to.equal(emulator.stats().throttled);
        expect(emulator.stats().throttled).to.be.greaterThan(0);
        expect(Math.min(...pair.map((c) => c.stats.requests - c.stats.throttled))).to.equal(30);
        expect(Math.min(...rates.flat(), 10), "some client slowed below 10/s").to.be.lessThan(10);
    });
});
