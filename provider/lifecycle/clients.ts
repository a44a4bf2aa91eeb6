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
import { ZegoApiError, ZegoConfigError } from "../client/errors";
import { Code } from "../client/codes";
import { CONFIG_KEYS, ENV_VARS, Connection, Settings, SettingsError, endpointProblem } from "./settings";
import { ownConnectionOf } from "./target";
import type { Props } from "./state";

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

    /** The client for a new resource: its own connection (the `connection` argument), else the current credentials and endpoint. */
    forNew(args: Props = {}): ZegoClient {
        return this.clientFor(this.connectionOf(args));
    }

    /** A resource's own connection, else the configured one. */
    private connectionOf(props: Props): Connection {
        const own = ownConnectionOf(props);
        return own ? this.options.settings.ownConnection(own as unknown as Connection) : this.options.settings.requireConnection();
    }

    /**
     * The client for an existing resource: its stored app and endpoint, where it was created. Never
     * the endpoint configured now: "not found" counts as gone only where the instance lives, so a
     * stray ZEGO_ENDPOINT or a second emulator cannot make a live instance look deleted (a changed
     * endpoint replaces resources instead: lifecycle/target.ts).
     */
    private forExisting(state: Props, what: string): ZegoClient {
        const connection = this.connectionOf(state);
        if (typeof state.appId === "number" && state.appId !== connection.appId) {
            throw new SettingsError(
                `${what} belongs to ZEGO app ${state.appId}, but the configured credentials are for app ${connection.appId}. ` +
                    `Set ${CONFIG_KEYS.appId} and ${CONFIG_KEYS.serverSecret} to that app's credentials. ${STALE_CONFIG_ADVICE}`,
            );
        }
        return this.clientFor(connection, typeof state.endpoint === "string" ? state.endpoint : undefined);
    }

    /** Run `call` with the client for an existing resource; its failure says where the resource lives and what to do. */
    async onExisting<T>(state: Props, what: string, call: (client: ZegoClient) => Promise<T>): Promise<T> {
        const client = this.forExisting(state, what);
        const own = ownConnectionOf(state) !== undefined;
        const target = {
            what,
            own,
            storedEndpoint: client.endpoint,
            configuredEndpoint: own ? undefined : this.options.settings.configuredEndpoint().endpoint,
        };
        return withExistingAdvice(target, () => call(client));
    }

    /** Close and forget every client (tests; the provider process simply exits). */
    clear(): void {
        for (const client of this.#clients.values()) client.close();
        this.#clients.clear();
    }

    private clientFor(connection: Connection, storedEndpoint?: string): ZegoClient {
        const endpoint = storedEndpoint ?? configuredEndpointUrl(connection.endpoint, connection.region);
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

/** Where the credentials of a resource with its own connection come from: its state, updated by `pulumi up`. */
const OWN_CONNECTION_ADVICE =
    "The resource's connection (appId and serverSecret, kept in state) was refused: set the right serverSecret in its `connection` and run `pulumi up` " +
    "(a new serverSecret only updates the state), then run the command again.";

/** Codes that mean "these credentials are not accepted". */
const AUTH_CODES: ReadonlySet<number> = new Set([Code.SignatureError, 100000010, 410000005]);

/** Where an existing resource lives, and the endpoint new resources would use now (for the advice). */
interface ExistingTarget {
    readonly what: string;
    /** It has its own connection (state holds its credentials): stack config plays no part. */
    readonly own: boolean;
    /** The endpoint in state: where it was created, the only place it is acted on. */
    readonly storedEndpoint?: string;
    /** The endpoint configured now (stack config or ZEGO_ENDPOINT / ZEGO_REGION), if any. */
    readonly configuredEndpoint?: string;
}

/**
 * Run a call on an existing resource, adding what to do to its failure: a refusal of the
 * credentials gets the stale-config advice; a failure to reach the endpoint names where the
 * resource lives and, when it differs, the endpoint configured now, since calls never go there.
 */
async function withExistingAdvice<T>(target: ExistingTarget, call: () => Promise<T>): Promise<T> {
    try {
        return await call();
    } catch (e) {
        const err = e as Error & { code?: unknown; networkCode?: unknown };
        if (typeof err.code === "number" && AUTH_CODES.has(err.code)) {
            err.message = `${err.message}. ${target.own ? OWN_CONNECTION_ADVICE : STALE_CONFIG_ADVICE}`;
        } else if (err instanceof ZegoApiError && (err.networkCode !== undefined || err.code === undefined)) {
            err.message = `${err.message}. ${unreachableAdvice(target)}`;
        }
        throw err;
    }
}

function unreachableAdvice({ what, storedEndpoint, configuredEndpoint }: ExistingTarget): string {
    const at = storedEndpoint ?? "its stored endpoint";
    const moved =
        configuredEndpoint !== undefined && storedEndpoint !== undefined && configuredEndpoint !== storedEndpoint
            ? ` The endpoint configured now is ${configuredEndpoint}; existing resources are never acted on there (an \`up\` replaces them at the new endpoint and deletes the old ones at theirs).`
            : "";
    return (
        `${what} lives at ${at}, where it was created, and calls on it go only there.${moved} ` +
        `If ${at} is down for a while, run the command again once it answers; if it is gone for good and the resource with it, ` +
        `remove the resource from the state with \`pulumi state delete <urn>\`.`
    );
}
