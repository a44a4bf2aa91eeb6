/** State written by another package version (provider/lifecycle/state.ts), as delete, read and diff see it. */
import { expect } from "chai";
import { ZegoClient } from "../../../provider/client/client";
import { createLifecycleContext } from "../../../provider/lifecycle/context";
import { lifecycleProviders } from "../../../provider/lifecycle/providers";
import { Settings } from "../../../provider/lifecycle/settings";
import { STATE_VERSION } from "../../../provider/lifecycle/state";
import { validInstanceArgs } from "../../harness/fixtures";
import { countingEndpoint } from "./countingEndpoint";

describe("state written by a newer package version", () => {
    it("delete, read and diff fail asking for that version, and make no call", async () => {
        const { env, connections, close } = await countingEndpoint();
        const context = createLifecycleContext({ settings: new Settings(env), createClient: (options) => new ZegoClient(options) });
        const { AgentInstance, Agent } = lifecycleProviders(context);
        const newer = STATE_VERSION + 1;
        const instanceState = {
            ...(validInstanceArgs() as unknown as Record<string, unknown>),
            agentInstanceId: "i1",
            appId: 1234,
            endpoint: env.ZEGO_ENDPOINT,
            stateVersion: newer,
        };
        const expected = `This state was written by a newer pulumi-zego-aiagent (state version ${newer}; this one reads up to ${STATE_VERSION}). Install the newer package version where you run pulumi.`;
        try {
            const attempts: [string, () => Promise<unknown>][] = [
                ["AgentInstance delete", () => AgentInstance.delete("i1", instanceState)],
                ["AgentInstance read", () => AgentInstance.read("i1", instanceState)],
                ["AgentInstance diff", () => AgentInstance.diff("i1", instanceState, instanceState)],
                [
                    "Agent delete",
                    () => Agent.delete("a1", { agentId: "a1", appId: 1234, endpoint: env.ZEGO_ENDPOINT, stateVersion: newer }),
                ],
            ];
            for (const [what, attempt] of attempts) {
                const error = await attempt().then(
                    () => undefined,
                    (e: Error) => e,
                );
                expect(error?.message, what).to.equal(expected);
            }
        } finally {
            context.clients.clear();
            close();
        }
        expect(connections(), "no call to ZEGO").to.equal(0);
    });
});
