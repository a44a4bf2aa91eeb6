/**
 * Against the emulator over real HTTP: what a repeated request does on the service side (a 500
 * after the work was done), and pacing against its fixed one-second rate-limit windows; an
 * AbortSignal and close() cancelling a call the service is still working on, and two clients
 * sharing the app's rate limit (issues 13 and 15).
 */
import { expect } from "chai";
import { Code, isZegoApiError, ZegoAbortError, ZegoApiError, ZegoClient, ZegoClientOptions } from "../../../provider";
import { EmulatorHandle, EmulatorOptions, startEmulator, DEFAULT_APP_ID, DEFAULT_SERVER_SECRET } from "../../../emulator";
import { rejectionOf } from "../../rejection";
import { SteppedClock } from "./steppedClock";
import { must } from "../../must";

const RTC = { roomId: "room_1", agentStreamId: "agent_stream_1", agentUserId: "agent_user_1", userStreamId: "user_stream_1" };

describe("client against the emulator: repeats and pacing", () => {
    let emulator: EmulatorHandle;
    const clients: ZegoClient[] = [];
    const newClient = (options: Partial<ZegoClientOptions> = {}) => {
        const client = new ZegoClient({ appId: DEFAULT_APP_ID, serverSecret: DEFAULT_SERVER_SECRET, endpoint: emulator.url, ...options });
        clients.push(client);
        return client;
    };

    afterEach(async () => {
        for (const client of clients.splice(0)) client.close();
        await emulator.close();
    });

    describe("HTTP 500 after the work was done", () => {
        // The client backs off with its default policy on a virtual clock shared with the emulator.
        let clock: SteppedClock;
        beforeEach(async () => {
            clock = new SteppedClock(1_700_000_000_000);
            emulator = await startEmulator({
                appId: DEFAULT_APP_ID,
                serverSecret: DEFAULT_SERVER_SECRET,
                rateLimitPerSecond: 0,
                now: clock.now,
            });
        });

        /** A client whose first attempt of `action` gets a 500 after ZEGO did the work; later attempts pass. */
        async function instanceWithOneLostAnswer(action: string): Promise<{ client: ZegoClient; agentInstanceId: string }> {
            const client = newClient({
                clock,
                onEvent: (e) => {
                    clock.observe(e);
                    if (e.type === "retry") emulator.setFaults({});
                },
            });
            await client.registerAgent({ agentId: "agent_1" });
            const { agentInstanceId } = await client.createAgentInstance({ agentId: "agent_1", userId: "user_1", rtc: RTC });
            emulator.setFaults({ http5xxRate: 1, http5xxStatuses: [500], actions: [action], phase: "after" });
            return { client, agentInstanceId };
        }

        it("DeleteAgentInstance is retried; the repeat answers 410001002 (gone) and nothing is left", async () => {
            const { client, agentInstanceId } = await instanceWithOneLostAnswer("DeleteAgentInstance");
            const err = await rejectionOf(client.deleteAgentInstance({ agentInstanceId, gracefulShutdown: false }));
            expect(isZegoApiError(err, Code.InstanceNotFound), String(err)).to.equal(true);
            expect((err as ZegoApiError).attempts).to.equal(2);
            const deletes = emulator.requests().filter((r) => r.action === "DeleteAgentInstance");
            expect(deletes.map((r) => [r.httpStatus, r.code])).to.deep.equal([
                [500, 0],
                [200, Code.InstanceNotFound],
            ]);
            // The repeat arrived after the one backoff the client scheduled, on the emulator's clock.
            expect(clock.sleeps).to.have.length(1);
            expect(must(deletes[1], "deletes[1]").at - must(deletes[0], "deletes[0]").at).to.equal(clock.sleeps[0]);
            expect(emulator.instances().find((i) => i.agentInstanceId === agentInstanceId)?.state).to.equal("deleted");
        });

        it("AddAgentInstanceMsg is not repeated: the messages are in the list once, and the error says why", async () => {
            const { client, agentInstanceId } = await instanceWithOneLostAnswer("AddAgentInstanceMsg");
            const err = (await rejectionOf(
                client.addAgentInstanceMsg({ agentInstanceId, messages: [{ role: "user", content: "only once" }] }),
            )) as ZegoApiError;
            expect(err).to.be.instanceOf(ZegoApiError);
            expect(err).to.include({ httpStatus: 500, ambiguous: true, retryable: false, attempts: 1 });
            expect(err.message).to.include("may or may not have been added").and.include("GetAgentInstanceMsgList");
            const list = await client.getAgentInstanceMsgList(agentInstanceId);
            expect(list.messageList.filter((m) => m.content === "only once")).to.have.length(1);
        });

        it("SendAgentInstanceTTS is not repeated: one TTS request reached the service", async () => {
            const { client, agentInstanceId } = await instanceWithOneLostAnswer("SendAgentInstanceTTS");
            const err = (await rejectionOf(client.sendAgentInstanceTts({ agentInstanceId, text: "hello" }))) as ZegoApiError;
            expect(err).to.include({ httpStatus: 500, ambiguous: true, retryable: false, attempts: 1 });
            expect(err.message).to.include("a retry could make the agent say it twice");
            expect(emulator.requests().filter((r) => r.action === "SendAgentInstanceTTS")).to.have.length(1);
        });
    });

    describe("pacing against fixed one-second windows (on a virtual clock shared with the emulator)", () => {
        const SECOND = 1_700_000_000_000; // a window boundary of the emulator's clock

        // At a window boundary, mid-window and just before a boundary: pacing must not depend on
        // where the burst falls in the emulator's fixed windows.
        for (const offsetMs of [0, 500, 950]) {
            it(`a burst of 30 calls to one action at the default 10/s is never throttled (starting ${offsetMs} ms into a window)`, async () => {
                const clock = new SteppedClock(SECOND + offsetMs);
                emulator = await startEmulator({
                    appId: DEFAULT_APP_ID,
                    serverSecret: DEFAULT_SERVER_SECRET,
                    rateLimitPerSecond: 10,
                    latencyMs: 30,
                    now: clock.now,
                });
                const client = newClient({ clock, onEvent: clock.observe });
                await Promise.all(Array.from({ length: 30 }, (_, i) => client.queryAgents([`agent_${i}`])));
                expect(client.stats).to.include({ requests: 30, throttled: 0, retries: 0 });
                expect(emulator.stats().throttled).to.equal(0);
                // Arrival times on the emulator's clock: ten at once, then each token back after
                // one period plus the 5% margin (PACING_MARGIN), so the last ten arrive at 2.1 s.
                const arrivals = emulator.requests().map((r) => r.at - (SECOND + offsetMs));
                expect(arrivals).to.deep.equal([...Array(10).fill(0), ...Array(10).fill(1050), ...Array(10).fill(2100)]);
                const perWindow = new Map<number, number>();
                for (const w of emulator.requests().map((r) => Math.floor(r.at / 1000))) perWindow.set(w, (perWindow.get(w) ?? 0) + 1);
                expect(Math.max(...perWindow.values()), "calls in one fixed window").to.be.at.most(10);
                // The client's own waits: the rate limiter slept one period plus the margin, twice.
                expect(clock.sleeps).to.deep.equal([1050, 1050]);
            });
        }
    });

    describe("cancellation and a shared rate limit (the client as a library)", function () {
        this.timeout(30_000);
        const start = async (options: Partial<EmulatorOptions>) =>
            (emulator = await startEmulator({ appId: DEFAULT_APP_ID, serverSecret: DEFAULT_SERVER_SECRET, ...options }));
        const arrived = async (n: number) => {
            while (emulator.requests().length < n) await new Promise((resolve) => setTimeout(resolve, 5));
        };

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
            // One virtual clock for both clients and the emulator: the throttling, backing off and
            // slowing down happen without waiting in real time.
            const clock = new SteppedClock(1_700_000_000_000);
            await start({ rateLimitPerSecond: 10, now: clock.now });
            const rates: number[][] = [[], []];
            const pair = [0, 1].map((k) =>
                newClient({
                    clock,
                    onEvent: (e) => {
                        clock.observe(e);
                        if (e.type === "throttled") must(rates[k], "rates[k]").push(must(pair[k], "pair[k]").pacingRate("ListAgents"));
                    },
                }),
            );
            const results = await Promise.all(pair.flatMap((client) => Array.from({ length: 30 }, () => client.listAgents())));
            expect(results).to.have.length(60);
            const throttled = pair.map((c) => c.stats.throttled);
            // One limit for both: the emulator's count is theirs together.
            expect(must(throttled[0], "throttled[0]") + must(throttled[1], "throttled[1]")).to.equal(emulator.stats().throttled);
            expect(emulator.stats().throttled).to.be.greaterThan(0);
            expect(Math.min(...pair.map((c) => c.stats.requests - c.stats.throttled))).to.equal(30);
            expect(Math.min(...rates.flat(), 10), "some client slowed below 10/s").to.be.lessThan(10);
        });
    });
});
