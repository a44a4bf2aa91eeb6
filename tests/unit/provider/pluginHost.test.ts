/**
 * The lifecycle rules the plugin used to decide in its gRPC server (provider/lifecycle/pluginHost.ts,
 * LifecycleProvider.preview and .import): preview outputs, `pulumi import` on a Read without state,
 * state moved from the dynamic resources, the connection refusal. Each without a call to ZEGO;
 * tests/integration/plugin and tests/e2e/migration.test.ts drive the same rules through gRPC and the engine.
 */
import { expect } from "chai";
import { ZegoClient } from "../../../provider/client/client";
import { createLifecycleContext } from "../../../provider/lifecycle/context";
import { pluginLifecycles } from "../../../provider/lifecycle/pluginHost";
import { lifecycleProviders } from "../../../provider/lifecycle/providers";
import { Settings } from "../../../provider/lifecycle/settings";
import { STATE_VERSION } from "../../../provider/lifecycle/state";
import { UNKNOWN } from "../../../provider/schema/unknown";
import { validInstanceArgs } from "../../harness/fixtures";
import { rejectionOf } from "../../rejection";
import { countingEndpoint } from "./countingEndpoint";

type Props = Record<string, unknown>;

describe("lifecycle: preview, import and the plugin host's rules", () => {
    let close: () => void;
    let connections: () => number;
    let env: Record<string, string>;
    let context: ReturnType<typeof createLifecycleContext>;

    beforeEach(async () => {
        ({ env, connections, close } = await countingEndpoint());
        context = createLifecycleContext({ settings: new Settings(env), createClient: (options) => new ZegoClient(options) });
    });
    afterEach(() => {
        context.clients.clear();
        close();
        expect(connections(), "no call to ZEGO").to.equal(0);
    });

    /** An instance's state as create writes it. */
    function instanceState(): Props {
        return {
            ...validInstanceArgs(),
            agentInstanceId: "i1",
            status: "IDLE",
            appId: 1234,
            endpoint: env.ZEGO_ENDPOINT,
            deletion: { gracefulShutdown: true, gracefulShutdownTimeout: 30, waitForDeletion: true },
            stateVersion: STATE_VERSION,
        };
    }

    it("preview of a create: the inputs, and every output the service assigns unknown; of an update: the stored outputs under the new inputs", () => {
        const { AgentInstance, Agent } = lifecycleProviders(context);
        const inputs = validInstanceArgs();
        expect(AgentInstance.preview(inputs)).to.deep.equal({
            ...inputs,
            agentInstanceId: UNKNOWN,
            status: UNKNOWN,
            appId: UNKNOWN,
            endpoint: UNKNOWN,
            deletion: UNKNOWN,
            stateVersion: UNKNOWN,
        });
        expect(Agent.preview({ agentId: "a1" })).to.include({ agentId: "a1", adopted: UNKNOWN, keptFields: UNKNOWN, appId: UNKNOWN });
        const olds = instanceState();
        expect(AgentInstance.preview({ ...inputs, userId: "user_2" }, olds)).to.deep.equal({ ...olds, userId: "user_2" });
    });

    it("import of an instance is refused, saying why and what to do", async () => {
        const { AgentInstance } = lifecycleProviders(context);
        const error = await rejectionOf(AgentInstance.import("i1"));
        expect(error.message).to.contain("zego:index:AgentInstance cannot be imported");
        expect(error.message).to.contain("delete i1 and let Pulumi create it");
    });

    it("plugin host: a Read without state is an import (the engine's `pulumi import`)", async () => {
        const { DigitalHumanAgentInstance } = pluginLifecycles(lifecycleProviders(context));
        const error = await rejectionOf(DigitalHumanAgentInstance.read("i1", {}));
        expect(error.message).to.contain("zego:index:DigitalHumanAgentInstance cannot be imported");
    });

    it("plugin host: state the dynamic resources wrote (`__provider`; 0.1.0's top-level `secrets`) diffs as a change and previews in the plugin's shape", async () => {
        const { AgentInstance } = pluginLifecycles(lifecycleProviders(context));
        const state = instanceState();
        const inputs = validInstanceArgs();
        expect((await AgentInstance.diff("i1", state, inputs)).changes, "the plugin's own state, unchanged").to.equal(false);
        const current = { ...state, __provider: "exports.handler=..." };
        const { llm, ...rest } = state as { llm: Props };
        const { apiKey, ...publicLlm } = llm;
        const legacy = { ...rest, llm: publicLlm, secrets: { llm: { apiKey } }, __provider: "exports.handler=..." };
        for (const moved of [current, legacy]) {
            const diff = await AgentInstance.diff("i1", moved, inputs);
            expect(diff.changes, "moved here: an update rewrites the state").to.equal(true);
            expect(diff.replaces ?? []).to.deep.equal([]);
            expect(AgentInstance.preview(inputs, moved)).to.deep.equal(state);
        }
    });

    it("plugin host: check refuses the TypeScript resources' connection argument, naming no property (the engine would print the secret)", async () => {
        const { Agent } = pluginLifecycles(lifecycleProviders(context));
        const connection = { appId: 1234, serverSecret: "0123456789abcdef0123456789abcdef" };
        const { failures } = await Agent.check({}, { agentId: "a1", connection });
        expect(failures?.map((f) => f.property)).to.deep.equal([""]);
        expect(failures?.[0]?.reason).to.contain("connection is not an argument of zego:index:Agent");
        expect(JSON.stringify(failures)).to.not.contain(connection.serverSecret);
        const ts = await lifecycleProviders(context).Agent.check({}, { agentId: "a1", connection });
        expect(ts.failures ?? [], "the TypeScript resources accept it").to.deep.equal([]);
    });
});
