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

import { REGIONS, resolveEndpoint, UNIFIED_ENDPOINT } from "../client/regions";
import { ZegoConfigError } from "../client/errors";
import { APP_ID_RANGE, serverSecretProblem } from "../client/options";
import type { DeletionSettings, OwnDeletionSettings } from "../schema/resources";
import { GRACEFUL_SHUTDOWN_TIMEOUT } from "../schema/api";

/** The subset of the engine's config object we use (`pulumi.dynamic.Config`). */
export interface ConfigReader {
    get(key: string): string | undefined;
}

/** The stack config namespace of the provider's settings (`zego:appId`). */
export const CONFIG_NAMESPACE = "zego";

/** ZEGO's documented maximum GracefulShutdownTimeout (DeleteAgentInstance), in seconds. */
export const MAX_GRACEFUL_SHUTDOWN_SECONDS = GRACEFUL_SHUTDOWN_TIMEOUT.max;

export const DEFAULTS = {
    gracefulShutdown: true,
    gracefulShutdownTimeout: 30,
    waitForDeletion: true,
    /** Seconds to keep polling after the graceful timeout before giving up. */
    deleteWaitMargin: 15,
} as const;

/** One provider setting: its variable, type and bounds (the parser enforces them) and its documentation. */
export interface SettingSpec {
    readonly env: string;
    readonly type: "string" | "integer" | "number" | "boolean";
    readonly min?: number;
    readonly max?: number;
    readonly unit?: string;
    /** A closed set of values (the parser refuses others). */
    readonly enum?: readonly string[];
    readonly default?: boolean | number;
    readonly secret?: boolean;
    readonly description: string;
    /** What a change does to resources that already exist. */
    readonly onChange: string;
    readonly example: string | number | boolean;
    /** The variable is read at delete time and comes before stack config (an operator changes teardown without an `up`). */
    readonly envFirst?: boolean;
}

const INSTANCE_DEFAULT = "Default for the instances that do not set their own";
const AT_DELETE =
    "A change applies to the next delete of every instance without updating it (the variable overrides the resource's own setting too).";
const NEXT_CALLS = "Applies to the next calls; nothing is updated.";

/**
 * The provider's settings, the one table: the parsers below, the plugin schema's config (types,
 * defaults, `defaultInfo.environment`, enums, descriptions), CONFIG_KEYS and ENV_VARS derive from it.
 */
export const SETTINGS = {
    appId: {
        env: "ZEGO_APP_ID",
        type: "integer",
        min: APP_ID_RANGE.min,
        max: APP_ID_RANGE.max,
        description: "Your ZEGO AppID.",
        onChange:
            "Objects stay in the app they were created in: a change is refused at preview while resources of the old app exist (destroy them first, or give them their own `connection`).",
        example: 1234567890,
    },
    serverSecret: {
        env: "ZEGO_SERVER_SECRET",
        type: "string",
        secret: true,
        description: "Your ZEGO ServerSecret (32 characters); it signs every API call and is never printed.",
        onChange: NEXT_CALLS,
        example: "0123456789abcdef0123456789abcdef",
    },
    region: {
        env: "ZEGO_REGION",
        type: "string",
        enum: REGIONS,
        description: `The ZEGO API region: selects the regional host (omit it for the unified host ${UNIFIED_ENDPOINT}). Case-insensitive.`,
        onChange: "Objects stay at the endpoint they were created at: a change of the resolved endpoint replaces every resource.",
        example: "sgp",
    },
    endpoint: {
        env: "ZEGO_ENDPOINT",
        type: "string",
        description: "The ZEGO API base URL, overriding region: https://, or http:// for a loopback host only (the emulator).",
        onChange: "Objects stay at the endpoint they were created at: a change replaces every resource.",
        example: "http://127.0.0.1:8080",
    },
    maxRequestsPerSecond: {
        env: "ZEGO_MAX_REQUESTS_PER_SECOND",
        type: "number",
        min: 0,
        max: 10000,
        unit: "requests per second",
        description: "Client-side pacing of ZEGO API calls (0: none; ZEGO's throttling is retried either way).",
        onChange: NEXT_CALLS,
        example: 5,
    },
    requestTimeoutMs: {
        env: "ZEGO_REQUEST_TIMEOUT_MS",
        type: "integer",
        min: 1,
        max: 600000,
        unit: "milliseconds",
        description: "Timeout of each attempt of an API call.",
        onChange: NEXT_CALLS,
        example: 10000,
    },
    throttleDeadlineSeconds: {
        env: "ZEGO_THROTTLE_DEADLINE_SECONDS",
        type: "integer",
        min: 1,
        max: 86400,
        unit: "seconds",
        description: "How long a throttled call is retried before it fails.",
        onChange: NEXT_CALLS,
        example: 120,
    },
    gracefulShutdown: {
        env: "ZEGO_GRACEFUL_SHUTDOWN",
        type: "boolean",
        default: DEFAULTS.gracefulShutdown,
        description: `${INSTANCE_DEFAULT}: let the agent finish speaking before the instance is deleted (false: cut it off). Also 1/0, yes/no.`,
        onChange: AT_DELETE,
        example: false,
        envFirst: true,
    },
    gracefulShutdownTimeout: {
        env: "ZEGO_GRACEFUL_SHUTDOWN_TIMEOUT",
        type: "integer",
        ...GRACEFUL_SHUTDOWN_TIMEOUT,
        unit: "seconds",
        default: DEFAULTS.gracefulShutdownTimeout,
        description: `${INSTANCE_DEFAULT}: how long a graceful shutdown may take (ZEGO's maximum is ${MAX_GRACEFUL_SHUTDOWN_SECONDS}).`,
        onChange: AT_DELETE,
        example: 60,
        envFirst: true,
    },
    waitForDeletion: {
        env: "ZEGO_WAIT_FOR_DELETION",
        type: "boolean",
        default: DEFAULTS.waitForDeletion,
        description: `${INSTANCE_DEFAULT}: a delete succeeds only once ZEGO reports the instance gone. Also 1/0, yes/no.`,
        onChange: AT_DELETE,
        example: false,
        envFirst: true,
    },
    deleteWaitMargin: {
        env: "ZEGO_DELETE_WAIT_MARGIN",
        type: "number",
        min: 0,
        max: 600,
        unit: "seconds",
        default: DEFAULTS.deleteWaitMargin,
        description: "How long a delete keeps polling after the graceful shutdown timeout before it gives up.",
        onChange: "Applies to the next delete; nothing is updated.",
        example: 30,
        envFirst: true,
    },
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof SETTINGS;
type Key = SettingName;
const NAMES = Object.keys(SETTINGS) as Key[];

/** `zego:<name>` of each setting. */
export const CONFIG_KEYS = Object.fromEntries(NAMES.map((n) => [n, `${CONFIG_NAMESPACE}:${n}`])) as {
    readonly [K in Key]: `${typeof CONFIG_NAMESPACE}:${K}`;
};

/** The `ZEGO_*` variable of each setting. */
export const ENV_VARS = Object.fromEntries(NAMES.map((n) => [n, SETTINGS[n].env])) as {
    readonly [K in Key]: (typeof SETTINGS)[K]["env"];
};

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

/** How each setting is read: by its type and bounds in SETTINGS, used by validateSettings and by every reader. */
function parserOf(spec: SettingSpec): Parser {
    switch (spec.type) {
        case "boolean":
            return (text, source) => parseBool(source, text);
        case "integer":
        case "number":
            return (text, source) => parseNumber(source, text, spec);
        case "string":
            // region is checked together with the endpoint in validateSettings (client/regions.ts)
            return (text) => text;
    }
}

const PARSERS = {
    ...(Object.fromEntries(NAMES.map((n) => [n, parserOf(SETTINGS[n])])) as Record<Key, Parser>),
    appId: (text: string, source: string) => {
        if (!/^\d+$/.test(text) || Number(text) < SETTINGS.appId.min || Number(text) > SETTINGS.appId.max) {
            throw new SettingsError(
                `${source} must be a positive integer (your ZEGO AppID, up to ${SETTINGS.appId.max}); got ${JSON.stringify(text)}.`,
            );
        }
        return Number(text);
    },
    serverSecret: (text: string, source: string) => {
        const problem = serverSecretProblem(text);
        if (problem) throw new SettingsError(`${source} must be ${problem.allowed}; got ${problem.given}.`);
        return text;
    },
} satisfies Record<Key, Parser>;

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

    /**
     * The credentials for a call of a resource with its own `connection` (checked by checkArgs): its
     * app, secret and endpoint, whatever stack config and the environment say; their pacing and timeouts.
     */
    ownConnection(own: Pick<Connection, "appId" | "serverSecret" | "endpoint" | "region">): Connection {
        this.validate();
        return { ...this.pacing(), appId: own.appId, serverSecret: own.serverSecret, endpoint: own.endpoint, region: own.region };
    }

    private pacing(): Pick<Connection, "maxRequestsPerSecond" | "requestTimeoutMs" | "throttleDeadlineSeconds"> {
        return {
            maxRequestsPerSecond: this.parsed("maxRequestsPerSecond") as number | undefined,
            requestTimeoutMs: this.parsed("requestTimeoutMs") as number | undefined,
            throttleDeadlineSeconds: this.parsed("throttleDeadlineSeconds") as number | undefined,
        };
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
            ...this.pacing(),
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

function parseNumber(source: string, text: string, spec: SettingSpec): number {
    const n = Number(text);
    const integer = spec.type === "integer";
    const min = spec.min ?? -Infinity;
    const max = spec.max ?? Infinity;
    if (text.trim() === "" || !Number.isFinite(n) || (integer && !/^\s*-?\d+\s*$/.test(text)) || n < min || n > max) {
        const unit = spec.unit ? ` (${spec.unit})` : "";
        throw new SettingsError(
            `${source} must be ${integer ? "an integer" : "a number"} from ${min} to ${max}${unit}; got ${JSON.stringify(text)}.`,
        );
    }
    return n;
}
