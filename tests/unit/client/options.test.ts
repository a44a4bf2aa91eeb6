import { expect } from "chai";
import { inspect } from "util";
import { ZegoClient, ZegoClientOptions, ZegoConfigError } from "../../../provider/client";
import { APP_ID, makeClient, SECRET, thrown } from "./helpers";
import { ScriptedPeer } from "./peer";

/** Builds a client from deliberately bad options (any JS caller can pass these). */
function make(options: Record<string, unknown>): ZegoClient {
    return new ZegoClient(options as unknown as ZegoClientOptions);
}

function configError(options: Record<string, unknown>, option: string): ZegoConfigError {
    const err = thrown(() => make(options));
    expect(err).to.be.instanceOf(ZegoConfigError);
    expect((err as ZegoConfigError).option).to.equal(option);
    expect(err.message).to.include(`"${option}"`);
    return err as ZegoConfigError;
}

describe("client: options", () => {
    let peer: ScriptedPeer;
    before(async () => (peer = await ScriptedPeer.start()));
    after(async () => peer.stop());

    const base = () => ({ appId: APP_ID, serverSecret: SECRET, endpoint: peer.url });

    it("accepts an AppId as a number or a string of digits", () => {
        expect(make({ ...base(), appId: 1234567890 }).appId).to.equal(1234567890);
        expect(make({ ...base(), appId: "1234567890" }).appId).to.equal(1234567890);
        expect(make({ ...base(), appId: 4294967295 }).appId).to.equal(4294967295);
    });

    it("rejects bad AppIds, saying what is allowed and what was given", () => {
        for (const [appId, shown] of [
            [0, "got 0"],
            [-5, "got -5"],
            [1.5, "got 1.5"],
            [4294967296, "got 4294967296"],
            ["12a", 'got the string "12a"'],
            ["", "got an empty string"],
            [undefined, "got nothing"],
        ] as const) {
            const err = configError({ ...base(), appId }, "appId");
            expect(err.message).to.include("positive integer").and.include(shown);
        }
    });

    it("rejects a bad ServerSecret without ever showing it", () => {
        expect(configError({ ...base(), serverSecret: "" }, "serverSecret").message).to.include("got an empty string");
        expect(configError({ ...base(), serverSecret: undefined }, "serverSecret").message).to.include("got nothing");
        expect(configError({ ...base(), serverSecret: 42 }, "serverSecret").message).to.include("got a number");
        const padded = configError({ ...base(), serverSecret: `${SECRET}\n` }, "serverSecret");
        expect(padded.message).to.include("whitespace").and.not.include(SECRET);
    });

    it("rejects other bad options, naming the option, the allowed values and the given value", () => {
        expect(configError({ ...base(), endpoint: undefined, region: "moon" }, "region").message)
            .to.include('"moon"')
            .and.include('"fra"');
        expect(configError({ ...base(), endpoint: "http://example.com" }, "endpoint").message).to.include("loopback");
        expect(configError({ ...base(), timeoutMs: 0 }, "timeoutMs").message).to.include("got 0");
        expect(configError({ ...base(), maxRequestsPerSecond: -1 }, "maxRequestsPerSecond").message).to.include("got -1");
        expect(configError({ ...base(), retry: { maxAttempts: 0 } }, "retry.maxAttempts").message).to.include("from 1 to 100");
        expect(configError({ ...base(), retry: { deadlineMs: "60s" } }, "retry.deadlineMs").message).to.include('"60s"');
        expect(configError({ ...base(), retry: { baseDelayMs: 500, maxDelayMs: 100 } }, "retry.maxDelayMs").message).to.include(
            ">= retry.baseDelayMs",
        );
        expect(configError({ ...base(), retry: { tries: 3 } }, "retry.tries").message).to.include("retry.maxAttempts");
        expect(configError({ ...base(), retry: true }, "retry").message).to.include("got true");
        expect(configError({ ...base(), throttle: { httpStatuses: [429, 99] } }, "throttle.httpStatuses[1]").message).to.include("got 99");
        expect(configError({ ...base(), onEvent: "log" }, "onEvent").message).to.include("a function");
        expect(configError({ ...base(), regoin: "fra" }, "regoin").message)
            .to.include("allowed:")
            .and.include("region");
    });

    it("fails before any request is sent", () => {
        const before = peer.received.length;
        thrown(() => make({ ...base(), serverSecret: "" }));
        thrown(() => make({ ...base(), retry: { maxAttempts: -1 } }));
        expect(peer.received.length).to.equal(before);
    });

    it("accepts retry: false, pacing off, and custom throttle signals", () => {
        const client = make({ ...base(), retry: false, maxRequestsPerSecond: Infinity, throttle: { httpStatuses: [429, 420], codes: [] } });
        expect(client.endpoint).to.equal(peer.url);
        client.close();
    });

    it("never shows the ServerSecret in JSON, util.inspect or its own keys", () => {
        const { client } = makeClient(peer);
        expect(JSON.stringify(client)).not.to.include(SECRET);
        expect(inspect(client, { showHidden: true, depth: 10 })).not.to.include(SECRET);
        expect(Object.keys(client)).to.have.members(["appId", "endpoint"]);
        expect(JSON.parse(JSON.stringify(client))).to.deep.equal({ appId: APP_ID, endpoint: peer.url });
        expect(inspect(client)).to.include("appId: 12345");
        client.close();
    });
});
