/**
 * Where the provider's settings come from, in one place.
 *
 * Every setting resolves by one rule, its row in SETTINGS: a parser (type and bounds) and an order
 * of sources. `resolveSettings` is a pure function of the sources (stack config, the environment,
 * a resource's own deletion settings) into a frozen snapshot: the values and every refused value.
 *
 * Credentials, endpoint and pacing: stack config (`zego:*`, handed to `configure()` by the engine),
 * then the environment (`ZEGO_*`). `pulumi destroy` does not run the program, so the stack config
 * it sees is the one stored at the last `up`; environment variables are current.
 *
 * Deletion behaviour (`envFirst`), highest first: environment (read at delete time, so an operator
 * can change teardown without an `up`), the resource's own settings (from state), stack config, defaults.
 *
 * Validation is "resolve and look at the failures": `check` and every API call refuse a snapshot
 * with failures, so a bad value fails `pulumi preview`, never after a create; the plugin's
 * CheckConfig resolves the candidate config alone (plugin/config.ts).
 */

import { REGIONS, resolveEndpoint, UNIFIED_ENDPOINT } from "../client/regions";
import { ZegoConfigError } from "../client/errors";
import { APP_ID_RANGE, serverSecretProblem } from "../client/options";
import { type DeletionSettings, type OwnDeletionSettings } from "../schema/resources";
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

/** How each setting is read: by its type and bounds in SETTINGS. */
function parserOf(spec: SettingSpec): Parser {
    switch (spec.type) {
        case "boolean":
            return (text, source) => parseBool(source, text);
        case "integer":
        case "number":
            return (text, source) => parseNumber(source, text, spec);
        case "string":
            // region is checked together with the endpoint in resolveSettings (client/regions.ts)
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

/** Stack config as captured: each setting's text by name (`appId`, not `zego:appId`), empty values left out. */
export type StackConfig = Readonly<Partial<Record<Key, string>>>;

/** Where a setting's value comes from; `own` is a resource's own deletion setting (from state). */
export type SettingSource = "stackConfig" | "env" | "own" | "default";

/** Where text is given (and parsed): the sources a user types into. */
type TextSource = "stackConfig" | "env";
const isText = (source: SettingSource): source is TextSource => source === "stackConfig" || source === "env";

/** A setting's sources, highest first, by its row in SETTINGS: `envFirst` ones are read at delete time, environment first. */
export const ORDER: { readonly [K in Key]: readonly SettingSource[] } = Object.fromEntries(
    NAMES.map((n): [Key, readonly SettingSource[]] => {
        const spec: SettingSpec = SETTINGS[n];
        return [n, spec.envFirst ? ["env", "own", "stackConfig", "default"] : ["stackConfig", "env", "default"]];
    }),
) as Record<Key, readonly SettingSource[]>;

/** What resolves the settings: the configured stack config, the environment and, for a delete, the resource's own settings. */
export interface SettingsSources {
    /** The engine's reader (`zego:<name>` keys) or the text by name (`StackConfig`). */
    readonly stackConfig: ConfigReader | StackConfig;
    readonly env: Environment;
    /** A resource's own deletion settings: between the environment and stack config. */
    readonly own?: OwnDeletionSettings;
}

type ValueOf<T extends SettingSpec["type"]> = T extends "boolean" ? boolean : T extends "string" ? string : number;

/** Each setting's value in effect, parsed (absent: no source gives it, or the value in effect was refused). */
export type SettingValues = { readonly [K in Key]?: ValueOf<(typeof SETTINGS)[K]["type"]> };

/** A refused value. */
export interface SettingFailure {
    readonly key: Key;
    /** Where the refused text was given. */
    readonly source: TextSource;
    /** Names the config key or variable, the values allowed and the value given (never a secret). */
    readonly message: string;
}

/** The settings of one moment, frozen. */
export interface SettingsSnapshot {
    /** The text each source gives, per setting (an empty value counts as absent). */
    readonly given: { readonly [K in Key]: Readonly<Partial<Record<TextSource, string>>> };
    readonly values: SettingValues;
    /** Where each value in `values` comes from. */
    readonly sources: { readonly [K in Key]?: SettingSource };
    /** Every refused value, in effect or not (stack config's and the environment's), and a refused endpoint/region. */
    readonly failures: readonly SettingFailure[];
}

const SOURCE_NAMES: { readonly [S in TextSource]: (key: Key) => string } = {
    stackConfig: (key) => `stack config "${CONFIG_KEYS[key]}"`,
    env: (key) => `env ${ENV_VARS[key]}`,
};

const present = (text: string | undefined): string | undefined => (text === undefined || text === "" ? undefined : text);

function isReader(config: ConfigReader | StackConfig): config is ConfigReader {
    return typeof (config as ConfigReader).get === "function";
}

/** The stack config's text of each setting, as `configure()` captures it. */
export function stackConfigOf(config: ConfigReader | StackConfig): StackConfig {
    const captured: Partial<Record<Key, string>> = {};
    for (const key of NAMES) {
        const text = present(isReader(config) ? config.get(CONFIG_KEYS[key]) : config[key]);
        if (text !== undefined) captured[key] = text;
    }
    return captured;
}

/**
 * The settings of `sources`: every text given parsed by its setting's parser (a refusal is a
 * failure, in effect or not), each value taken from the first source of its ORDER that gives it,
 * and the endpoint and region in effect checked together. A pure function: no global is read.
 */
export function resolveSettings(sources: SettingsSources): SettingsSnapshot {
    const config = stackConfigOf(sources.stackConfig);
    const own = (sources.own ?? {}) as Readonly<Partial<Record<Key, unknown>>>;
    const given: Partial<Record<Key, Partial<Record<TextSource, string>>>> = {};
    const values: Partial<Record<Key, unknown>> = {};
    const from: Partial<Record<Key, SettingSource>> = {};
    const failures: SettingFailure[] = [];
    for (const key of NAMES) {
        const texts: Partial<Record<TextSource, string>> = {};
        if (config[key] !== undefined) texts.stackConfig = config[key];
        const envText = present(sources.env[ENV_VARS[key]]);
        if (envText !== undefined) texts.env = envText;
        given[key] = Object.freeze(texts);
        const parsed: Partial<Record<SettingSource, unknown>> = {
            own: own[key] ?? undefined,
            default: (SETTINGS[key] as SettingSpec).default,
        };
        for (const source of ["stackConfig", "env"] as const) {
            const text = texts[source];
            if (text === undefined) continue;
            try {
                parsed[source] = PARSERS[key](text, SOURCE_NAMES[source](key));
            } catch (e) {
                if (!(e instanceof SettingsError)) throw e;
                failures.push({ key, source, message: e.message });
            }
        }
        // A text given is in effect even when refused (its value is then absent, and a failure says why).
        const source = ORDER[key].find((s) => (isText(s) ? texts[s] !== undefined : parsed[s] !== undefined));
        if (source === undefined) continue;
        from[key] = source;
        if (parsed[source] !== undefined) values[key] = parsed[source];
    }
    try {
        resolveEndpoint({ endpoint: values.endpoint as string | undefined, region: values.region as string | undefined });
    } catch (e) {
        if (!(e instanceof ZegoConfigError)) throw e;
        const key = e.option as "endpoint" | "region";
        failures.push({ key, source: from[key] === "env" ? "env" : "stackConfig", message: endpointProblem(e) });
    }
    return Object.freeze({
        given: Object.freeze(given) as SettingsSnapshot["given"],
        values: Object.freeze(values) as SettingValues,
        sources: Object.freeze(from),
        failures: Object.freeze(failures.map((f) => Object.freeze(f))),
    });
}

/** The snapshot if nothing was refused; else one SettingsError naming each refused value. */
export function checked(snapshot: SettingsSnapshot): SettingsSnapshot {
    if (snapshot.failures.length > 0) throw new SettingsError(snapshot.failures.map((f) => f.message).join("\n"));
    return snapshot;
}

/** The text in effect by the key's order, valid or not: what `diff` compares and `hasCredentials` looks for, never failing. */
function textOf(snapshot: SettingsSnapshot, key: Key): string | undefined {
    const source = ORDER[key].filter(isText).find((s) => snapshot.given[key][s] !== undefined);
    return source === undefined ? undefined : snapshot.given[key][source];
}

/** Whether both the app id and the server secret are given; says nothing of their validity. */
export function hasCredentials(snapshot: SettingsSnapshot): boolean {
    return textOf(snapshot, "appId") !== undefined && textOf(snapshot, "serverSecret") !== undefined;
}

/** The app and endpoint configured, if any; used by `diff` (no error when absent: previews need no credentials). */
export function configuredTarget(snapshot: SettingsSnapshot): Target {
    const appId = textOf(snapshot, "appId");
    return {
        appId: appId !== undefined && /^\d+$/.test(appId) ? Number(appId) : undefined,
        endpoint: textOf(snapshot, "endpoint"),
        region: textOf(snapshot, "region"),
    };
}

/** The endpoint new resources would use, if credentials are configured (diff uses it; never throws). */
export function configuredEndpoint(snapshot: SettingsSnapshot): { appId?: number; endpoint?: string } {
    const target = configuredTarget(snapshot);
    // Without configured credentials (a PR preview from a fork) there is nothing to compare with.
    if (target.appId === undefined) return {};
    try {
        return { appId: target.appId, endpoint: resolveEndpoint({ endpoint: target.endpoint, region: target.region }) };
    } catch {
        return { appId: target.appId };
    }
}

function pacing(snapshot: SettingsSnapshot): Pick<Connection, "maxRequestsPerSecond" | "requestTimeoutMs" | "throttleDeadlineSeconds"> {
    const { maxRequestsPerSecond, requestTimeoutMs, throttleDeadlineSeconds } = checked(snapshot).values;
    return { maxRequestsPerSecond, requestTimeoutMs, throttleDeadlineSeconds };
}

/** The credentials for a call. Fails, naming both the config keys and the variables, when absent. */
export function requireConnection(snapshot: SettingsSnapshot): Connection {
    const { appId, serverSecret, endpoint, region } = checked(snapshot).values;
    const missing: string[] = [];
    if (appId === undefined) missing.push(`the app id (stack config "${CONFIG_KEYS.appId}" or env ${ENV_VARS.appId})`);
    if (serverSecret === undefined) {
        missing.push(
            `the server secret (stack config "${CONFIG_KEYS.serverSecret}", set with \`pulumi config set --secret ${CONFIG_KEYS.serverSecret} ...\`, or env ${ENV_VARS.serverSecret})`,
        );
    }
    if (appId === undefined || serverSecret === undefined) {
        throw new SettingsError(
            `ZEGO credentials are missing: ${missing.join(" and ")}. They are needed to call the ZEGO API (not for \`pulumi preview\`).`,
        );
    }
    return { appId, serverSecret, endpoint, region, ...pacing(snapshot) };
}

/**
 * The credentials for a call of a resource with its own `connection` (checked by checkArgs): its
 * app, secret and endpoint, whatever stack config and the environment say; their pacing and timeouts.
 */
export function ownConnection(
    snapshot: SettingsSnapshot,
    own: Pick<Connection, "appId" | "serverSecret" | "endpoint" | "region">,
): Connection {
    return { ...pacing(snapshot), appId: own.appId, serverSecret: own.serverSecret, endpoint: own.endpoint, region: own.region };
}

/** The deletion settings in effect in a snapshot resolved with the resource's own (`own`). */
export function deletionSettings(snapshot: SettingsSnapshot): DeletionSettings {
    const { gracefulShutdown, gracefulShutdownTimeout, waitForDeletion } = checked(snapshot).values;
    return { gracefulShutdown: gracefulShutdown!, gracefulShutdownTimeout: gracefulShutdownTimeout!, waitForDeletion: waitForDeletion! };
}

/**
 * The settings of one provider: the stack config captured by `configure()` (it lives only in the
 * provider process, never in state) and the environment, read anew at every call (so an operator
 * can change teardown without an `up`). Each reader resolves a fresh snapshot of both; the
 * lifecycle reads settings only through this.
 */
export class Settings {
    #stackConfig: StackConfig = {};

    constructor(private readonly env: Environment = process.env) {}

    /** Called once per provider process with the whole stack config (replaces what was captured). */
    configure(config: ConfigReader): void {
        this.#stackConfig = stackConfigOf(config);
    }

    /** Forget the captured stack config. */
    reset(): void {
        this.#stackConfig = {};
    }

    /** The settings now: the captured stack config and the environment as it is (and a resource's own deletion settings). */
    snapshot(own?: OwnDeletionSettings): SettingsSnapshot {
        return resolveSettings({ stackConfig: this.#stackConfig, env: this.env, own });
    }

    configuredTarget(): Target {
        return configuredTarget(this.snapshot());
    }

    configuredEndpoint(): { appId?: number; endpoint?: string } {
        return configuredEndpoint(this.snapshot());
    }

    hasCredentials(): boolean {
        return hasCredentials(this.snapshot());
    }

    ownConnection(own: Pick<Connection, "appId" | "serverSecret" | "endpoint" | "region">): Connection {
        return ownConnection(this.snapshot(), own);
    }

    requireConnection(): Connection {
        return requireConnection(this.snapshot());
    }

    /**
     * Throw one SettingsError naming each bad setting, in stack config and in the environment (key,
     * allowed values, what was given; never a secret). Called by `check` (so `pulumi preview` fails
     * before anything is created); every API call checks its snapshot too.
     */
    validate(): void {
        checked(this.snapshot());
    }

    /** The resource's settings over stack config over defaults: what state records at create/update (the environment applies at delete). */
    deletionSettingsWithoutEnv(own: OwnDeletionSettings): DeletionSettings {
        return deletionSettings(resolveSettings({ stackConfig: this.#stackConfig, env: {}, own }));
    }

    /** What a delete does, from one snapshot: the deletion settings (the environment over everything else) and the margin after the graceful timeout. */
    deletionPlan(own: OwnDeletionSettings): { settings: DeletionSettings; marginSeconds: number } {
        const snapshot = this.snapshot(own);
        return { settings: deletionSettings(snapshot), marginSeconds: snapshot.values.deleteWaitMargin! };
    }
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
