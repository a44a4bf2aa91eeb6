/**
 * Where the provider's settings come from, in one place.
 *
 * Credentials and endpoint: stack config (`zego:*`, handed to `configure()` by the engine), then the
 * environment (`ZEGO_*`, read when a call is made). `pulumi destroy` does not run the program, so
 * the stack config it sees is the one stored at the last `up`; environment variables are current.
 *
 * Deletion behaviour, highest first: environment (read at delete time, so an operator can change
 * teardown without an `up`), the resource's own settings (from state), stack config, defaults.
 */

/** The subset of the engine's config object we use (`pulumi.dynamic.Config`). */
export interface ConfigReader {
    get(key: string): string | undefined;
}

export const CONFIG_KEYS = {
    appId: "zego:appId",
    serverSecret: "zego:serverSecret",
    region: "zego:region",
    endpoint: "zego:endpoint",
    maxRequestsPerSecond: "zego:maxRequestsPerSecond",
    requestTimeoutMs: "zego:requestTimeoutMs",
    throttleDeadlineSeconds: "zego:throttleDeadlineSeconds",
    gracefulShutdown: "zego:gracefulShutdown",
    gracefulShutdownTimeout: "zego:gracefulShutdownTimeout",
    waitForDeletion: "zego:waitForDeletion",
    deleteWaitMargin: "zego:deleteWaitMargin",
} as const;

export const ENV_VARS = {
    appId: "ZEGO_APP_ID",
    serverSecret: "ZEGO_SERVER_SECRET",
    region: "ZEGO_REGION",
    endpoint: "ZEGO_ENDPOINT",
    maxRequestsPerSecond: "ZEGO_MAX_REQUESTS_PER_SECOND",
    requestTimeoutMs: "ZEGO_REQUEST_TIMEOUT_MS",
    throttleDeadlineSeconds: "ZEGO_THROTTLE_DEADLINE_SECONDS",
    gracefulShutdown: "ZEGO_GRACEFUL_SHUTDOWN",
    gracefulShutdownTimeout: "ZEGO_GRACEFUL_SHUTDOWN_TIMEOUT",
    waitForDeletion: "ZEGO_WAIT_FOR_DELETION",
    deleteWaitMargin: "ZEGO_DELETE_WAIT_MARGIN",
} as const;

type Key = keyof typeof CONFIG_KEYS;

export const DEFAULTS = {
    gracefulShutdown: true,
    gracefulShutdownTimeout: 30,
    waitForDeletion: true,
    /** Seconds to keep polling after the graceful timeout before giving up. */
    deleteWaitMargin: 15,
} as const;

/** Stack config captured by `configure()`. Lives only in the provider process, never in state. */
let stackConfig: Partial<Record<Key, string>> = {};

export function setStackConfig(config: ConfigReader): void {
    const captured: Partial<Record<Key, string>> = {};
    for (const key of Object.keys(CONFIG_KEYS) as Key[]) {
        const value = config.get(CONFIG_KEYS[key]);
        if (value !== undefined && value !== "") captured[key] = value;
    }
    stackConfig = captured;
}

/** For tests: forget the captured stack config. */
export function resetStackConfig(): void {
    stackConfig = {};
}

function fromConfig(key: Key): string | undefined {
    return stackConfig[key];
}

function fromEnv(key: Key): string | undefined {
    const value = process.env[ENV_VARS[key]];
    return value === undefined || value === "" ? undefined : value;
}

export class SettingsError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "SettingsError";
    }
}

export interface Connection {
    appId: number;
    serverSecret: string;
    endpoint?: string;
    region?: string;
    maxRequestsPerSecond?: number;
    /** Per attempt, in milliseconds (the client's timeoutMs; its default when absent). */
    requestTimeoutMs?: number;
    /** How long throttled requests are retried (the client's retry.throttleDeadlineMs / 1000; its default when absent). */
    throttleDeadlineSeconds?: number;
}

/** Where calls go, without the secret: safe to compare, print and store. */
export interface Target {
    appId?: number;
    endpoint?: string;
    region?: string;
}

/** The app and endpoint configured now, if any; used by `diff` (no error when absent: previews need no credentials). */
export function configuredTarget(): Target {
    const appId = fromConfig("appId") ?? fromEnv("appId");
    return {
        appId: appId !== undefined && /^\d+$/.test(appId) ? Number(appId) : undefined,
        endpoint: fromConfig("endpoint") ?? fromEnv("endpoint"),
        region: fromConfig("region") ?? fromEnv("region"),
    };
}

/** The credentials for a call. Fails, naming both the config keys and the variables, when absent. */
export function requireConnection(): Connection {
    const appIdText = fromConfig("appId") ?? fromEnv("appId");
    const serverSecret = fromConfig("serverSecret") ?? fromEnv("serverSecret");
    const missing: string[] = [];
    if (appIdText === undefined) missing.push(`the app id (stack config "${CONFIG_KEYS.appId}" or env ${ENV_VARS.appId})`);
    if (serverSecret === undefined) {
        missing.push(
            `the server secret (stack config "${CONFIG_KEYS.serverSecret}", set with \`pulumi config set --secret ${CONFIG_KEYS.serverSecret} ...\`, or env ${ENV_VARS.serverSecret})`,
        );
    }
    if (missing.length > 0) {
        throw new SettingsError(
            `ZEGO credentials are missing: ${missing.join(" and ")}. They are needed to call the ZEGO API (not for \`pulumi preview\`).`,
        );
    }
    if (!/^\d+$/.test(appIdText!) || Number(appIdText) <= 0 || Number(appIdText) > 0xffffffff) {
        throw new SettingsError(
            `${CONFIG_KEYS.appId} / ${ENV_VARS.appId} must be a positive integer (your ZEGO AppID, up to 4294967295); got ${JSON.stringify(appIdText)}.`,
        );
    }
    const rate = fromConfig("maxRequestsPerSecond") ?? fromEnv("maxRequestsPerSecond");
    const timeout = fromConfig("requestTimeoutMs") ?? fromEnv("requestTimeoutMs");
    const throttleDeadline = fromConfig("throttleDeadlineSeconds") ?? fromEnv("throttleDeadlineSeconds");
    return {
        appId: Number(appIdText),
        serverSecret: serverSecret!,
        endpoint: fromConfig("endpoint") ?? fromEnv("endpoint"),
        region: fromConfig("region") ?? fromEnv("region"),
        maxRequestsPerSecond: rate === undefined ? undefined : parseNumber("maxRequestsPerSecond", rate, 0, 10000),
        requestTimeoutMs: timeout === undefined ? undefined : parseNumber("requestTimeoutMs", timeout, 1, 600000),
        throttleDeadlineSeconds:
            throttleDeadline === undefined ? undefined : parseNumber("throttleDeadlineSeconds", throttleDeadline, 1, 86400),
    };
}

export interface DeletionSettings {
    gracefulShutdown: boolean;
    /** Seconds, 1..120. */
    gracefulShutdownTimeout: number;
    waitForDeletion: boolean;
}

export interface OwnDeletionSettings {
    gracefulShutdown?: boolean;
    gracefulShutdownTimeout?: number;
    waitForDeletion?: boolean;
}

/** The resource's settings over stack config over defaults; what state records at create/update. */
export function deletionSettingsWithoutEnv(own: OwnDeletionSettings): DeletionSettings {
    return {
        gracefulShutdown:
            own.gracefulShutdown ?? parseBool("gracefulShutdown", fromConfig("gracefulShutdown")) ?? DEFAULTS.gracefulShutdown,
        gracefulShutdownTimeout:
            own.gracefulShutdownTimeout ?? parseTimeout(fromConfig("gracefulShutdownTimeout")) ?? DEFAULTS.gracefulShutdownTimeout,
        waitForDeletion: own.waitForDeletion ?? parseBool("waitForDeletion", fromConfig("waitForDeletion")) ?? DEFAULTS.waitForDeletion,
    };
}

/** What delete actually does: the environment over everything else. */
export function effectiveDeletionSettings(own: OwnDeletionSettings): DeletionSettings & { source: string } {
    const base = deletionSettingsWithoutEnv(own);
    const envGraceful = parseBool("gracefulShutdown", fromEnv("gracefulShutdown"));
    const envTimeout = parseTimeout(fromEnv("gracefulShutdownTimeout"));
    const envWait = parseBool("waitForDeletion", fromEnv("waitForDeletion"));
    const overridden = [envGraceful, envTimeout, envWait].some((v) => v !== undefined);
    return {
        gracefulShutdown: envGraceful ?? base.gracefulShutdown,
        gracefulShutdownTimeout: envTimeout ?? base.gracefulShutdownTimeout,
        waitForDeletion: envWait ?? base.waitForDeletion,
        source: overridden ? "environment override" : "resource/stack settings",
    };
}

export function deleteWaitMarginSeconds(): number {
    const text = fromEnv("deleteWaitMargin") ?? fromConfig("deleteWaitMargin");
    return text === undefined ? DEFAULTS.deleteWaitMargin : parseNumber("deleteWaitMargin", text, 0, 600);
}

function parseBool(key: Key, text: string | undefined): boolean | undefined {
    if (text === undefined) return undefined;
    const t = text.trim().toLowerCase();
    if (["true", "1", "yes"].includes(t)) return true;
    if (["false", "0", "no"].includes(t)) return false;
    throw new SettingsError(`${describeSource(key)} must be true or false; got ${JSON.stringify(text)}.`);
}

function parseTimeout(text: string | undefined): number | undefined {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!/^\s*\d+\s*$/.test(text) || n < 1 || n > 120) {
        throw new SettingsError(
            `${describeSource("gracefulShutdownTimeout")} must be an integer from 1 to 120 (seconds); got ${JSON.stringify(text)}.`,
        );
    }
    return n;
}

function parseNumber(key: Key, text: string, min: number, max: number): number {
    const n = Number(text);
    if (text.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
        throw new SettingsError(`${describeSource(key)} must be a number from ${min} to ${max}; got ${JSON.stringify(text)}.`);
    }
    return n;
}

function describeSource(key: Key): string {
    return `${CONFIG_KEYS[key]} / ${ENV_VARS[key]}`;
}
