/**
 * What each resource accepts (the API body plus provider-only settings) and the cross-field rules
 * the docs state, as one `checkArgs` used by the provider's `check` (offline, preview-safe).
 */
import {
    ActionName,
    ACTIONS,
    AGENT_STATUSES,
    CREATE_AGENT_INSTANCE,
    CREATE_DIGITAL_HUMAN_AGENT_INSTANCE,
    CREATE_LIVE_DIGITAL_HUMAN_AGENT_INSTANCE,
} from "./api";
import { arr, bool, Fields, Infer, int, obj, ObjectSpec, required, str } from "./spec";
import { containsUnknown, isUnknown } from "./unknown";
import { Failure, isPlainObject, validate } from "./validate";
import { SECRETS_PROPERTY, joinSecrets } from "./secrets";
import { resolveEndpoint } from "../client/regions";
import { ZegoConfigError } from "../client/errors";
import { APP_ID_RANGE } from "../client/options";
import { bodySizeFailures } from "./bodySize";

export type ResourceKind = "AgentInstance" | "DigitalHumanAgentInstance" | "LiveDigitalHumanAgentInstance" | "Agent";

/** Provider-only settings (never sent to ZEGO): how `pulumi destroy` tears the instance down. */
export const DELETION_FIELDS = {
    gracefulShutdown: bool(undefined, {
        description:
            "Let the agent finish speaking before the instance is deleted (default true, or stack config `zego:gracefulShutdown`).",
    }),
    // DeleteAgentInstance's field (its bounds), sent at delete time.
    gracefulShutdownTimeout: {
        ...ACTIONS.DeleteAgentInstance.request.fields.gracefulShutdownTimeout,
        wire: undefined,
        description: "How long a graceful shutdown may take (default 30, or stack config `zego:gracefulShutdownTimeout`).",
    },
    waitForDeletion: bool(undefined, {
        description: "Make delete wait until ZEGO reports the instance gone (default true, or stack config `zego:waitForDeletion`).",
    }),
};
export const DELETION_KEYS = Object.keys(DELETION_FIELDS) as (keyof typeof DELETION_FIELDS)[];

/** A resource's own deletion settings (any may be absent: stack config and defaults fill in). */
export type OwnDeletionSettings = Infer<ObjectSpec<typeof DELETION_FIELDS>>;

/** The deletion settings in effect, each one known (stored in state as the `deletion` output). */
export const DELETION_SETTINGS = obj(undefined, {
    gracefulShutdown: required(DELETION_FIELDS.gracefulShutdown),
    gracefulShutdownTimeout: required(DELETION_FIELDS.gracefulShutdownTimeout),
    waitForDeletion: required(DELETION_FIELDS.waitForDeletion),
});
export type DeletionSettings = Infer<typeof DELETION_SETTINGS>;

/**
 * Provider-only, TypeScript resources only: the ZEGO app a resource lives in when not the stack
 * config's (several apps in one program; the plugin has explicit providers instead). It replaces
 * the stack config's and the environment's appId, serverSecret, endpoint and region for that
 * resource, and is stored in state (the secret encrypted), so refresh and destroy need no config.
 * Bounds from the settings table; endpoint and region are checked as the settings are (connectionRules).
 */
export const CONNECTION_FIELDS = {
    connection: obj(
        undefined,
        {
            appId: required(int(undefined, { min: APP_ID_RANGE.min, max: APP_ID_RANGE.max, note: "your ZEGO AppID" })),
            serverSecret: required(str(undefined, { secret: true, minLength: 1 })),
            endpoint: str(undefined),
            region: str(undefined),
        },
        // Holds the serverSecret: a value of the wrong type given in its place (the secret itself) is never shown.
        { secret: true },
    ),
};
export const CONNECTION_KEY = "connection";
/** A resource's own ZEGO app and credentials (the `connection` argument). */
export type ZegoConnection = Infer<(typeof CONNECTION_FIELDS)["connection"]>;

export const RESOURCE_ARGS: Record<ResourceKind, ObjectSpec> = {
    AgentInstance: obj(undefined, { ...CREATE_AGENT_INSTANCE.fields, ...DELETION_FIELDS, ...CONNECTION_FIELDS }),
    DigitalHumanAgentInstance: obj(undefined, { ...CREATE_DIGITAL_HUMAN_AGENT_INSTANCE.fields, ...DELETION_FIELDS, ...CONNECTION_FIELDS }),
    LiveDigitalHumanAgentInstance: obj(undefined, {
        ...CREATE_LIVE_DIGITAL_HUMAN_AGENT_INSTANCE.fields,
        ...DELETION_FIELDS,
        ...CONNECTION_FIELDS,
    }),
    // What both RegisterAgent and UpdateAgent accept: a name valid only for register would make every later update fail.
    Agent: obj(undefined, {
        ...CONNECTION_FIELDS,
        ...ACTIONS.UpdateAgent.request.fields,
        name: {
            ...ACTIONS.UpdateAgent.request.fields.name,
            note: "UpdateAgent's limit; RegisterAgent would take up to 256, but every later update would then fail",
        },
        adoptExisting: bool(undefined, {
            description:
                "Take over an agent already registered under agentId instead of failing (its configuration is then updated to this one).",
        }),
    }),
};

/**
 * The parts of an Agent's configuration besides its AgentId. UpdateAgent keeps each one it is not
 * sent, so one the program does not declare stays as ZEGO holds it: kept, not managed (`keptFields`).
 */
export const AGENT_CONFIG_FIELDS = ["name", "llm", "tts", "asr"] as const;
export type AgentConfigField = (typeof AGENT_CONFIG_FIELDS)[number];

/** Keys of the props object that are Pulumi plumbing, not user arguments: the engine's `__provider`, 0.1.0's `secrets`. */
export const PROVIDER_PROPERTY = "__provider";
const PLUMBING: readonly string[] = [PROVIDER_PROPERTY, SECRETS_PROPERTY];

/** The user's arguments from a props object (inputs or state): secrets joined back, plumbing removed. */
export function userArgs(kind: ResourceKind, props: Record<string, unknown>): Record<string, unknown> {
    const full = joinSecrets(props, props[SECRETS_PROPERTY]);
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(full)) {
        if (!PLUMBING.includes(key) && !OUTPUT_KEYS[kind].includes(key)) out[key] = value;
    }
    return out;
}

/** The instance status in state: ZEGO's, SHUTTING_DOWN while a graceful delete runs, UNKNOWN after a create whose status query failed. */
export const INSTANCE_STATUSES = [...AGENT_STATUSES, "SHUTTING_DOWN", "UNKNOWN"] as const;

// Where the object lives and the state shape, stored by every resource.
const appId = required(int(undefined, { description: "The ZEGO app the object lives in." }));
const endpoint = required(str(undefined, { description: "The ZEGO API base URL the object was created at; delete and refresh go there." }));
/** See lifecycle/state.ts. */
const stateVersion = required(int(undefined, { description: "Version of the stored state shape." }));

const INSTANCE_OUTPUT_FIELDS = {
    agentInstanceId: required(str(undefined, { description: "The instance id ZEGO assigned (also the resource id)." })),
    status: required(
        str(undefined, {
            enum: INSTANCE_STATUSES,
            description:
                "The conversation status at the last create, update or refresh: ZEGO's, SHUTTING_DOWN while a graceful delete runs, UNKNOWN after a create whose status query failed.",
        }),
    ),
    appId,
    endpoint,
    deletion: required({
        ...DELETION_SETTINGS,
        description: "Deletion settings in effect at the last create or update (environment overrides apply at delete time).",
    }),
    stateVersion,
};

const DIGITAL_HUMAN_OUTPUT_FIELDS = {
    ...INSTANCE_OUTPUT_FIELDS,
    digitalHumanConfig: str(undefined, {
        secret: true,
        description: "Base64 configuration for the digital-human client SDK (stored as a secret; ZEGO may return none).",
    }),
};

/**
 * What each resource adds to its echoed inputs in state (lifecycle/*): the one list of outputs,
 * never user arguments. Readers: `userArgs`, `inputsFromState`, the resource classes' registered
 * outputs and secret outputs, the plugin's schema and preview.
 */
export const RESOURCE_OUTPUTS = {
    AgentInstance: obj(undefined, INSTANCE_OUTPUT_FIELDS),
    DigitalHumanAgentInstance: obj(undefined, DIGITAL_HUMAN_OUTPUT_FIELDS),
    LiveDigitalHumanAgentInstance: obj(undefined, DIGITAL_HUMAN_OUTPUT_FIELDS),
    Agent: obj(undefined, {
        appId,
        endpoint,
        adopted: required(bool(undefined, { description: "Whether an existing agent was taken over (adoptExisting)." })),
        // Names only, the values stay out of state. Absent in state written before it existed, until the next refresh or update.
        keptFields: arr(undefined, str(undefined, { enum: AGENT_CONFIG_FIELDS }), {
            description:
                "Which of name, llm, tts and asr ZEGO holds that the program does not declare (found on adoption or by refresh): UpdateAgent keeps them as they are; declare one to manage it.",
        }),
        stateVersion,
    }),
} satisfies Record<ResourceKind, ObjectSpec>;

/** The plugin's resources: RESOURCE_ARGS without `connection` (an explicit provider per app is the plugin's way). */
export const PLUGIN_RESOURCE_ARGS = Object.fromEntries(
    Object.entries(RESOURCE_ARGS).map(([kind, spec]) => {
        const { [CONNECTION_KEY]: _dynamicOnly, ...fields } = spec.fields;
        return [kind, obj(undefined, fields)];
    }),
) as Record<ResourceKind, ObjectSpec>;

/** The outputs of a resource kind, as stored. */
export type Outputs<K extends ResourceKind> = Infer<(typeof RESOURCE_OUTPUTS)[K]>;
/** The name of an output of any kind. */
export type OutputKey = { [K in ResourceKind]: keyof Outputs<K> & string }[ResourceKind];

const keysOf = (spec: ObjectSpec): readonly string[] => Object.keys(spec.fields);
export const OUTPUT_KEYS: Readonly<Record<ResourceKind, readonly string[]>> = {
    AgentInstance: keysOf(RESOURCE_OUTPUTS.AgentInstance),
    DigitalHumanAgentInstance: keysOf(RESOURCE_OUTPUTS.DigitalHumanAgentInstance),
    LiveDigitalHumanAgentInstance: keysOf(RESOURCE_OUTPUTS.LiveDigitalHumanAgentInstance),
    Agent: keysOf(RESOURCE_OUTPUTS.Agent),
};

/** Outputs the engine must store encrypted: the 0.1.0 `secrets` property and the outputs marked secret. */
export function secretOutputs(kind: ResourceKind): string[] {
    const fields: Fields = RESOURCE_OUTPUTS[kind].fields;
    return [SECRETS_PROPERTY, ...Object.keys(fields).filter((key) => fields[key]?.secret === true)];
}

/**
 * Check failures as handed to the engine. The engine prints the value of a failure's property
 * when that property is a key of the inputs (step_generator.go issueCheckFailures: "property %v
 * value %v has a problem"), secrets in plaintext. So a failure names its property only when it is
 * no input key (a nested path such as `llm.model`); otherwise the reason, which starts with the
 * path, says it alone.
 */
export function failuresForEngine(failures: Failure[], inputs: Record<string, unknown>): Failure[] {
    return failures.map((f) =>
        Object.prototype.hasOwnProperty.call(inputs, f.property) || !/[.[]/.test(f.property) ? { property: "", reason: f.reason } : f,
    );
}

/**
 * The request that sends a resource's whole configuration: its body is the largest one the resource
 * makes (UpdateAgent sends the same fields as RegisterAgent; UpdateAgentInstance a part of the create's).
 */
export const CREATE_ACTION: Record<ResourceKind, ActionName> = {
    AgentInstance: "CreateAgentInstance",
    DigitalHumanAgentInstance: "CreateDigitalHumanAgentInstance",
    LiveDigitalHumanAgentInstance: "CreateLiveDigitalHumanAgentInstance",
    Agent: "RegisterAgent",
};

/** Validate a resource's arguments: fields, then the cross-field rules, then the size of the body they make. */
export function checkArgs(kind: ResourceKind, args: Record<string, unknown>): Failure[] {
    const failures = validate(RESOURCE_ARGS[kind], args, { naming: "camel", rejectUnknownFields: true });
    if (kind !== "Agent") failures.push(...instanceRules(kind, args));
    failures.push(...llmRules(args.llm));
    failures.push(...connectionRules(args.connection));
    failures.push(...bodySizeFailures(CREATE_ACTION[kind], args));
    return failures;
}

function instanceRules(kind: ResourceKind, args: Record<string, unknown>): Failure[] {
    const failures: Failure[] = [];
    const known = (v: unknown) => v !== undefined && v !== null && !containsUnknown(v);
    const conflict = (property: string, reason: string) => failures.push({ property, reason });

    if (args.gracefulShutdown === false && known(args.gracefulShutdownTimeout)) {
        conflict(
            "gracefulShutdownTimeout",
            `gracefulShutdownTimeout only applies when gracefulShutdown is true; got gracefulShutdown: false with gracefulShutdownTimeout: ${String(args.gracefulShutdownTimeout)}. Remove one of them.`,
        );
    }

    const rtc = isPlainObject(args.rtc) ? args.rtc : {};
    if (known(rtc.agentUserId) && known(args.userId) && rtc.agentUserId === args.userId) {
        conflict(
            "rtc.agentUserId",
            `rtc.agentUserId must differ from userId (ZEGO: the agent's user id must not equal a real user's); both are ${JSON.stringify(args.userId)}.`,
        );
    }

    const asr = isPlainObject(args.asr) ? args.asr : {};
    const vad = isPlainObject(args.vad) ? args.vad : undefined;
    const deprecatedVad = ["vadSilenceSegmentation", "pauseInterval", "vadSensitiveLevel", "vadMinSpeechDur", "vadEnergyThreshold"].filter(
        (k) => asr[k] !== undefined,
    );
    if (vad && deprecatedVad.length > 0) {
        conflict(
            `asr.${deprecatedVad[0]}`,
            `asr.${deprecatedVad[0]} is deprecated and conflicts with vad; set voice activity detection in vad only (got both asr.${deprecatedVad.join(", asr.")} and vad).`,
        );
    }
    const asrVendor = asr.vendor ?? "Tencent";
    if (asrVendor === "Tencent" && typeof asr.vadSilenceSegmentation === "number" && asr.vadSilenceSegmentation > 1500) {
        conflict(
            "asr.vadSilenceSegmentation",
            `asr.vadSilenceSegmentation must be from 200 to 1500 for the Tencent ASR vendor (the default); got ${asr.vadSilenceSegmentation}.`,
        );
    }

    const sensitive =
        isPlainObject(vad?.voiceDetectConfig) && isPlainObject(vad!.voiceDetectConfig.sensitiveConfig)
            ? vad!.voiceDetectConfig.sensitiveConfig
            : {};
    const custom = ["minSpeechDur", "energyThreshold"].filter((k) => sensitive[k] !== undefined);
    if (custom.length > 0 && known(sensitive.level) && sensitive.level !== 3) {
        conflict(
            `vad.voiceDetectConfig.sensitiveConfig.${custom[0]}`,
            `vad.voiceDetectConfig.sensitiveConfig.${custom[0]} is only used with level 3 (custom); got level ${String(sensitive.level)}.`,
        );
    }

    const history = isPlainObject(args.messageHistory) ? args.messageHistory : {};
    if (history.syncMode === 1 && history.zim !== undefined) {
        conflict("messageHistory.zim", "messageHistory.zim is only used with syncMode 0 (history from ZIM); got syncMode 1 with zim set.");
    }

    const advanced = isPlainObject(args.advancedConfig) ? args.advancedConfig : {};
    if (kind !== "AgentInstance" && advanced.disableTts === true) {
        conflict(
            "advancedConfig.disableTts",
            "advancedConfig.disableTts must not be true for a digital human (ZEGO refuses to create it); got true.",
        );
    }
    // A live digital human publishes to an RTC room or a CDN (create-live-digital-human-agent-instance.yaml).
    if (kind === "LiveDigitalHumanAgentInstance" && args.rtc == null && args.cdn == null) {
        conflict("rtc", "rtc or cdn is required for a live digital human (where its video goes); got neither.");
    }
    return failures;
}

/** A connection's endpoint and region, by the rule the settings use (client/regions.ts): https (http for loopback), a known region. */
function connectionRules(connection: unknown): Failure[] {
    if (!isPlainObject(connection) || containsUnknown(connection.endpoint) || containsUnknown(connection.region)) return [];
    const { endpoint, region } = connection;
    if ((endpoint !== undefined && typeof endpoint !== "string") || (region !== undefined && typeof region !== "string")) return [];
    try {
        resolveEndpoint({ endpoint, region });
        return [];
    } catch (e) {
        if (!(e instanceof ZegoConfigError)) throw e;
        const property = `${CONNECTION_KEY}.${e.option}`;
        return [{ property, reason: e.message.replace(/^Invalid ZEGO client option "[^"]*": /, `${property} `) }];
    }
}

function llmRules(llm: unknown): Failure[] {
    if (!isPlainObject(llm) || llm.vendor !== "OpenAIResponses" || isUnknown(llm.vendor)) return [];
    return (["addAgentInfo", "agentExtraInfo"] as const)
        .filter((k) => llm[k] !== undefined && llm[k] !== false)
        .map((k) => ({
            property: `llm.${k}`,
            reason: `llm.${k} is only supported with llm.vendor "OpenAIChat"; got vendor "OpenAIResponses".`,
        }));
}
