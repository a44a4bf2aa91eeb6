/**
 * The emulated service's state: the registered agents (agents.ts) and the agent instances
 * (instances.ts, their conversations in conversation.ts), over one clock and one set of settings.
 */
import { AgentRegistry } from "./agents";
import { Instances, StateEnv } from "./instances";

export type { StateEnv, StateSettings } from "./instances";

export class EmulatorState {
    readonly agents: AgentRegistry;
    readonly instances: Instances;

    constructor(env: StateEnv) {
        this.agents = new AgentRegistry(() => env.now());
        this.instances = new Instances(env, this.agents);
    }

    /** Apply every deadline that has passed on the emulator clock. */
    settle(): void {
        this.instances.settle();
    }

    /** Forget everything; pending "wait" deletes are answered (their instance is gone). */
    reset(): void {
        this.instances.reset();
        this.agents.clear();
    }
}
