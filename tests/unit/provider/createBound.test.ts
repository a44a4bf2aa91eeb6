/**
 * customTimeouts.create on sinon fake timers (the lifecycle context's system clock reads them):
 * the status query after the create is cut off exactly at the bound; a create request in flight
 * is not (its id would be lost), and once answered past the bound the instance is kept in state;
 * a create within the bound leaves no timer behind.
 */
import { expect } from "chai";
import sinon, { SinonFakeTimers } from "sinon";
import { systemClock } from "../../../provider/client/clock";
import type { ZegoClient } from "../../../provider/client/client";
import type { RequestOptions } from "../../../provider/client/options";
import { createLifecycleContext } from "../../../provider/lifecycle/context";
import { PartialCreateError } from "../../../provider/lifecycle/provider";
import { lifecycleProviders } from "../../../provider/lifecycle/providers";
import { Settings } from "../../../provider/lifecycle/settings";
import { validInstanceArgs } from "../../harness/fixtures";

const T0 = Date.UTC(2025, 0, 1);

/** A client whose create answers after `createMs` whatever its signals (as a request in flight does), and whose status query hangs until its signal aborts. */
function fakeClient(createMs: number, statusHangs: boolean) {
    const calls: string[] = [];
    const client = {
        appId: 1234567890,
        endpoint: "https://zego.test",
        close: () => undefined,
        async createAgentInstance(_body: unknown, options?: RequestOptions) {
            calls.push(`create stopSending=${options?.stopSending !== undefined}`);
            await systemClock.sleep(createMs);
            return { agentInstanceId: "i-1" };
        },
        queryAgentInstanceStatus(_id: string, options?: RequestOptions): Promise<{ status: string }> {
            calls.push("status");
            if (!statusHangs) return Promise.resolve({ status: "IDLE" });
            return new Promise((_, reject) =>
                options?.signal?.addEventListener("abort", () => reject(new Error("QueryAgentInstanceStatus was cancelled in flight")), {
                    once: true,
                }),
            );
        },
    };
    return { calls, client: client as unknown as ZegoClient };
}

describe("customTimeouts.create bounds the create (fake timers)", () => {
    let fake: SinonFakeTimers;
    beforeEach(() => {
        fake = sinon.useFakeTimers({ now: T0, toFake: ["setTimeout", "clearTimeout", "Date"] });
    });
    afterEach(() => fake.restore());

    function instanceProvider(client: ZegoClient, log: (line: string) => void = () => undefined) {
        const settings = new Settings({});
        const values: Record<string, string> = { "zego:appId": "1234567890", "zego:serverSecret": "0123456789abcdef0123456789abcdef" };
        settings.configure({ get: (key) => values[key] });
        return lifecycleProviders(createLifecycleContext({ settings, createClient: () => client, log })).AgentInstance;
    }

    async function outcome(work: Promise<unknown>): Promise<{ err?: Error; at: number }> {
        let settled: { err?: Error; at: number } | undefined;
        work.then(
            () => (settled = { at: Date.now() - T0 }),
            (err: Error) => (settled = { err, at: Date.now() - T0 }),
        );
        for (let idle = 0; !settled;) {
            await Promise.resolve();
            if (!settled && fake.countTimers() > 0) {
                idle = 0;
                await fake.nextAsync();
            } else {
                await new Promise((resolve) => setImmediate(resolve));
                if (++idle > 1000) throw new Error(`stuck at ${Date.now() - T0} ms: nothing is left to run`);
            }
        }
        return settled;
    }

    it("a hung status query is cut off at 3 s; the instance is kept in state", async () => {
        const { client } = fakeClient(1_000, true);
        const { err, at } = await outcome(instanceProvider(client).create(validInstanceArgs(), { timeoutSeconds: 3 }));
        expect(at).to.equal(3_000);
        expect(err).to.be.instanceOf(PartialCreateError);
        expect((err as PartialCreateError).id).to.equal("i-1");
        expect(err!.message)
            .to.contain(
                "the status query after the create of agent instance i-1 was cut off by the resource's customTimeouts.create of 3 s, 3.0 s after",
            )
            .and.contain("QueryAgentInstanceStatus was cancelled in flight");
    });

    it("a create request in flight past the bound is not cut off: answered at 5 s, the instance is kept in state", async () => {
        const { client, calls } = fakeClient(5_000, false);
        const { err, at } = await outcome(instanceProvider(client).create(validInstanceArgs(), { timeoutSeconds: 3 }));
        expect(at, "waited for the answer").to.equal(5_000);
        expect(err).to.be.instanceOf(PartialCreateError);
        expect(err!.message).to.contain("ZEGO answered the create request after the bound");
        expect(calls, "the create could be stopped before sending; no status query after the bound").to.deep.equal([
            "create stopSending=true",
        ]);
    });

    it("a create within the bound succeeds and leaves no timer behind", async () => {
        const { client } = fakeClient(1_000, false);
        const { err, at } = await outcome(instanceProvider(client).create(validInstanceArgs(), { timeoutSeconds: 30 }));
        expect(err).to.equal(undefined);
        expect(at).to.equal(1_000);
        expect(fake.countTimers(), "the bound's alarm was cleared").to.equal(0);
    });

    it("a create writes no line of its own (the engine shows each create; each provider line is an engine diagnostic event)", async () => {
        const { client } = fakeClient(1_000, false);
        const lines: string[] = [];
        const { err } = await outcome(
            instanceProvider(client, (line) => void lines.push(line)).create(validInstanceArgs(), { timeoutSeconds: 30 }),
        );
        expect(err).to.equal(undefined);
        expect(lines).to.deep.equal([]);
    });
});
