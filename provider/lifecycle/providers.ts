/** Every resource kind's lifecycle over one context. */
import { ResourceKind } from "../schema/resources";
import { agentProvider } from "./agent";
import { agentInstanceProvider } from "./agentInstance";
import { LifecycleContext } from "./context";
import { LifecycleProvider } from "./provider";

export function lifecycleProviders(context: LifecycleContext): Record<ResourceKind, LifecycleProvider> {
    return {
        AgentInstance: agentInstanceProvider("AgentInstance", context),
        DigitalHumanAgentInstance: agentInstanceProvider("DigitalHumanAgentInstance", context),
        LiveDigitalHumanAgentInstance: agentInstanceProvider("LiveDigitalHumanAgentInstance", context),
        Agent: agentProvider(context),
    };
}
