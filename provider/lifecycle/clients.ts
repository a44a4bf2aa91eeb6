/**
 * One ZegoClient per (app, endpoint, secret) per lifecycle context (one in the provider process), so that every resource
 * shares one pacing budget and one keep-alive pool: a destroy of 50 instances is paced, not
 * throttled into failure.
 */
import { createHash } from "crypto";
import type { ZegoClient } from "../client/client";
import type { Clock } from "../client/clock";
import type { ZegoClientOptions } from "../client/options";
import { resolveEndpoint } from "../client/regions";
import type { Logger } from "./log";
import { ZegoConfigError } from "../client/errors";
import { Code } from "../client/codes";
import { CONFIG_KEYS, ENV_VARS, Connection, Settings, SettingsError, endpointProblem } from "./settings";

/** Makes a client (the lifecycle context's factory): `new ZegoClient(options)` in production. */
export type ClientFactory = (options: ZegoClientOptions) => ZegoClient;

export interface ClientPoolOptions {
    settings: Settings;
    createClient: ClientFactory;
    clock: Clock;
    log: Logger;
}

/** The clients of one lifecycle context, made on first use and reused. */
export class ClientPool {
    readonly #clients = new Map<string, ZegoClient>();

    constructor(private readonly options: ClientPoolOptions) {}

    /** The client for a new resource: current credentials and endpoint. */
    forNew(): ZegoClient {
        return this.clientFor(this.options.settings.requireConnection());
    }

    /**
     * The client for an existing resource: its stored app and endpoint (where it lives), unless the
     * operator overrides the endpoint with ZEGO_ENDPOINT at run time.
     */
    forExisting(state: { appId?: unknown; endpoint?: unknown }, what: string): ZegoClient {
        const { settings } = this.options;
        const connection = settings.requireConnection();
        if (typeof state.appId === "number" && state.appId !== connection.appId) {
            throw new SettingsError(
                `${what} belongs to ZEGO app ${state.appId}, but the configured credentials are for app ${connection.appId}. ` +
                    `Set ${CONFIG_KEYS.appId} and ${CONFIG_KEYS.serverSecret} to that app's credentials. ${STALE_CONFIG_ADVICE}`,
            );
        }
        const endpoint = settings.endpointOverride() ?? (typeof state.endpoint === "string" ? state.endpoint : undefined);
        return this.clientFor(connection, endpoint);
    }

    /** Close and forget every client (tests; the provider process simply exits). */
    clear(): void {
        for (const client of this.#clients.values()) client.close();
        this.#clients.clear();
    }

    private clientFor(connection: Connection, endpointOverride?: string): ZegoClient {
        const endpoint = configuredEndpointUrl(endpointOverride ?? connection.endpoint, connection.region);
        const secretHash = createHash("sha256").update(connection.serverSecret).digest("hex");
        const key = `${connection.appId}|${endpoint}|${secretHash}|${connection.maxRequestsPerSecond ?? ""}|${connection.requestTimeoutMs ?? ""}|${connection.throttleDeadlineSeconds ?? ""}`;
        let client = this.#clients.get(key);
        if (!client) {
            const { log } = this.options;
            client = this.options.createClient({
                appId: connection.appId,
                serverSecret: connection.serverSecret,
                endpoint,
                maxRequestsPerSecond: connection.maxRequestsPerSecond,
                timeoutMs: connection.requestTimeoutMs,
                ...(connection.throttleDeadlineSeconds === undefined
                    ? {}
                    : { retry: { throttleDeadlineMs: connection.throttleDeadlineSeconds * 1000 } }),
                clock: this.options.clock,
                onEvent: (event) => {
                    if (event.type === "retry" || event.type === "throttled") {
                        const reason = event.reason ? `, ${event.reason}` : "";
                        const delay = event.delayMs !== undefined ? `, next try in ${event.delayMs} ms` : "";
                        const paced =
                            event.pacedAtPerSecond !== undefined ? ` at the pacing of ${event.pacedAtPerSecond.toFixed(2)} requests/s` : "";
                        log(`${event.action}: ${event.type} (attempt ${event.attempt}${reason}${delay}${paced})`);
                    }
                },
            });
            this.#clients.set(key, client);
        }
        return client;
    }
}

/** resolveEndpoint, with errors naming the stack config key and variable the user set (not the client option). */
function configuredEndpointUrl(endpoint: string | undefined, region: string | undefined): string {
    try {
        return resolveEndpoint({ endpoint, region });
    } catch (e) {
        if (e instanceof ZegoConfigError && (e.option === "endpoint" || e.option === "region")) {
            throw new SettingsError(endpointProblem(e));
        }
        throw e;
    }
}

/**
 * Where credentials changed in stack config take effect. Verified with the real engine
 * (tests/e2e/lifecycle.test.ts): `destroy` and `refresh` configure the provider with the stack
 * config of the last update, and stack config wins over ZEGO_* variables.
 */
export const STALE_CONFIG_ADVICE =
    `\`pulumi destroy\` and \`pulumi refresh\` use the stack config of the last \`pulumi up\`, not the current one, ` +
    `and ${ENV_VARS.appId} / ${ENV_VARS.serverSecret} apply only when the stack config has no value: ` +
    `after changing credentials run \`pulumi up\` first, or \`pulumi destroy --run-program\` (Automation API: destroy({ runProgram: true })).`;

/** Codes that mean "these credentials are not accepted". */
const AUTH_CODES: ReadonlySet<number> = new Set([Code.SignatureError, 100000010, 410000005]);

/** Run a call on an existing resource; a refusal of the credentials gets the advice above. */
export async function withCredentialAdvice<T>(call: () => Promise<T>): Promise<T> {
    try {
        return await call();
    } catch (e) {
        const code = (e as { code?: unknown }).code;
        if (typeof code === "number" && AUTH_CODES.has(code)) {
            (e as Error).message = `${(e as Error).message}. ${STALE_CONFIG_ADVICE}`;
        }
        throw e;
    }
}
