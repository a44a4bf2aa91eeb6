/**
 * Everything the lifecycle takes from the world, in one object: where settings come from, how
 * clients are made, the clock it waits on and where progress lines go. The provider process makes
 * one (provider/runtime.ts: stack config and process.env, real clients, the system clock, stderr);
 * tests make their own, so nothing needs patching.
 */
import { ZegoClient } from "../client/client";
import { Clock, systemClock } from "../client/clock";
import { ClientFactory, ClientPool } from "./clients";
import { Logger, processLogger } from "./log";
import { IdentityLedger } from "./identities";
import { Settings } from "./settings";

export interface LifecycleContext {
    readonly settings: Settings;
    /** Clients made by the context's factory, one per app, endpoint and secret. */
    readonly clients: ClientPool;
    /** Time for the delete wait and for the clients' retries and pacing. */
    readonly clock: Clock;
    readonly log: Logger;
    /** RTC ids taken by this deployment's creates (identities.ts), to explain a delete that finds its instance kicked. */
    readonly identities: IdentityLedger;
}

export interface LifecycleContextOptions {
    /** Default: a Settings over process.env, configured by the provider's `configure`. */
    settings?: Settings;
    /** Default: `new ZegoClient(options)`. */
    createClient?: ClientFactory;
    /** Default: Date.now and setTimeout. */
    clock?: Clock;
    /** Default: stderr, which the engine shows in the CLI output. */
    log?: Logger;
}

export function createLifecycleContext(options: LifecycleContextOptions = {}): LifecycleContext {
    const settings = options.settings ?? new Settings();
    const clock = options.clock ?? systemClock;
    const log = options.log ?? processLogger;
    const createClient = options.createClient ?? ((o) => new ZegoClient(o));
    return { settings, clock, log, clients: new ClientPool({ settings, createClient, clock, log }), identities: new IdentityLedger() };
}
