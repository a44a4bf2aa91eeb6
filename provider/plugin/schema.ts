/**
 * The Pulumi package schema of `zego`, derived from the field table (schema/api.ts through
 * schema/resources.ts) so names, constraints and secret flags live in one place.
 */
import { CONFIG_KEYS, SettingName, SETTINGS, SettingSpec } from "../lifecycle/settings";
import { FieldSpec, ObjectSpec } from "../schema/spec";
import { AGENT_CONFIG_FIELDS, INSTANCE_STATUSES, PLUGIN_RESOURCE_ARGS, RESOURCE_OUTPUTS, ResourceKind } from "../schema/resources";
import { AGENT_STATUSES } from "../schema/api";
import { FUNCTION_ARGS, FUNCTION_DESCRIPTIONS, FUNCTION_RESULTS, FunctionName } from "../schema/functions";
import { fieldDescription, onChange } from "./describe";
import { CONFIG_NAMES } from "./config";
import { PackageInfo, pluginDownloadURL } from "./packageInfo";
import { PACKAGE } from "./server";

type Json = Record<string, unknown>;

const RESOURCE_DESCRIPTIONS: Record<ResourceKind, string> = {
    Agent: "A ZEGOCLOUD AI agent template (RegisterAgent / UpdateAgent / UnregisterAgent).",
    AgentInstance:
        "A running ZEGOCLOUD voice AI agent instance in an RTC room (CreateAgentInstance). `pulumi destroy` shuts it down gracefully, waiting for the agent to finish speaking.",
    DigitalHumanAgentInstance: "A ZEGOCLOUD AI agent instance with a digital human (CreateDigitalHumanAgentInstance).",
    LiveDigitalHumanAgentInstance:
        "A ZEGOCLOUD live digital human agent instance publishing to an RTC room or a CDN (CreateLiveDigitalHumanAgentInstance).",
};

/**
 * The Pulumi schema of a provider setting: type, enum, variable and description, all from SETTINGS.
 * No schema `default`: the SDKs would send it as provider config and read the variable with `|| default`
 * (Node, Python), so ZEGO_GRACEFUL_SHUTDOWN=false or ZEGO_DELETE_WAIT_MARGIN=0 became the default; the
 * description states it and the provider applies it. `providerInput`: an enum there gets no `defaultInfo`
 * (Go's codegen assigns the variable's string to the enum-typed argument, which does not compile); the
 * provider reads the variable itself either way.
 */
function configVariable(name: SettingName, types: Record<string, Json>, providerInput: boolean): Json {
    const spec: SettingSpec = SETTINGS[name];
    const parts = [spec.description];
    if (spec.enum) parts.push(`One of ${spec.enum.map((v) => `"${v}"`).join(", ")}.`);
    if (spec.min !== undefined || spec.max !== undefined)
        parts.push(
            `${spec.type === "integer" ? "An integer" : "A number"} from ${spec.min ?? "-inf"} to ${spec.max ?? "inf"}${spec.unit ? ` ${spec.unit}` : ""}.`,
        );
    if (spec.default !== undefined) parts.push(`Default: ${spec.default}.`);
    parts.push(`On change: ${spec.onChange}`);
    const set = spec.secret ? "pulumi config set --secret" : "pulumi config set";
    parts.push(`Example: \`${set} ${CONFIG_KEYS[name]} ${spec.example}\` or \`${spec.env}=${spec.example}\`.`);
    parts.push(
        spec.envFirst
            ? `The environment variable ${spec.env}, read at delete time, comes before stack config \`${CONFIG_KEYS[name]}\`.`
            : `Stack config \`${CONFIG_KEYS[name]}\` comes first, else the environment variable ${spec.env}.`,
    );
    let type: Json = { type: spec.type };
    if (spec.enum) {
        const token = `${PACKAGE}:index:${pascal(name)}`;
        types[token] = { type: "string", enum: spec.enum.map((value) => ({ value })) };
        type = { $ref: `#/types/${token}` };
    }
    return {
        ...type,
        description: parts.join(" "),
        ...(providerInput && spec.enum ? {} : { defaultInfo: { environment: [spec.env] } }),
        ...(spec.secret ? { secret: true } : {}),
    };
}

/** An output's description: what it is, and its values when they are known. */
function outputDescription(spec: FieldSpec): string {
    const values = spec.kind === "string" ? (spec.enum ?? spec.suggestions) : undefined;
    const parts = [spec.description ?? fieldDescription(spec)];
    if (values) parts.push(`${spec.kind === "string" && spec.enum ? "One of" : "Known values"}: ${values.join(", ")}.`);
    return parts.join(" ");
}

function pascal(name: string): string {
    return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Names of list items' types where `<field>Item` reads badly: listAgents' `agents` are RegisteredAgent. */
const ITEM_NAMES: Readonly<Record<string, string>> = { agents: "registeredAgent" };
/** Names of object types other than their field's: the `deletion` output is DeletionSettings. */
const OBJECT_NAMES: Readonly<Record<string, string>> = { deletion: "deletionSettings" };

/**
 * The enum types of outputs, named after the set (an output's closed set, or the values ZEGO documents of
 * one it passes on). Inputs get none: a program may send a value ZEGO documents later (README), and an
 * input enum would make the Go SDK refuse a plain string.
 */
const ENUM_NAMES = new Map<readonly string[], string>([
    [INSTANCE_STATUSES, "InstanceStatus"],
    [AGENT_STATUSES, "AgentStatus"],
    [AGENT_CONFIG_FIELDS, "AgentConfigField"],
]);

/** Object types are named by field name; the same name with different fields is prefixed with the resource. */
class Types {
    readonly types: Record<string, Json> = {};
    private readonly shapes = new Map<string, string>();

    /** `owner`: the resource kind or function whose field this is (its name prefixes a type name taken by another shape). */
    ref(owner: string, name: string, spec: ObjectSpec): string {
        const shape = JSON.stringify(spec.fields, (_k, v) => (v instanceof RegExp ? v.source : v));
        for (const candidate of [pascal(name), `${pascal(owner)}${pascal(name)}`]) {
            const token = `${PACKAGE}:index:${candidate}`;
            const existing = this.shapes.get(token);
            if (existing === shape) return token;
            if (existing === undefined) {
                this.shapes.set(token, shape);
                this.types[token] = { type: "object", ...this.object(owner, spec) };
                return token;
            }
        }
        throw new Error(`schema: no unique type name for ${owner}.${name}`);
    }

    object(owner: string, spec: ObjectSpec, render = this.property.bind(this)): { properties: Json; required?: string[] } {
        const properties: Json = {};
        const required: string[] = [];
        for (const [name, field] of Object.entries(spec.fields)) {
            properties[name] = render(owner, name, field);
            if (field.required) required.push(name);
        }
        return required.length > 0 ? { properties, required } : { properties };
    }

    /** A function's result: its top-level fields as outputs. */
    outputs(owner: string, spec: ObjectSpec): { properties: Json; required?: string[] } {
        return this.object(owner, spec, this.output.bind(this));
    }

    /** An output (a resource's own or a function's result): an enum type for a string with known values. */
    output(owner: string, name: string, spec: FieldSpec): Json {
        const values = spec.kind === "string" ? (spec.enum ?? spec.suggestions) : undefined;
        const enumName = values && ENUM_NAMES.get(values);
        if (spec.kind === "string" && values) {
            if (!enumName) throw new Error(`schema: no enum type name for ${owner}.${name} (add its values to ENUM_NAMES)`);
            const token = `${PACKAGE}:index:${enumName}`;
            this.types[token] = { type: "string", enum: values.map((value) => ({ value })) };
            return { $ref: `#/types/${token}`, description: outputDescription(spec), ...(spec.secret ? { secret: true } : {}) };
        }
        if (spec.kind === "array" && spec.items.kind === "string" && (spec.items.enum ?? spec.items.suggestions))
            return {
                type: "array",
                items: { $ref: this.output(owner, `${name}Item`, spec.items).$ref },
                description: outputDescription(spec),
            };
        if (spec.wire !== undefined) return this.property(owner, name, spec);
        return { ...this.property(owner, name, spec), description: outputDescription(spec) };
    }

    property(owner: string, name: string, spec: FieldSpec): Json {
        const base: Json = { description: fieldDescription(spec), ...(spec.secret ? { secret: true } : {}) };
        switch (spec.kind) {
            case "string":
            case "integer":
            case "number":
            case "boolean":
                return { type: spec.kind, ...base };
            case "passthrough":
                return { $ref: "pulumi.json#/Any", ...base };
            case "array":
                return { type: "array", items: this.property(owner, ITEM_NAMES[name] ?? `${name}Item`, spec.items), ...base };
            case "object":
                return { $ref: `#/types/${this.ref(owner, OBJECT_NAMES[name] ?? name, spec)}`, ...base };
        }
    }
}

export function buildSchema(info: PackageInfo): Json {
    const types = new Types();
    const resources: Json = {};
    for (const kind of Object.keys(PLUGIN_RESOURCE_ARGS) as ResourceKind[]) {
        const inputs = types.object(kind, PLUGIN_RESOURCE_ARGS[kind]);
        // Each argument says what a change of it does, as the diff rules say (the types they use are shared by kinds).
        for (const [name, spec] of Object.entries(PLUGIN_RESOURCE_ARGS[kind].fields)) {
            const property = inputs.properties[name] as Json;
            property.description = `${property.description as string} ${onChange(kind, name, spec)}`;
        }
        const outputs: Json = { ...inputs.properties };
        const outputFields = Object.entries(RESOURCE_OUTPUTS[kind].fields as Record<string, FieldSpec>);
        for (const [key, spec] of outputFields) outputs[key] = types.output(kind, key, spec);
        resources[`${PACKAGE}:index:${kind}`] = {
            description: RESOURCE_DESCRIPTIONS[kind],
            inputProperties: inputs.properties,
            ...(inputs.required ? { requiredInputs: inputs.required } : {}),
            properties: outputs,
            required: [...(inputs.required ?? []), ...outputFields.filter(([, spec]) => spec.required).map(([key]) => key)],
        };
    }
    const functions: Json = {};
    for (const name of Object.keys(FUNCTION_ARGS) as FunctionName[]) {
        const inputs = types.object(name, FUNCTION_ARGS[name]);
        functions[`${PACKAGE}:index:${name}`] = {
            description: FUNCTION_DESCRIPTIONS[name],
            ...(Object.keys(inputs.properties).length > 0 ? { inputs } : {}),
            outputs: types.outputs(name, FUNCTION_RESULTS[name]),
        };
    }
    const configVariables: Json = {};
    const providerInputs: Json = {};
    for (const name of CONFIG_NAMES) {
        configVariables[name] = configVariable(name, types.types, false);
        providerInputs[name] = configVariable(name, types.types, true);
    }
    return {
        name: PACKAGE,
        displayName: "ZEGOCLOUD AI Agent",
        version: info.version,
        description: "Manage ZEGOCLOUD AI Agent agents and instances, with graceful teardown.",
        keywords: ["pulumi", "zegocloud", "zego", "ai-agent", "category/cloud", "kind/native"],
        license: info.license,
        // Where `pulumi plugin install resource zego` and the SDKs fetch the plugin: this repository's GitHub releases.
        pluginDownloadURL: pluginDownloadURL(info),
        publisher: info.repository.split("/")[0],
        repository: `https://github.com/${info.repository}`,
        homepage: `https://github.com/${info.repository}`,
        config: { variables: configVariables },
        provider: { description: "The zego provider.", inputProperties: providerInputs },
        types: types.types,
        resources,
        functions,
        // For the SDKs scripts/sdkgen generates: supportPack gives the Go SDK its own go.mod, and
        // respectSchemaVersion makes each SDK ask the engine for this plugin version, not whatever is installed.
        meta: { supportPack: true },
        language: {
            nodejs: { packageName: "@pulumi-zego/zego", respectSchemaVersion: true },
            // The Go module is github.com/<owner>/<repo>/sdk/go (a release serves it from its goproxy/ folder).
            go: { importBasePath: `github.com/${info.repository}/sdk/go/zego`, respectSchemaVersion: true },
            python: { packageName: "pulumi_zego", respectSchemaVersion: true, pyproject: { enabled: true } },
        },
    };
}
