/** schema.json is what the field table generates, and is a well-formed Pulumi package schema. */
import { expect } from "chai";
import * as fs from "fs";
import { SCHEMA_FILE, schemaText } from "../../../provider/plugin/writeSchema";
import { PLUGIN_RESOURCE_ARGS, RESOURCE_ARGS, ResourceKind, secretOutputs } from "../../../provider/schema/resources";
import { SECRETS_PROPERTY } from "../../../provider/schema/secrets";
import { LLM } from "../../../provider/schema/api";
import { must } from "../../must";
import { CONFIG_KEYS, ENV_VARS } from "../../../provider/lifecycle/settings";
import { REGIONS } from "../../../provider/client/regions";

type Json = Record<string, any>;

describe("plugin: schema.json", () => {
    const committed = fs.readFileSync(SCHEMA_FILE, "utf8");
    const schema: Json = JSON.parse(committed);

    it("is in sync with the field table (regenerate: npm run build && node dist/provider/plugin/writeSchema.js && npx prettier --write provider/plugin/schema.json)", () => {
        expect(schema).to.deep.equal(JSON.parse(schemaText()));
    });

    it("has every argument of every resource but the TypeScript resources' connection, with required and secret flags from the table", () => {
        for (const [kind, spec] of Object.entries(PLUGIN_RESOURCE_ARGS)) {
            expect(RESOURCE_ARGS[kind as ResourceKind].fields, kind).to.have.property("connection");
            const res = schema.resources[`zego:index:${kind}`];
            expect(Object.keys(res.inputProperties).sort()).to.deep.equal(Object.keys(spec.fields).sort());
            const required = Object.entries(spec.fields)
                .filter(([, f]) => f.required)
                .map(([k]) => k);
            expect(res.requiredInputs ?? []).to.deep.equal(required);
        }
        const llm = schema.types["zego:index:Llm"];
        expect(Object.keys(llm.properties)).to.deep.equal(Object.keys(LLM.fields));
        const secretProps = Object.entries(llm.properties)
            .filter(([, p]) => (p as Json).secret)
            .map(([k]) => k);
        expect(secretProps).to.deep.equal(["apiKey"]);
        // Credentials stay at their own path (secret there); there is no hoisted `secrets` output any more.
        for (const kind of Object.keys(schema.resources)) expect(schema.resources[kind].properties).not.to.have.property("secrets");
        expect(schema.config.variables.serverSecret.secret).to.equal(true);
        expect(schema.provider.inputProperties.serverSecret.secret).to.equal(true);
    });

    it("flags the outputs the table declares secret (digitalHumanConfig), as the dynamic resources do", () => {
        for (const kind of Object.keys(RESOURCE_ARGS) as ResourceKind[]) {
            const flagged = Object.entries(schema.resources[`zego:index:${kind}`].properties as Json)
                .filter(([key, p]) => (p as Json).secret && !(key in RESOURCE_ARGS[kind]))
                .map(([key]) => key);
            expect(flagged, kind).to.deep.equal(secretOutputs(kind).filter((key) => key !== SECRETS_PROPERTY));
        }
        expect(schema.resources["zego:index:DigitalHumanAgentInstance"].properties.digitalHumanConfig.secret).to.equal(true);
    });

    it("every type reference resolves", () => {
        const refs = [...committed.matchAll(/"\$ref": "#\/types\/([^"]+)"/g)].map((m) => m[1]);
        expect(refs.length).to.be.greaterThan(10);
        for (const ref of refs) expect(schema.types, ref).to.have.property(must(ref, "ref"));
    });

    it("types every config key (booleans, integers), with its ZEGO_* variable and a description with bounds, default, on-change and an example", () => {
        const expected: Record<string, string> = {
            appId: "integer",
            serverSecret: "string",
            region: "#/types/zego:index:Region",
            endpoint: "string",
            maxRequestsPerSecond: "number",
            requestTimeoutMs: "integer",
            throttleDeadlineSeconds: "integer",
            gracefulShutdown: "boolean",
            gracefulShutdownTimeout: "integer",
            waitForDeletion: "boolean",
            deleteWaitMargin: "number",
        };
        expect(Object.keys(schema.config.variables).sort()).to.deep.equal(Object.keys(CONFIG_KEYS).sort());
        for (const [name, type] of Object.entries(expected)) {
            const variable = schema.config.variables[name];
            const input = schema.provider.inputProperties[name];
            expect(variable.type ?? variable.$ref, name).to.equal(type);
            expect(input.type ?? input.$ref, name).to.equal(type);
            expect(variable.defaultInfo, name).to.deep.equal({ environment: [ENV_VARS[name as keyof typeof ENV_VARS]] });
            expect(variable.description, name)
                .to.contain(ENV_VARS[name as keyof typeof ENV_VARS])
                .and.contain("On change:")
                .and.contain("Example: `pulumi config set");
            expect(variable, `${name}: no schema default (the SDKs read the variable with || default)`).not.to.have.property("default");
        }
        const bounds = (name: string) => schema.config.variables[name].description;
        expect(bounds("gracefulShutdownTimeout")).to.contain("from 1 to 120 seconds").and.contain("Default: 30.");
        expect(bounds("requestTimeoutMs")).to.contain("from 1 to 600000 milliseconds");
        expect(bounds("deleteWaitMargin")).to.contain("from 0 to 600 seconds").and.contain("Default: 15.");
        expect(bounds("maxRequestsPerSecond")).to.contain("from 0 to 10000 requests per second");
        expect(bounds("appId")).to.contain("from 1 to 4294967295");
        expect(bounds("gracefulShutdown")).to.contain("Default: true.");
        // The documented regions, a closed set (the provider refuses others).
        expect(schema.types["zego:index:Region"]).to.deep.equal({ type: "string", enum: REGIONS.map((value) => ({ value })) });
        // Provider inputs: the same, but an enum has no defaultInfo (Go codegen would not compile); the provider reads ZEGO_REGION itself.
        expect(schema.provider.inputProperties.region).not.to.have.property("defaultInfo");
        expect(schema.provider.inputProperties.gracefulShutdown.defaultInfo).to.deep.equal({ environment: ["ZEGO_GRACEFUL_SHUTDOWN"] });
    });
});
