/**
 * Where the provider's settings come from, in one place.
 *
 * Credentials and endpoint: stack config (`zego:*`, handed to `configure()` by the engine), then the
 * environment (`ZEGO_*`, read when a call is made). `pulumi destroy` does not run the program, so
 * the stack config it sees is the one stored at the last `up`; environment variables are current.
 *
 * Every value is parsed by one rule per key (PARSERS); `validateSettings` applies them all before
 * any API call and in `check`, so a bad value fails `pulumi preview`, never after a create.
 *
 * Deletion behaviour, highest first: environment (read at delete time, so an operator can change
 * teardown without an `up`), the resource's own settings (from state), stack config, defaults.
 */

import { resolveEndpoint } from "../client/regions";
import { ZegoConfigError } from "../client/errors";
import type { DeletionSettings, OwnDeletionSettings } from "../schema/resources";

/** The subset of the engine's config object we use (`pulumi.dynamic.Config`). */
export interface ConfigReader {
    get(key: string): string | undefined;
}

/** The stack config namespace of the provider's settings (`zego:appId`). */
export const CONFIG_NAMESPACE = "zego";

export const CONFIG_KEYS = {
    appId: `${CONFIG_NAMESPACE}:appId`,
    serverSecret: `${CONFIG_NAMESPACE}:serverSecret`,
    region: `${CONFIG_NAMESPACE}:region`,
    endpoint: `${CONFIG_NAMESPACE}:endpoint`,
    maxRequestsPerSecond: `${CONFIG_NAMESPACE}:maxRequestsPerSecond`,
    requestTimeoutMs: `${CONFIG_NAMESPACE}:requestTimeoutMs`,
    throttleDeadlineSeconds: `${CONFIG_NAMESPACE}:throttleDeadlineSeconds`,
    gracefulShutdown: `${CONFIG_NAMESPACE}:gracefulShutdown`,
    gracefulShutdownTimeout: `${CONFIG_NAMESPACE}:gracefulShutdownTimeout`,
    waitForDeletion: `${CONFIG_NAMESPACE}:waitForDeletion`,
    deleteWaitMargin: `${CONFIG_NAMESPACE}:deleteWaitMargin`,
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

/** ZEGO's documented maximum GracefulShutdownTimeout (DeleteAgentInstance), in seconds. */
export const MAX_GRACEFUL_SHUTDOWN_SECONDS = 120;

export const DEFAULTS = {
    gracefulShutdown: true,
    gracefulShutdownTimeout: 30,
    waitForDeletion: true,
    /** Seconds to keep polling after the graceful timeout before giving up. */
    deleteWaitMargin: 15,
} as const;

/** The setting's name from a config key (`zego:appId` → `appId`); other keys as they are. */
export function configName(key: string): string {
    return key.startsWith(`${CONFIG_NAMESPACE}:`) ? key.slice(CONFIG_NAMESPACE.length + 1) : key;
}

/** Not a setting: makes the plugin print the stack of every failed call (provider/plugin/server.ts). */
export const PLUGIN_DEBUG_ENV = "ZEGO_PLUGIN_DEBUG";
export function pluginDebug(): boolean {
    return Boolean(process.env[PLUGIN_DEBUG_ENV]);
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

type Parser = (text: string, source: string) => unknown;

/** The allowed range of each numeric setting; the parsers below enforce it and docs/ shows it (scripts/docs). */
export const SETTING_BOUNDS = {
    appId: { min: 1, max: 0xffffffff },
    maxRequestsPerSecond: { min: 0, max: 10000 },
    requestTimeoutMs: { min: 1, max: 600000 },
    throttleDeadlineSeconds: { min: 1, max: 86400 },
    gracefulShutdownTimeout: { min: 1, max: MAX_GRACEFUL_SHUTDOWN_SECONDS },
    deleteWaitMargin: { min: 0, max: 600 },
} as const satisfies Partial<Record<Key, { min: number; max: number }>>;

/** How each setting is read: one rule per key, used by validateSettings and by every reader. */
const PARSERS: Record<Key, Parser> = {
    appId: (text, source) => {
        const { min, max } = SETTING_BOUNDS.appId;
        if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
            throw new SettingsError(`${source} must be a positive integer (your ZEGO AppID, up to ${max}); got ${JSON.stringify(text)}.`);
        }
        return Number(text);
    },
    serverSecret: (text) => text,
    region: (text) => text, // checked together with the endpoint in validateSettings
    endpoint: (text) => text,
    maxRequestsPerSecond: (text, source) => parseNumber(source, text, SETTING_BOUNDS.maxRequestsPerSecond),
    requestTimeoutMs: (text, source) => parseNumber(source, text, SETTING_BOUNDS.requestTimeoutMs),
    throttleDeadlineSeconds: (text, source) => parseNumber(source, text, SETTING_BOUNDS.throttleDeadlineSeconds),
    gracefulShutdown: (text, source) => parseBool(source, text),
    gracefulShutdownTimeout: (text, source) => parseTimeout(source, text),
    waitForDeletion: (text, source) => parseBool(source, text),
    deleteWaitMargin: (text, source) => parseNumber(source, text, SETTING_BOUNDS.deleteWaitMargin),
};

/** A client endpoint/region error, naming the stack config key and variable the user set (not the client option). */
export function endpointProblem(e: ZegoConfigError): string {
    const option = e.option as "endpoint" | "region";
    const reason = e.message.replace(/^Invalid ZEGO client option "[^"]*": /, "");
    return `Invalid ${CONFIG_KEYS[option] ?? e.option} / ${ENV_VARS[option] ?? e.option}: ${reason}`;
}

// The deletion settings' fields are declared once, in the resources' field table.
export type { DeletionSettings, OwnDeletionSettings } from "../schema/resources";

/** Where `ZEGO_*` variables are read: `process.env` in the provider process, a plain object in tests. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The settings of one provider: the stack config captured by `configure()` (it lives only in the
 * provider process, never in state) and the environment, read at every call (so an operator can
 * change teardown without an `up`). The lifecycle reads settings only through this.
 */
export class Settings {
    #stackConfig: Partial<Record<Key, string>> = {};

    constructor(private readonly env: Environment = process.env) {}

    /** Called once per provider process with the whole stack config (replaces what was captured). */
    configure(config: ConfigReader): void {
        const captured: Partial<Record<Key, string>> = {};
        for (const key of Object.keys(CONFIG_KEYS) as Key[]) {
            const value = config.get(CONFIG_KEYS[key]);
            if (value !== undefined && value !== "") captured[key] = value;
        }
        this.#stackConfig = captured;
    }

    /** Forget the captured stack config. */
    reset(): void {
        this.#stackConfig = {};
    }

    private fromConfig(key: Key): string | undefined {
        return this.#stackConfig[key];
    }

    private fromEnv(key: Key): string | undefined {
        const value = this.env[ENV_VARS[key]];
        return value === undefined || value === "" ? undefined : value;
    }

    /** Which value of a setting applies: stack config first, then the environment. */
    private setting(key: Key): string | undefined {
        return this.fromConfig(key) ?? this.fromEnv(key);
    }

    private sourceOf(key: Key): string {
        return this.fromConfig(key) !== undefined ? `stack config "${CONFIG_KEYS[key]}"` : `env ${ENV_VARS[key]}`;
    }

    private parsed(key: Key): unknown {
        const text = this.setting(key);
        return text === undefined ? undefined : PARSERS[key](text, this.sourceOf(key));
    }

    private configValue(key: Key): unknown {
        const text = this.fromConfig(key);
        return text === undefined ? undefined : PARSERS[key](text, `stack config "${CONFIG_KEYS[key]}"`);
    }

    private envValue(key: Key): unknown {
        const text = this.fromEnv(key);
        return text === undefined ? undefined : PARSERS[key](text, `env ${ENV_VARS[key]}`);
    }

    /** The app and endpoint configured now, if any; used by `diff` (no error when absent: previews need no credentials). */
    configuredTarget(): Target {
        const appId = this.setting("appId");
        return {
            appId: appId !== undefined && /^\d+$/.test(appId) ? Number(appId) : undefined,
            endpoint: this.setting("endpoint"),
            region: this.setting("region"),
        };
    }

    /** The endpoint new resources would use now, if credentials are configured (diff uses it; never throws). */
    configuredEndpoint(): { appId?: number; endpoint?: string } {
        const target = this.configuredTarget();
        // Without configured credentials (a PR preview from a fork) there is nothing to compare with.
        if (target.appId === undefined) return {};
        try {
            return { appId: target.appId, endpoint: resolveEndpoint({ endpoint: target.endpoint, region: target.region }) };
        } catch {
            return { appId: target.appId };
        }
    }

    /** Whether both the app id and the server secret are set (stack config or environment); says nothing of their validity. */
    hasCredentials(): boolean {
        return this.setting("appId") !== undefined && this.setting("serverSecret") !== undefined;
    }

    /** The credentials for a call. Fails, naming both the config keys and the variables, when absent. */
    requireConnection(): Connection {
        this.validate();
        const appIdText = this.setting("appId");
        const serverSecret = this.setting("serverSecret");
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
        return {
            appId: this.parsed("appId") as number,
            serverSecret: serverSecret!,
            endpoint: this.setting("endpoint"),
            region: this.setting("region"),
            maxRequestsPerSecond: this.parsed("maxRequestsPerSecond") as number | undefined,
            requestTimeoutMs: this.parsed("requestTimeoutMs") as number | undefined,
            throttleDeadlineSeconds: this.parsed("throttleDeadlineSeconds") as number | undefined,
        };
    }

    /**
     * Parse every setting given, in stack config and in the environment, and throw one SettingsError
     * naming each bad one (key, allowed values, what was given; never a secret). Called by `check`
     * (so `pulumi preview` fails before anything is created) and before every API call.
     */
    validate(): void {
        const problems: string[] = [];
        for (const key of Object.keys(CONFIG_KEYS) as Key[]) {
            for (const [text, source] of [
                [this.fromConfig(key), `stack config "${CONFIG_KEYS[key]}"`],
                [this.fromEnv(key), `env ${ENV_VARS[key]}`],
            ] as const) {
                if (text === undefined) continue;
                try {
                    PARSERS[key](text, source);
                } catch (e) {
                    problems.push((e as Error).message);
                }
            }
        }
        try {
            resolveEndpoint({ endpoint: this.setting("endpoint"), region: this.setting("region") });
        } catch (e) {
            if (!(e instanceof ZegoConfigError)) throw e;
            problems.push(endpointProblem(e));
        }
        if (problems.length > 0) throw new SettingsError(problems.join("\n"));
    }

    /** The resource's settings over stack config over defaults; what state records at create/update. */
    deletionSettingsWithoutEnv(own: OwnDeletionSettings): DeletionSettings {
        return {
            gracefulShutdown:
                own.gracefulShutdown ?? (this.configValue("gracefulShutdown") as boolean | undefined) ?? DEFAULTS.gracefulShutdown,
            gracefulShutdownTimeout:
                own.gracefulShutdownTimeout ??
                (this.configValue("gracefulShutdownTimeout") as number | undefined) ??
                DEFAULTS.gracefulShutdownTimeout,
            waitForDeletion:
                own.waitForDeletion ?? (this.configValue("waitForDeletion") as boolean | undefined) ?? DEFAULTS.waitForDeletion,
        };
    }

    /** What delete actually does: the environment over everything else. */
    effectiveDeletionSettings(own: OwnDeletionSettings): DeletionSettings & { source: string } {
        const base = this.deletionSettingsWithoutEnv(own);
        const envGraceful = this.envValue("gracefulShutdown") as boolean | undefined;
        const envTimeout = this.envValue("gracefulShutdownTimeout") as number | undefined;
        const envWait = this.envValue("waitForDeletion") as boolean | undefined;
        const overridden = [envGraceful, envTimeout, envWait].some((v) => v !== undefined);
        return {
            gracefulShutdown: envGraceful ?? base.gracefulShutdown,
            gracefulShutdownTimeout: envTimeout ?? base.gracefulShutdownTimeout,
            waitForDeletion: envWait ?? base.waitForDeletion,
            source: overridden ? "environment override" : "resource/stack settings",
        };
    }

    deleteWaitMarginSeconds(): number {
        return (this.envValue("deleteWaitMargin") ?? this.configValue("deleteWaitMargin") ?? DEFAULTS.deleteWaitMargin) as number;
    }
}

/** The provider process's settings: its stack config and process.env (the default lifecycle context's). */
export const processSettings = new Settings();

/** `processSettings.configure` (the plugin's Configure and CheckConfig). */
export function setStackConfig(config: ConfigReader): void {
    processSettings.configure(config);
}

/** `processSettings.validate` (the plugin's CheckConfig). */
export function validateSettings(): void {
    processSettings.validate();
}

function parseBool(source: string, text: string): boolean {
    const t = text.trim().toLowerCase();
    if (["true", "1", "yes"].includes(t)) return true;
    if (["false", "0", "no"].includes(t)) return false;
    throw new SettingsError(`${source} must be true or false (also 1/0, yes/no); got ${JSON.stringify(text)}.`);
}

function parseTimeout(source: string, text: string): number {
    const n = Number(text);
    const { min, max } = SETTING_BOUNDS.gracefulShutdownTimeout;
    if (!/^\s*\d+\s*$/.test(text) || n < min || n > max) {
        throw new SettingsError(`${source} must be an integer from ${min} to ${max} (seconds); got ${JSON.stringify(text)}.`);
    }
    return n;
}

function parseNumber(source: string, text: string, { min, max }: { min: number; max: number }): number {
    const n = Number(text);
    if (text.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
        throw new SettingsError(`${source} must be a number from ${min} to ${max}; got ${JSON.stringify(text)}.`);
    }
    return n;
}
