/**
 * The schema's descriptions are derived from the field table and the diff rules (plugin/describe.ts):
 * every argument, at every depth, has an example the field table accepts; every resource argument
 * says what a change does, as the diff does it; the status outputs are enum types.
 */
import { expect } from "chai";
import * as fs from "fs";
import { exampleOf } from "../../../provider/plugin/describe";
import { SCHEMA_FILE } from "../../../provider/plugin/writeSchema";
import { AGENT_STATUSES, GRACEFUL_SHUTDOWN_TIMEOUT } from "../../../provider/schema/api";
import { INSTANCE_STATUSES, PLUGIN_RESOURCE_ARGS, ResourceKind } from "../../../provider/schema/resources";
import { FieldSpec, obj } from "../../../provider/schema/spec";
import { validate } from "../../../provider/schema/validate";
import { SETTINGS } from "../../../provider/lifecycle/settings";

type Json = Record<string, any>;

describe("plugin: schema.json descriptions", () => {
    const schema: Json = JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8"));
    const typeOf = (ref: string): Json => schema.types[ref.replace("#/types/", "")];
    const kinds = Object.keys(PLUGIN_RESOURCE_ARGS) as ResourceKind[];

    it("gives every argument, at every depth, an example the field table accepts", () => {
        let checked = 0;
        const visit = (fields: Record<string, FieldSpec>, properties: Json, path: string) => {
            for (const [name, spec] of Object.entries(fields)) {
                const property = properties[name];
                const example = exampleOf(spec);
                expect(property.description, `${path}${name}`).to.contain(`Example: \`${JSON.stringify(example)}\``);
                const failures = validate(obj(undefined, { [name]: spec }), { [name]: example }, { naming: "camel" });
                expect(failures, `${path}${name}: example ${JSON.stringify(example)}`).to.deep.equal([]);
                checked++;
                const items = spec.kind === "array" ? spec.items : spec;
                const ref = spec.kind === "array" ? property.items.$ref : property.$ref;
                if (items.kind === "object") visit(items.fields, typeOf(ref).properties, `${path}${name}.`);
            }
        };
        for (const kind of kinds)
            visit(PLUGIN_RESOURCE_ARGS[kind].fields, schema.resources[`zego:index:${kind}`].inputProperties, `${kind}.`);
        expect(checked).to.be.greaterThan(150);
    });

    it("says what a change of each resource argument does, as the diff rules do", () => {
        const says = (kind: ResourceKind, name: string) => schema.resources[`zego:index:${kind}`].inputProperties[name].description;
        for (const kind of kinds)
            for (const name of Object.keys(PLUGIN_RESOURCE_ARGS[kind].fields)) expect(says(kind, name)).to.contain("On change: ");
        expect(says("AgentInstance", "rtc"))
            .to.contain("a change of `roomId`, `agentStreamId`, `agentUserId`, `streamExtraInfo` replaces the resource")
            .and.contain("of `userStreamId` updates it in place (UpdateAgentInstance)");
        expect(says("AgentInstance", "llm")).to.contain("a change updates it in place").and.contain("Removing it replaces the resource");
        expect(says("AgentInstance", "tts")).to.contain(
            "of `vendor`, `filterText`, `terminatorText`, `characterFilter` replaces the resource",
        );
        expect(says("AgentInstance", "vad")).to.contain("On change: a change replaces the resource.");
        expect(says("LiveDigitalHumanAgentInstance", "tts")).to.contain("On change: a change replaces the resource.");
        expect(says("AgentInstance", "gracefulShutdownTimeout")).to.contain("state only");
        expect(says("Agent", "llm"))
            .to.contain("a change updates it in place (UpdateAgent)")
            .and.contain("Removing it is refused at preview");
        expect(says("Agent", "agentId")).to.contain("a change replaces the resource");
    });

    it("types the status outputs as enums: the instance's (ZEGO's and the provider's), getAgentInstanceStatus's (ZEGO's documented)", () => {
        const values = (ref: string) => typeOf(ref).enum.map((e: Json) => e.value);
        for (const kind of kinds.filter((k) => k !== "Agent")) {
            const status = schema.resources[`zego:index:${kind}`].properties.status;
            expect(values(status.$ref), kind).to.deep.equal([...INSTANCE_STATUSES]);
            expect(status.description).to.contain("SHUTTING_DOWN while a graceful delete runs");
        }
        expect(INSTANCE_STATUSES).to.include.members(["IDLE", "LISTENING", "THINKING", "SPEAKING", "SHUTTING_DOWN", "UNKNOWN"]);
        const status = schema.functions["zego:index:getAgentInstanceStatus"].outputs.properties.status;
        // query-agent-instance-status.yaml: Data.Status enum.
        expect(values(status.$ref))
            .to.deep.equal(["IDLE", "LISTENING", "THINKING", "SPEAKING"])
            .and.deep.equal([...AGENT_STATUSES]);
        // The Agent's kept fields are a closed set of names.
        expect(values(schema.resources["zego:index:Agent"].properties.keptFields.items.$ref)).to.deep.equal(["name", "llm", "tts", "asr"]);
    });

    it("gives no input an enum type (a program may send a value ZEGO documents later), only the region of the provider config", () => {
        const enumRefs = (properties: Json) =>
            Object.values(properties)
                .map((p: Json) => p.$ref ?? p.items?.$ref)
                .filter((ref) => ref?.startsWith("#/types/") && typeOf(ref).enum);
        for (const token of Object.keys(schema.resources))
            expect(enumRefs(schema.resources[token].inputProperties), token).to.deep.equal([]);
        for (const [token, type] of Object.entries(schema.types) as [string, Json][])
            if (type.properties && !token.endsWith("DeletionSettings")) expect(enumRefs(type.properties), token).to.deep.equal([]);
    });

    it("takes the deletion settings' type and bounds from the field table (one graceful-timeout bound)", () => {
        const deletion = typeOf(schema.resources["zego:index:AgentInstance"].properties.deletion.$ref);
        expect(deletion.required).to.deep.equal(["gracefulShutdown", "gracefulShutdownTimeout", "waitForDeletion"]);
        const bound = `from ${GRACEFUL_SHUTDOWN_TIMEOUT.min} to ${GRACEFUL_SHUTDOWN_TIMEOUT.max} (seconds)`;
        expect(deletion.properties.gracefulShutdownTimeout.description).to.contain(bound);
        expect(schema.resources["zego:index:AgentInstance"].inputProperties.gracefulShutdownTimeout.description).to.contain(bound);
        expect([SETTINGS.gracefulShutdownTimeout.min, SETTINGS.gracefulShutdownTimeout.max]).to.deep.equal([
            GRACEFUL_SHUTDOWN_TIMEOUT.min,
            GRACEFUL_SHUTDOWN_TIMEOUT.max,
        ]);
    });
});
