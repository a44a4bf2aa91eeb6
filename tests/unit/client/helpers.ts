/** Shared test helpers: a client wired to a scripted peer, error capture with secret checks, fake-time driving. */
import { expect } from "chai";
import sinon, { SinonFakeTimers } from "sinon";
import { inspect } from "util";
import { ClientEvent, Clock, ZegoClient, ZegoClientOptions } from "../../../provider/client";
import { ScriptedPeer, SEEN_SIGNATURES } from "./peer";
import { rejectionOf } from "../../rejection";

export const APP_ID = 12345;
/** Distinctive, so a leak is easy to spot. */
export const SECRET = "f00dfacecafebeef0123456789abcdef";

/** Errors checked so far (the suite asserts it checked some). */
export const checkedErrors: Error[] = [];

/** Fails the test if the error shows the secret, a signature or a signed query anywhere. */
export function assertNoSecrets(err: unknown): void {
    expect(err).to.be.instanceOf(Error);
    const e = err as Error;
    const renderings = [e.message, String(e.stack), inspect(e, { depth: 6, showHidden: true }), JSON.stringify(e)];
    for (const text of renderings) {
        expect(text).not.to.include(SECRET);
        expect(text).not.to.match(/Signature=|SignatureNonce=|\?Action=/);
        for (const signature of SEEN_SIGNATURES) expect(text).not.to.include(signature);
    }
    checkedErrors.push(e);
}

/** The rejection of `promise` (fails if it resolves), checked for secrets. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
    const err = await rejectionOf(promise);
    assertNoSecrets(err);
    return err;
}

/** What `fn` throws (fails if it does not), checked for secrets. */
export function thrown(fn: () => unknown): Error {
    try {
        fn();
    } catch (err) {
        assertNoSecrets(err);
        return err as Error;
    }
    throw new Error("expected a throw");
}

/** An event and the (possibly fake) time it was emitted. */
export type TimedEvent = ClientEvent & { readonly at: number };

export interface TestClient {
    readonly client: ZegoClient;
    readonly events: TimedEvent[];
}

export function makeClient(peer: ScriptedPeer | string, options: Partial<ZegoClientOptions> = {}): TestClient {
    const events: TimedEvent[] = [];
    const client = new ZegoClient({
        appId: APP_ID,
        serverSecret: SECRET,
        endpoint: typeof peer === "string" ? peer : peer.url,
        onEvent: (e) => events.push({ ...e, at: Date.now() }),
        ...options,
    });
    return { client, events };
}

/** A Clock whose waits return at once: they move its time on and are recorded, in the order asked. */
export interface InstantClock extends Clock {
    readonly waits: number[];
}

/**
 * For one call at a time against a scripted peer: its retry backoff costs no real time, and the
 * test can assert the waits the client scheduled.
 */
export function instantClock(startMs = 1_700_000_000_000): InstantClock {
    let now = startMs;
    const waits: number[] = [];
    return {
        waits,
        now: () => now,
        sleep: (ms) => {
            waits.push(ms);
            now += Math.max(0, ms);
            return Promise.resolve();
        },
    };
}

/** Lets real I/O run between fake-timer steps until `promise` settles; returns it (or its rejection). */
export async function settle<T>(promise: Promise<T>, clock: SinonFakeTimers): Promise<T> {
    let done = false;
    promise.then(
        () => (done = true),
        () => (done = true),
    );
    // setImmediate is not faked: each turn gives sockets a chance; a fake timer only fires when
    // one is pending, and then exactly at its scheduled fake time.
    while (!done) {
        await new Promise((resolve) => setImmediate(resolve));
        if (!done && clock.countTimers() > 0) await clock.nextAsync();
    }
    return promise;
}

export function eventsOf(events: readonly TimedEvent[], type: ClientEvent["type"]): TimedEvent[] {
    return events.filter((e) => e.type === type);
}

/** A fresh scripted peer and sinon fake timers (Date and timeouts) at `now` for each test of the suite. */
export function peerOnFakeTime(now: number): { peer: ScriptedPeer; clock: SinonFakeTimers } {
    const ctx = {} as { peer: ScriptedPeer; clock: SinonFakeTimers };
    beforeEach(async () => {
        ctx.peer = await ScriptedPeer.start();
        ctx.clock = sinon.useFakeTimers({ now, toFake: ["setTimeout", "clearTimeout", "Date"] });
    });
    afterEach(async () => {
        ctx.clock.restore();
        await ctx.peer.stop();
    });
    return ctx;
}
