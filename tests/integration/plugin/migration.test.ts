/**
 * The plugin over gRPC with state the dynamic resources wrote (what the engine sends once a program
 * moves a resource to `zego:index:<Kind>` with an alias; tests/e2e/migration.test.ts runs the move
 * through the engine): `__provider`, and in 0.1.0's shape credentials in a top-level `secrets`.
 */
import { expect } from "chai";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { EmulatorHandle } from "../../../emulator";
import { providerText } from "../../../provider/shim";
import { secret, Props, unwrapSecrets } from "../../../provider/plugin/values";
import { splitSecrets } from "../../../provider/schema/secrets";
import { LLM_API_KEY, validInstanceArgs } from "../../harness/fixtures";
import { withEmulatorAndPlugin } from "./lab";
import { EngineClient, js, struct } from "./engine";
import { APP_ID, expectNoPlaintextSecret, SERVER_SECRET } from "./credentials";

const { DIFF_NONE, DIFF_SOME } = provproto.DiffResponse.DiffChanges;

describe("plugin: state written by the dynamic resources (moved with an alias)", function () {
    this.timeout(30000);
    let em: EmulatorHandle;
    let engine: EngineClient;
    withEmulatorAndPlugin((e, g) => ([em, engine] = [e, g]), { configured: true });

    /** An instance created through the plugin, and its state as the dynamic resources would have stored it (current and 0.1.0 shape). */
    async function dynamicStates(): Promise<{ id: string; inputs: Props; current: Props; legacy: Props }> {
        await engine.create("Agent", js((await engine.check("Agent", { agentId: "demo_agent" })).getInputs()));
        const inputs = js((await engine.check("AgentInstance", validInstanceArgs())).getInputs());
        const created = await engine.create("AgentInstance", inputs);
        const outs = js(created.getProperties());
        const __provider = providerText("AgentInstance");
        const { publicArgs, secrets } = splitSecrets(unwrapSecrets(outs).value as Props);
        return {
            id: created.getId(),
            inputs,
            current: { ...outs, __provider },
            legacy: { ...publicArgs, secrets: secret(secrets), __provider },
        };
    }

    it("DiffConfig with the pulumi-nodejs provider's config (the engine's providerChanged) asks for no replacement", async () => {
        const req = new provproto.DiffRequest();
        req.setUrn("urn:pulumi:test::proj::pulumi:providers:zego::default");
        const nodejs = { "zego:appId": String(APP_ID), "zego:endpoint": em.url, "zego:serverSecret": secret(SERVER_SECRET) };
        req.setOldInputs(struct(nodejs));
        req.setOlds(struct(nodejs));
        req.setNews(struct({ appId: String(APP_ID), serverSecret: secret(SERVER_SECRET), endpoint: em.url }));
        const res = await engine.call<provproto.DiffRequest, provproto.DiffResponse>("diffConfig", req);
        expect(res.getReplacesList()).to.deep.equal([]);
        expect(res.getDeletebeforereplace()).to.equal(false);
    });

    for (const shape of ["current", "legacy"] as const) {
        it(`${shape} shape: diff is an update without replacement, update writes the plugin's shape with no API call, read and delete accept it`, async () => {
            const states = await dynamicStates();
            const { id, inputs } = states;
            const olds = states[shape];
            const calls = em.requests().length;

            const diff = await engine.diff("AgentInstance", id, olds, inputs);
            expect(diff.getChanges()).to.equal(DIFF_SOME);
            expect(diff.getReplacesList()).to.deep.equal([]);
            // A real change still shows as what it is.
            const moved = await engine.diff("AgentInstance", id, olds, { ...inputs, userId: "user_2" });
            expect(moved.getReplacesList()).to.deep.equal(["userId"]);

            const preview = js((await engine.update("AgentInstance", id, olds, inputs, true)).getProperties());
            const updated = js((await engine.update("AgentInstance", id, olds, inputs)).getProperties());
            expect(em.requests().length, "diff and update make no API call").to.equal(calls);
            for (const props of [preview, updated]) {
                expect(props).to.not.have.any.keys("__provider", "secrets");
                expect((props.llm as Props).apiKey).to.deep.equal(secret(LLM_API_KEY));
                expect(props).to.include({ agentInstanceId: id, appId: APP_ID, endpoint: em.url });
                expectNoPlaintextSecret(props);
            }
            // Once in the plugin's shape: no change.
            expect((await engine.diff("AgentInstance", id, updated, inputs)).getChanges()).to.equal(DIFF_NONE);

            const read = await engine.read("AgentInstance", id, olds);
            for (const props of [js(read.getProperties()), js(read.getInputs())]) {
                expect(props).to.not.have.any.keys("__provider", "secrets");
                expect((props.llm as Props).apiKey).to.deep.equal(secret(LLM_API_KEY));
                expectNoPlaintextSecret(props);
            }

            em.setBusy(id, { status: "SPEAKING", seconds: 1 });
            await engine.delete("AgentInstance", id, olds);
            const deleted = em.instance(id)!;
            expect(deleted.state).to.equal("deleted");
            expect(deleted.deleteRequest).to.include({ GracefulShutdown: true, GracefulShutdownTimeout: 30 });
        });
    }
});
