/**
 * The code the serialized provider (`shim.ts`) loads at run time, in the provider process, as
 * `require("pulumi-zego-aiagent/runtime")`. Its exports are a contract with every `__provider`
 * ever written to state: add to them, never rename or remove.
 *
 * @internal Not public API: only the serialized provider calls it.
 */
import { agentProvider } from "./lifecycle/agent";
import { agentInstanceProvider } from "./lifecycle/agentInstance";
import { LifecycleProvider } from "./lifecycle/provider";
import { ConfigReader, setStackConfig } from "./lifecycle/settings";
import { ResourceKind } from "./schema/resources";

export const providers: Record<ResourceKind, LifecycleProvider> = {
    AgentInstance: agentInstanceProvider("AgentInstance"),
    DigitalHumanAgentInstance: agentInstanceProvider("DigitalHumanAgentInstance"),
    LiveDigitalHumanAgentInstance: agentInstanceProvider("LiveDigitalHumanAgentInstance"),
    Agent: agentProvider,
};

/** Called by the engine once per provider process with the whole stack config. */
export function configure(config: ConfigReader): void {
    setStackConfig(config);
}
