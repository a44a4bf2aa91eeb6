/**
 * One ZegoClient per (app, endpoint, secret) in the provider process, so that every resource
 * shares one pacing budget and one keep-alive pool: a destroy of 50 instances is paced, not
 * throttled into failure.
 */
import { createHash } from "crypto";
import { ZegoClient } from "../client/client";
import { resolveEndpoint } from "../client/regions";
import { Logger, stderrLogger } from "./log";
import { ZegoConfigError } from "../client/errors";
import { Code } from "../client/codes";
import {
    CONFIG_KEYS,
    ENV_VARS,
    Connection,
    SettingsError,
    configuredTarget,
    endpointOverride,
    endpointProblem,
    requireConnection,
} from "./settings";

const clients = new Map<string, ZegoClient>();

export function clientFor(connection: Connection, endpointOverride?: string, log: Logger = stderrLogger): ZegoClient {
    const endpoint = configuredEndpointUrl(endpointOverride ?? connection.endpoint, connection.region);
    const secretHash = createHash("sha256").update(connection.serverSecret).digest("hex");
    const key = `${connection.appId}|${endpoint}|${secretHash}|${connection.maxRequestsPerSecond ?? ""}|${connection.requestTimeoutMs ?? ""}|${connection.throttleDeadlineSeconds ?? ""}`;
    let client = clients.get(key);
    if (!client) {
        client = new ZegoClient({
            appId: connection.appId,
            serverSecret: connection.serverSecret,
            endpoint,
            maxRequestsPerSecond: connection.maxRequestsPerSecond,
            timeoutMs: connection.requestTimeoutMs,
            ...(connection.throttleDeadlineSeconds === undefined
                ? {}
                : { retry: { throttleDeadlineMs: connection.throttleDeadlineSeconds * 1000 } }),
            onEvent: (event) => {
                if (event.type === "retry" || event.type === "throttled") {
                    log(
                        `${event.action}: ${event.type} (attempt ${event.attempt}${event.reason ? `, ${event.reason}` : ""}${event.delayMs !== undefined ? `, next try in ${event.delayMs} ms` : ""})`,
                    );
                }
            },
        });
        clients.set(key, client);
    }
    return client;
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

/** The client for a new resource: current credentials and endpoint. */
export function clientForNew(): ZegoClient {
    return clientFor(requireConnection());
}

/**
 * The client for an existing resource: its stored app and endpoint (where it lives), unless the
 * operator overrides the endpoint with ZEGO_ENDPOINT at run time.
 */
export function clientForExisting(state: { appId?: unknown; endpoint?: unknown }, what: string): ZegoClient {
    const connection = requireConnection();
    if (typeof state.appId === "number" && state.appId !== connection.appId) {
        throw new SettingsError(
            `${what} belongs to ZEGO app ${state.appId}, but the configured credentials are for app ${connection.appId}. ` +
                `Set ${CONFIG_KEYS.appId} and ${CONFIG_KEYS.serverSecret} to that app's credentials. ${STALE_CONFIG_ADVICE}`,
        );
    }
    const override = endpointOverride();
    const endpoint = override || (typeof state.endpoint === "string" ? state.endpoint : undefined);
    return clientFor(connection, endpoint);
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

/** The endpoint new resources would use now, if credentials are configured (diff uses it; never throws). */
export function configuredEndpoint(): { appId?: number; endpoint?: string } {
    const target = configuredTarget();
    // Without configured credentials (a PR preview from a fork) there is nothing to compare with.
    if (target.appId === undefined) return {};
    try {
        return { appId: target.appId, endpoint: resolveEndpoint({ endpoint: target.endpoint, region: target.region }) };
    } catch {
        return { appId: target.appId };
    }
}

/** For tests: drop cached clients. */
export function resetClients(): void {
    clients.clear();
}
