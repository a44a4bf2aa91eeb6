/**
 * Shared set-up for the provider integration tests: the provider methods (provider/lifecycle) over a
 * lifecycle context of the test's own (settings over a plain environment object, log lines into an
 * array, a simulated clock shared with the emulator), against a real emulator over real HTTP,
 * configured the way the engine configures them. Nothing global is patched.
 */
import * as http from "http";
import { AddressInfo } from "net";
import { ZegoClient } from "../../../provider/client/client";
import { Clock } from "../../../provider/client/clock";
import { createLifecycleContext, LifecycleContext } from "../../../provider/lifecycle/context";
import { LifecycleProvider } from "../../../provider/lifecycle/provider";
import { lifecycleProviders } from "../../../provider/lifecycle/providers";
import { Settings } from "../../../provider/lifecycle/settings";
import { ResourceKind } from "../../../provider/schema/resources";
import { splitSecrets, withoutSecretWrappers } from "../../../provider/schema/secrets";
import { EmulatorHandle, EmulatorOptions, RequestLogEntry, startEmulator } from "../../../emulator";

export { rejectionOf } from "../../rejection";

export const APP_ID = 1234567890;
export const SERVER_SECRET = "0123456789abcdef0123456789abcdef";

/** What `pulumi.dynamic.Resource` stores as `__provider` (its shape does not matter to the runtime). */
export const PROVIDER_TEXT = 'exports.handler = () => require("pulumi-zego-aiagent/runtime") /* test */';

export type Props = Record<string, unknown>;

/** Props exactly as a resource class hands them to the engine: secrets hoisted into `secrets`, plus `__provider`. */
export function resourceInputs(args: Props): Props {
    const { publicArgs, secrets } = splitSecrets(args);
    const inputs: Props = { ...publicArgs, secrets, __provider: PROVIDER_TEXT };
    for (const key of Object.keys(inputs)) if (inputs[key] === undefined) delete inputs[key];
    return inputs;
}

/** A direct client to arrange the emulator's state behind the provider's back. */
export function directClient(em: EmulatorHandle): ZegoClient {
    return new ZegoClient({ appId: APP_ID, serverSecret: SERVER_SECRET, endpoint: em.url });
}

/** Request log entries of one action, oldest first. */
export function requestsOf(em: EmulatorHandle, action: string): RequestLogEntry[] {
    return em.requests().filter((r) => r.action === action);
}

/**
 * Simulated time: sleeping moves it on at once. The emulator and the provider share it. Alarms (a
 * deadline set alongside other work) fire when time, so moved, reaches them; real waits (a request
 * hanging until the client's timeout) do not move it.
 */
export interface SimulatedClock extends Clock {
    /** Move time on by `ms` without anyone sleeping (ZEGO's timers run out meanwhile). */
    advance(ms: number): void;
}

function simulatedClock(): SimulatedClock & { t: number } {
    const alarms = new Set<{ at: number; ring: () => void }>();
    const moveBy = (ms: number) => {
        clock.t += Math.max(0, ms);
        for (const alarm of [...alarms]) if (clock.t >= alarm.at) alarm.ring();
    };
    const clock = {
        t: Date.now(),
        now: () => clock.t,
        sleep: async (ms: number) => moveBy(ms),
        advance: moveBy,
        alarm: (at: number, signal?: AbortSignal) =>
            new Promise<void>((resolve, reject) => {
                signal?.throwIfAborted();
                if (clock.t >= at) return resolve();
                const entry = {
                    at,
                    ring: () => {
                        alarms.delete(entry);
                        signal?.removeEventListener("abort", onAbort);
                        resolve();
                    },
                };
                const onAbort = () => {
                    alarms.delete(entry);
                    reject(signal!.reason);
                };
                signal?.addEventListener("abort", onAbort, { once: true });
                alarms.add(entry);
            }),
    };
    return clock;
}

/**
 * A recording HTTP proxy in front of the emulator, the endpoint the provider is configured with:
 * it keeps each request body exactly as it left the provider (the emulator's own log redacts
 * secrets) and passes the exchange on unchanged.
 */
async function startRecorder(target: () => string, sent: { action: string; body: Props }[]): Promise<http.Server> {
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => {
            const body = Buffer.concat(chunks);
            const action = new URL(req.url ?? "/", "http://x").searchParams.get("Action") ?? "";
            try {
                sent.push({ action, body: JSON.parse(body.toString("utf8")) as Props });
            } catch {
                sent.push({ action, body: {} });
            }
            const upstream = http.request(
                `${target()}${req.url ?? "/"}`,
                { method: req.method, headers: withoutHost(req.headers), agent: false },
                (answer) => {
                    res.writeHead(answer.statusCode ?? 502, answer.headers);
                    answer.pipe(res);
                },
            );
            upstream.on("error", () => res.destroy());
            res.on("close", () => upstream.destroy());
            upstream.end(body);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return server;
}

function withoutHost(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
    const { host: _host, ...rest } = headers;
    return rest;
}

export interface ProviderTestContext {
    readonly em: EmulatorHandle;
    /** The ZEGO endpoint the provider is configured with (the recorder in front of the emulator). */
    readonly endpoint: string;
    /** Provider log lines of the current test. */
    readonly logs: string[];
    /** Wire bodies as sent (not redacted), with their action. */
    readonly sent: { action: string; body: Props }[];
    /** The `ZEGO_*` environment the provider's settings read (empty at the start of each test). */
    readonly env: Record<string, string | undefined>;
    readonly settings: Settings;
    /** The clock of the provider and of the emulator. */
    readonly clock: SimulatedClock;
    readonly context: LifecycleContext;
    /** The provider of each kind, over `context`. */
    readonly providers: Record<ResourceKind, LifecycleProvider>;
    /**
     * `configure()` as the engine calls it, with the stack config pointing at `endpoint` (an
     * emulator, or this test's endpoint by default) plus `extra`.
     */
    configureStack(extra?: Record<string, string | undefined>, endpoint?: string): void;
}

/**
 * Per test: a fresh emulator (rate limiting off) on the simulated clock behind a recorder, and a
 * clean provider context (no stack config, no cached clients, no ZEGO_* variables).
 */
export function useProviderEnvironment(options: Partial<EmulatorOptions> = {}): ProviderTestContext {
    let em: EmulatorHandle | undefined;
    let recorder: http.Server | undefined;
    let endpoint = "";
    const logs: string[] = [];
    const sent: { action: string; body: Props }[] = [];
    const env: Record<string, string | undefined> = {};
    const settings = new Settings(env);
    const clock = simulatedClock();
    const context = createLifecycleContext({ settings, clock, log: (line) => void logs.push(`[pulumi-zego-aiagent] ${line}`) });
    const providers = lifecycleProviders(context);

    beforeEach(async () => {
        for (const name of Object.keys(env)) delete env[name];
        settings.reset();
        context.clients.clear();
        context.identities.clear();
        logs.length = 0;
        sent.length = 0;
        clock.t = Date.now();
        em = await startEmulator({ appId: APP_ID, serverSecret: SERVER_SECRET, rateLimitPerSecond: 0, now: clock.now, ...options });
        recorder = await startRecorder(() => em!.url, sent);
        endpoint = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
    });

    afterEach(async () => {
        context.clients.clear();
        settings.reset();
        const closed = new Promise<void>((resolve) => (recorder ? recorder.close(() => resolve()) : resolve()));
        recorder?.closeAllConnections();
        await closed;
        recorder = undefined;
        await em?.close();
        em = undefined;
    });

    return {
        get em() {
            return em!;
        },
        get endpoint() {
            return endpoint;
        },
        logs,
        sent,
        env,
        settings,
        clock,
        context,
        providers,
        configureStack(extra = {}, to = endpoint) {
            const values: Record<string, string | undefined> = {
                "zego:appId": String(APP_ID),
                "zego:serverSecret": SERVER_SECRET,
                "zego:endpoint": to,
                ...extra,
            };
            settings.configure({ get: (key) => values[key] });
        },
    };
}

/** A provider over the system clock against a real emulator (rate limiting off), for what real time bounds. */
export interface RealTimeProviderContext {
    readonly em: EmulatorHandle;
    /** Provider log lines of the current test. */
    readonly logs: string[];
    readonly settings: Settings;
    readonly context: LifecycleContext;
    readonly providers: Record<ResourceKind, LifecycleProvider>;
}

/**
 * Per test: a fresh emulator with the agent `demo_agent` registered, the stack config pointing at it,
 * and a provider context on the system clock reading `env` as its `ZEGO_*` variables.
 */
export function useRealTimeProviderEnvironment(env: Record<string, string | undefined> = {}): RealTimeProviderContext {
    let em: EmulatorHandle | undefined;
    const logs: string[] = [];
    const settings = new Settings(env);
    const context = createLifecycleContext({ settings, log: (line) => void logs.push(line) });
    const providers = lifecycleProviders(context);

    beforeEach(async () => {
        logs.length = 0;
        em = await startEmulator({ appId: APP_ID, serverSecret: SERVER_SECRET, rateLimitPerSecond: 0 });
        const values: Record<string, string> = {
            "zego:appId": String(APP_ID),
            "zego:serverSecret": SERVER_SECRET,
            "zego:endpoint": em.url,
        };
        settings.configure({ get: (key) => values[key] });
        const client = directClient(em);
        await client.registerAgent({ agentId: "demo_agent", name: "Demo agent" });
        client.close();
    });
    afterEach(async () => {
        context.clients.clear();
        await em?.close();
        em = undefined;
    });

    return {
        get em() {
            return em!;
        },
        logs,
        settings,
        context,
        providers,
    };
}

/** Simulated milliseconds `fn` takes, with its result. */
export async function timed<T>(clock: Clock, fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
    const started = clock.now();
    const value = await fn();
    return { ms: clock.now() - started, value };
}

/**
 * Props as the engine hands them back to the provider on the next call: secrets the provider marked
 * in its outputs arrive as plain values (the dynamic host does not keep secrets).
 */
export const engineView = withoutSecretWrappers;
