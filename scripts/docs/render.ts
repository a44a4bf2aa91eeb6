/**
 * The generated parts of docs/: the configuration table of docs/installation-configuration.md (from
 * provider/lifecycle/settings.ts and the schema's config descriptions) and the whole of docs/api.md
 * (from provider/plugin/schema.json). Rendered through prettier, so `npm run lint` and the check agree.
 *
 *   node dist/scripts/docs/render.js           rewrite the generated parts
 *   node dist/scripts/docs/render.js --check   exit 1, naming the file, when one differs (tests/unit/docs)
 */
import * as fs from "fs";
import * as path from "path";
import * as prettier from "prettier";
import { DEFAULT_MAX_REQUESTS_PER_SECOND, DEFAULT_TIMEOUT_MS } from "../../provider/client/options";
import { REGIONS, UNIFIED_ENDPOINT } from "../../provider/client/regions";
import { DEFAULT_RETRY_POLICY } from "../../provider/client/retry";
import { CONFIG_KEYS, DEFAULTS, ENV_VARS, SETTINGS } from "../../provider/lifecycle/settings";
import { CONFIG_NAMES, ConfigName, SECRET_CONFIG } from "../../provider/plugin/config";
import { repoRoot } from "../pulumi-env";

type Json = Record<string, unknown>;

export const CONFIG_TABLE = "config-table";
export const INSTALLATION_DOC = "docs/installation-configuration.md";
export const API_DOC = "docs/api.md";
const SCHEMA = "provider/plugin/schema.json";
const GENERATOR = "scripts/docs/render.ts";

const begin = (name: string) => `<!-- BEGIN GENERATED ${name}: ${GENERATOR} writes this part, \`npm run docs\` -->`;
const end = (name: string) => `<!-- END GENERATED ${name} -->`;

/** One table cell: no line breaks, `|` escaped. */
function cell(text: string): string {
    return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
}

function table(header: string[], rows: string[][]): string {
    return [
        `| ${header.join(" | ")} |`,
        `| ${header.map(() => "---").join(" | ")} |`,
        ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
    ].join("\n");
}

export function readSchema(root = repoRoot()): Json {
    return JSON.parse(fs.readFileSync(path.join(root, SCHEMA), "utf8")) as Json;
}

/** Defaults not in settings.ts live in the client; each named where it is defined. */
const DEFAULT_TEXT: Record<ConfigName, string> = {
    appId: "none: required for `up`, `refresh`, `destroy` (not for `preview`)",
    serverSecret: "none: required for `up`, `refresh`, `destroy` (not for `preview`)",
    region: `none: the unified host \`${UNIFIED_ENDPOINT}\``,
    endpoint: "none: the region's host",
    maxRequestsPerSecond: String(DEFAULT_MAX_REQUESTS_PER_SECOND),
    requestTimeoutMs: String(DEFAULT_TIMEOUT_MS),
    throttleDeadlineSeconds: String(DEFAULT_RETRY_POLICY.throttleDeadlineMs / 1000),
    gracefulShutdown: `\`${DEFAULTS.gracefulShutdown}\``,
    gracefulShutdownTimeout: String(DEFAULTS.gracefulShutdownTimeout),
    waitForDeletion: `\`${DEFAULTS.waitForDeletion}\``,
    deleteWaitMargin: String(DEFAULTS.deleteWaitMargin),
};

const isBoolean = (name: ConfigName) => SETTINGS[name].type === "boolean";

/** What each setting accepts, from the bounds its parser enforces. */
export function allowedText(name: ConfigName): string {
    if (isBoolean(name)) return "`true` or `false` (also `1`/`0`, `yes`/`no`)";
    if (name === "region") return REGIONS.map((r) => `\`${r}\``).join(", ");
    if (name === "endpoint") return "an HTTPS base URL (plain HTTP only on a loopback host, e.g. the emulator)";
    const spec: { type: string; min?: number; max?: number; unit?: string } = SETTINGS[name];
    if (spec.min !== undefined && spec.max !== undefined)
        return `${spec.type === "integer" ? "integer" : "number"} from ${spec.min} to ${spec.max}${spec.unit ? ` (${spec.unit})` : ""}`;
    return "any string";
}

/** A value for the `pulumi config set` example: valid (the unit test parses each), and for booleans a change from the default. */
export function exampleValue(name: ConfigName): string {
    if (name === "appId") return "1234567890";
    if (name === "serverSecret") return "<ServerSecret>";
    if (name === "region") return "sgp";
    if (name === "endpoint") return "http://127.0.0.1:8787";
    if (isBoolean(name)) return String(!(DEFAULTS as Record<string, unknown>)[name]);
    if (name === "maxRequestsPerSecond") return "5";
    if (name === "requestTimeoutMs") return "20000";
    if (name === "throttleDeadlineSeconds") return "900";
    if (name === "gracefulShutdownTimeout") return "60";
    return "30";
}

export function setCommand(name: ConfigName): string {
    const secret = SECRET_CONFIG.includes(name) ? " --secret" : "";
    return `pulumi config set${secret} ${CONFIG_KEYS[name]} ${exampleValue(name)}`;
}

/** The schema's description without its "Config `zego:x`, else env ZEGO_X." tail, which the table has as columns. */
function meaning(schema: Json, name: ConfigName): string {
    const variables = (schema.config as { variables: Record<string, { description?: string }> }).variables;
    const description = variables[name]?.description;
    if (description === undefined) throw new Error(`${SCHEMA} has no config variable ${name}: run npm run plugin first`);
    return description.replace(/\s*Config `[^`]+`, else env \w+\.\s*$/, "");
}

export function renderConfigTable(schema: Json): string {
    const rows = CONFIG_NAMES.map((name) => [
        `\`${CONFIG_KEYS[name]}\``,
        `\`${setCommand(name)}\``,
        `\`${ENV_VARS[name]}\``,
        allowedText(name),
        DEFAULT_TEXT[name],
        meaning(schema, name),
    ]);
    return table(["Key", "Set with", "Environment", "Allowed", "Default", "Meaning"], rows);
}

// ---- API reference -------------------------------------------------------------------------------

interface Property {
    type?: string;
    $ref?: string;
    items?: Property;
    additionalProperties?: Property;
    description?: string;
    secret?: boolean;
    enum?: { value: unknown }[];
}

const shortName = (token: string) => token.split(":").pop() ?? token;
const typeAnchor = (token: string) => `type-${shortName(token).toLowerCase()}`;

function typeText(p: Property): string {
    if (p.$ref?.startsWith("#/types/")) {
        const token = p.$ref.slice("#/types/".length);
        return `[${shortName(token)}](#${typeAnchor(token)})`;
    }
    if (p.$ref === "pulumi.json#/Any") return "any";
    if (p.$ref) return p.$ref;
    if (p.type === "array" && p.items) return `list of ${typeText(p.items)}`;
    if (p.type === "object" && p.additionalProperties) return `map of ${typeText(p.additionalProperties)}`;
    return p.type ?? "any";
}

function propertyRows(props: Record<string, Property>, required: readonly string[], only?: (name: string) => boolean): string[][] {
    return Object.entries(props)
        .filter(([name]) => only?.(name) ?? true)
        .map(([name, p]) => [
            `\`${name}\``,
            typeText(p),
            required.includes(name) ? "yes" : "",
            [
                p.description ?? "",
                p.secret ? "**Secret.**" : "",
                p.enum ? `One of ${p.enum.map((e) => `\`${String(e.value)}\``).join(", ")}.` : "",
            ]
                .filter(Boolean)
                .join(" "),
        ]);
}

const PROPERTY_HEADER = ["Name", "Type", "Required", "Description"];

export function renderApi(schema: Json): string {
    const resources = schema.resources as Record<string, Json>;
    const functions = (schema.functions ?? {}) as Record<string, Json>;
    const types = (schema.types ?? {}) as Record<string, Json>;
    const out: string[] = [
        "# API reference",
        "",
        `<!-- Generated from ${SCHEMA} by ${GENERATOR} (\`npm run docs\`); tests/unit/docs/docs.test.ts fails when it differs. Do not edit. -->`,
        "",
        `Package \`${String(schema.name)}\` ${String(schema.version)}: ${String(schema.description)} The resources and functions of the`,
        "provider plugin (`zego:index:*`), for Pulumi YAML, Go, Python and the generated Node SDK. The TypeScript",
        "package's classes (`pulumi-zego-aiagent`) take the same arguments. Provider configuration:",
        "[Installation & configuration](installation-configuration.md#configuration).",
        "",
        "## Resources",
        "",
    ];
    for (const [token, r] of Object.entries(resources)) {
        const inputs = (r.inputProperties ?? {}) as Record<string, Property>;
        const outputs = (r.properties ?? {}) as Record<string, Property>;
        out.push(`### ${shortName(token)}`, "", `\`${token}\`: ${String(r.description ?? "")}`, "", "Inputs:", "");
        out.push(table(PROPERTY_HEADER, propertyRows(inputs, (r.requiredInputs ?? []) as string[])), "");
        const extra = Object.keys(outputs).filter((name) => !(name in inputs));
        if (extra.length > 0) {
            out.push("Outputs (besides every input, echoed back):", "");
            out.push(
                table(
                    PROPERTY_HEADER,
                    propertyRows(outputs, (r.required ?? []) as string[], (name) => extra.includes(name)),
                ),
                "",
            );
        }
    }
    out.push("## Functions", "");
    for (const [token, f] of Object.entries(functions)) {
        const inputs = (f.inputs ?? { properties: {} }) as { properties?: Record<string, Property>; required?: string[] };
        const outputs = (f.outputs ?? { properties: {} }) as { properties?: Record<string, Property>; required?: string[] };
        out.push(`### ${shortName(token)}`, "", `\`${token}\`: ${String(f.description ?? "")}`, "");
        const inRows = propertyRows(inputs.properties ?? {}, inputs.required ?? []);
        out.push("Arguments:", "", inRows.length > 0 ? table(PROPERTY_HEADER, inRows) : "None.", "");
        out.push("Result:", "", table(PROPERTY_HEADER, propertyRows(outputs.properties ?? {}, outputs.required ?? [])), "");
    }
    out.push("## Types", "");
    for (const [token, t] of Object.entries(types)) {
        out.push(`<a id="${typeAnchor(token)}"></a>`, "", `### ${shortName(token)}`, "");
        if (t.description) out.push(String(t.description), "");
        const props = (t.properties ?? {}) as Record<string, Property>;
        if (Object.keys(props).length > 0) out.push(table(PROPERTY_HEADER, propertyRows(props, (t.required ?? []) as string[])), "");
        const values = t.enum as { value: unknown; description?: string }[] | undefined;
        if (values) out.push(`One of ${values.map((v) => `\`${String(v.value)}\``).join(", ")}.`, "");
    }
    return out.join("\n");
}

// ---- files -----------------------------------------------------------------------------------------

async function format(text: string, file: string): Promise<string> {
    const options = (await prettier.resolveConfig(file)) ?? {};
    return prettier.format(text, { ...options, filepath: file });
}

/** The file with its generated part replaced; fails, naming the markers, when they are missing. */
export function replaceBetween(text: string, name: string, content: string, file: string): string {
    const from = text.indexOf(begin(name));
    const to = text.indexOf(end(name));
    if (from < 0 || to < from) throw new Error(`${file} must contain the lines\n${begin(name)}\n${end(name)}`);
    return `${text.slice(0, from)}${begin(name)}\n\n${content}\n\n${text.slice(to)}`;
}

/** What each generated file should contain, by path relative to the repository. */
export async function expectedFiles(root = repoRoot()): Promise<Record<string, string>> {
    const schema = readSchema(root);
    const installation = path.join(root, INSTALLATION_DOC);
    const current = fs.readFileSync(installation, "utf8");
    return {
        [INSTALLATION_DOC]: await format(replaceBetween(current, CONFIG_TABLE, renderConfigTable(schema), INSTALLATION_DOC), installation),
        [API_DOC]: await format(renderApi(schema), path.join(root, API_DOC)),
    };
}

async function main(): Promise<void> {
    const check = process.argv.includes("--check");
    const root = repoRoot();
    const stale: string[] = [];
    for (const [file, text] of Object.entries(await expectedFiles(root))) {
        const full = path.join(root, file);
        const now = fs.existsSync(full) ? fs.readFileSync(full, "utf8") : "";
        if (now === text) continue;
        if (check) stale.push(file);
        else fs.writeFileSync(full, text);
    }
    if (stale.length > 0) {
        console.error(`${stale.join(", ")} differ from what ${GENERATOR} renders: run \`npm run docs\`.`);
        process.exitCode = 1;
    }
}

if (require.main === module) {
    main().catch((e: unknown) => {
        console.error(e instanceof Error ? e.message : e);
        process.exitCode = 1;
    });
}
