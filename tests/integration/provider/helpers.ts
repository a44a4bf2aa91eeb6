/**
 * Shared set-up for the provider integration tests: the provider methods (provider/runtime.ts)
 * against a real emulator over real HTTP, configured the way the engine configures them.
 */
import * as sinon from "sinon";
import { ZegoClient } from "../../../provider/client/client";
import { Transport } from "../../../provider/client/transport";
import { resetClients } from "../../../provider/lifecycle/clients";
import { ENV_VARS, resetStackConfig } from "../../../provider/lifecycle/settings";
import { configure } from "../../../provider/runtime";
import { splitSecrets } from "../../../provider/schema/secrets";
import { EmulatorHandle, EmulatorOptions, RequestLogEntry, startEmulator } from "../../../emulator";

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

/** `configure()` as the engine calls it, with the stack config pointing at the emulator. */
export function configureStack(em: EmulatorHandle, extra: Record<string, string | undefined> = {}): void {
    const values: Record<string, string | undefined> = {
        "zego:appId": String(APP_ID),
        "zego:serverSecret": SERVER_SECRET,
        "zego:endpoint": em.url,
        ...extra,
    };
    configure({ get: (key) => values[key] });
}

/** A direct client to arrange the emulator's state behind the provider's back. */
export function directClient(em: EmulatorHandle): ZegoClient {
    return new ZegoClient({ appId: APP_ID, serverSecret: SERVER_SECRET, endpoint: em.url });
}

/** Request log entries of one action, oldest first. */
export function requestsOf(em: EmulatorHandle, action: string): RequestLogEntry[] {
    return em.requests().filter((r) => r.action === action);
}

export interface ProviderTestContext {
    readonly em: EmulatorHandle;
    /** Provider log lines (stderr) of the current test. */
    readonly logs: string[];
    /** Wire bodies as sent (not redacted), with their action. */
    readonly sent: { action: string; body: Props }[];
}

/**
 * Per test: a fresh emulator (rate limiting off), a clean provider (no stack config, no cached
 * clients, no ZEGO_* variables), provider log lines captured instead of printed, and a spy on the
 * transport that records the exact wire bodies. Everything is restored afterwards.
 */
export function useProviderEnvironment(options: Partial<EmulatorOptions> = {}): ProviderTestContext {
    let em: EmulatorHandle | undefined;
    const logs: string[] = [];
    const sent: { action: string; body: Props }[] = [];
    let savedEnv: Record<string, string | undefined> = {};
    let originalWrite: typeof process.stderr.write | undefined;
    let sandbox: sinon.SinonSandbox | undefined;

    beforeEach(async () => {
        savedEnv = {};
        for (const name of Object.keys(process.env)) {
            if (name.startsWith("ZEGO_")) {
                savedEnv[name] = process.env[name];
                delete process.env[name];
            }
        }
        for (const name of Object.values(ENV_VARS)) if (!(name in savedEnv)) savedEnv[name] = undefined;
        resetStackConfig();
        resetClients();
        logs.length = 0;
        sent.length = 0;

        originalWrite = process.stderr.write;
        const write = originalWrite;
        process.stderr.write = function (this: unknown, chunk: unknown, ...rest: unknown[]) {
            if (typeof chunk === "string" && chunk.startsWith("[pulumi-zego-aiagent]")) {
                logs.push(chunk.trimEnd());
                return true;
            }
            return (write as (...a: unknown[]) => boolean).call(process.stderr, chunk, ...rest);
        } as typeof process.stderr.write;

        sandbox = sinon.createSandbox();
        const realSend = Transport.prototype.send;
        sandbox.stub(Transport.prototype, "send").callsFake(function (this: Transport, query, body, opts) {
            sent.push({ action: query.Action, body: JSON.parse(JSON.stringify(body)) as Props });
            return realSend.call(this, query, body, opts);
        });

        em = await startEmulator({ appId: APP_ID, serverSecret: SERVER_SECRET, rateLimitPerSecond: 0, ...options });
    });

    afterEach(async () => {
        sandbox?.restore();
        if (originalWrite) process.stderr.write = originalWrite;
        for (const [name, value] of Object.entries(savedEnv)) {
            if (value === undefined) delete process.env[name];
            else process.env[name] = value;
        }
        resetStackConfig();
        resetClients();
        await em?.close();
        em = undefined;
    });

    return {
        get em() {
            return em!;
        },
        logs,
        sent,
    };
}

/** Milliseconds `fn` takes, with its result. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
    const started = Date.now();
    const value = await fn();
    return { ms: Date.now() - started, value };
}

/** The rejection of `promise` (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
    try {
        await promise;
    } catch (e) {
        return e as Error & Record<string, unknown>;
    }
    throw new Error("expected the call to fail, but it succeeded");
}

/** Pulumi's secret wrapper as a provider returns it (`{ [sig]: secretSig, value }`). */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

/**
 * Props as the engine hands them back to the provider on the next call: secrets the provider marked
 * in its outputs arrive as plain values (the dynamic host does not keep secrets).
 */
export function engineView(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(engineView);
    if (value === null || typeof value !== "object") return value;
    if (SECRET_SIG_KEY in value) return engineView((value as unknown as { value: unknown }).value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, engineView(v)]));
}
