/**
 * Clock skew against the emulator over real HTTP (issue 10): the client's clock is 11 minutes
 * behind (a skewed clock injected into the client), the emulator answers 100000004 with its
 * Date header, and the client corrects itself with one re-send.
 */
import { expect } from "chai";
import { EmulatorHandle, startEmulator } from "../../../emulator";
import { ZegoClient } from "../../../provider/client";

const APP_ID = 1234567;
const SECRET = "0123456789abcdef0123456789abcdef";
const MINUTE = 60_000;

describe("client + emulator: clock skew", () => {
    let em: EmulatorHandle;
    /** The emulator's clock: fixed at a whole second (the Date header has second resolution). */
    let emulatorNow = 1_700_000_000_000;
    before(
        async () =>
            (em = await startEmulator({
                appId: APP_ID,
                serverSecret: SECRET,
                rateLimitPerSecond: 0,
                now: () => emulatorNow,
            })),
    );
    after(async () => em.close());

    it("the emulator sends a Date header from its own clock", async () => {
        emulatorNow = 1_700_000_000_000 + 3 * 60 * MINUTE;
        const res = await fetch(`${em.url}/?Action=ListAgents`, { method: "POST", body: "{}" });
        emulatorNow = 1_700_000_000_000;
        expect(Date.parse(res.headers.get("date") ?? "")).to.equal(1_700_000_000_000 + 3 * 60 * MINUTE);
    });

    it("a client 11 minutes behind: the first attempt is refused, the corrected one goes through", async () => {
        // The corrected re-send goes at once: any wait fails the call (and the test).
        const skewed = {
            now: () => emulatorNow - 11 * MINUTE,
            sleep: () => Promise.reject(new Error("the client waited before the corrected re-send")),
        };
        const client = new ZegoClient({ appId: APP_ID, serverSecret: SECRET, endpoint: em.url, clock: skewed });
        const before = em.requests().length;
        await client.registerAgent({
            agentId: "skewed",
            name: "Skewed",
            llm: { url: "https://llm.example.com/v1", apiKey: "k-0123456789", model: "m" },
        });
        await client.unregisterAgent("skewed");
        client.close();
        const codes = em
            .requests()
            .slice(before)
            .map((r) => r.code);
        expect(codes).to.deep.equal([100000004, 0, 0]);
        expect(client.clockOffsetMs).to.equal(11 * MINUTE);
    });
});
