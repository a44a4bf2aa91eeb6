/**
 * `AgentInstance`: a ZEGOCLOUD AI agent instance in an RTC room, as a Pulumi resource.
 * `pulumi destroy` stops it with DeleteAgentInstance and graceful shutdown (see README).
 */
import * as pulumi from "@pulumi/pulumi";
import type * as t from "../schema/types";
import { DeletionSettings } from "../lifecycle/settings";
import { ZegoResource } from "../shim";
import { DeepInput, hoistSecrets, withSecretOutputs } from "./inputs";

export interface AgentInstanceArgs {
    /** The registered agent (RegisterAgent / the `Agent` resource) this instance runs. Replaces on change. */
    agentId: pulumi.Input<string>;
    /** The real user the agent talks to (≤32 bytes: letters, digits, '-', '_'). Replaces on change. */
    userId: pulumi.Input<string>;
    /** Room and streams. Only `userStreamId` updates in place; anything else replaces. */
    rtc: DeepInput<t.Rtc>;
    /** LLM settings (whole object sent on update). `apiKey` is stored as a secret. */
    llm?: DeepInput<t.Llm>;
    /** TTS settings. `vendor`, `filterText`, `terminatorText`, `characterFilter` replace; the rest updates. `params.app` is secret. */
    tts?: DeepInput<t.Tts>;
    /** ASR settings (updates in place). Credential-looking `params` keys are secret. */
    asr?: DeepInput<t.Asr>;
    /** Voice activity detection. Replaces on change. */
    vad?: DeepInput<t.Vad>;
    /** Conversation history. Replaces on change. */
    messageHistory?: DeepInput<t.MessageHistory>;
    /** Server callbacks. Replaces on change. */
    callbackConfig?: DeepInput<t.CallbackConfig>;
    /** Advanced settings (MaxIdleTime, interrupt mode, ...). Replaces on change. */
    advancedConfig?: DeepInput<t.AdvancedConfig>;
    /** Let the agent finish speaking before it stops on delete (default true, or stack config `zego:gracefulShutdown`). */
    gracefulShutdown?: pulumi.Input<boolean>;
    /** Seconds to wait for the agent to become idle on delete, 1..120 (default 30). */
    gracefulShutdownTimeout?: pulumi.Input<number>;
    /** Make delete wait until the instance is gone (default true). */
    waitForDeletion?: pulumi.Input<boolean>;
}

/** Outputs shared by both instance resources. */
export interface InstanceOutputs {
    readonly agentInstanceId: pulumi.Output<string>;
    readonly status: pulumi.Output<string>;
}

export class AgentInstance extends ZegoResource implements InstanceOutputs {
    /** ZEGO's AgentInstanceId (also the resource id). */
    declare readonly agentInstanceId: pulumi.Output<string>;
    /** IDLE | LISTENING | THINKING | SPEAKING at the last create/update/refresh (SHUTTING_DOWN while a graceful delete runs). */
    declare readonly status: pulumi.Output<string>;
    declare readonly agentId: pulumi.Output<string>;
    declare readonly userId: pulumi.Output<string>;
    declare readonly rtc: pulumi.Output<t.Rtc>;
    /** The LLM settings without `apiKey` (kept encrypted in state). */
    declare readonly llm: pulumi.Output<Omit<t.Llm, "apiKey"> | undefined>;
    /** The TTS settings without vendor credentials (kept encrypted in state). */
    declare readonly tts: pulumi.Output<t.Tts | undefined>;
    declare readonly asr: pulumi.Output<t.Asr | undefined>;
    declare readonly vad: pulumi.Output<t.Vad | undefined>;
    declare readonly messageHistory: pulumi.Output<t.MessageHistory | undefined>;
    declare readonly callbackConfig: pulumi.Output<t.CallbackConfig | undefined>;
    declare readonly advancedConfig: pulumi.Output<t.AdvancedConfig | undefined>;
    /** Deletion settings in effect at the last create/update (environment overrides apply at delete time). */
    declare readonly deletion: pulumi.Output<DeletionSettings>;
    /** The ZEGO app the instance belongs to. */
    declare readonly appId: pulumi.Output<number>;
    /** The ZEGO API endpoint it was created at. */
    declare readonly endpoint: pulumi.Output<string>;
    /** Version of the stored state shape. */
    declare readonly stateVersion: pulumi.Output<number>;

    constructor(name: string, args: AgentInstanceArgs, opts?: pulumi.CustomResourceOptions) {
        super("AgentInstance", name, instanceProps(args), withSecretOutputs(opts, ["secrets"]));
    }
}

/** Props for both instance kinds: the hoisted args plus the computed outputs to register. */
export function instanceProps(args: object): Record<string, pulumi.Input<unknown>> {
    return {
        ...hoistSecrets(args as Record<string, unknown>),
        agentInstanceId: undefined,
        status: undefined,
        deletion: undefined,
        appId: undefined,
        endpoint: undefined,
        stateVersion: undefined,
    };
}
