/**
 * `AgentInstance`: a ZEGOCLOUD AI agent instance in an RTC room, as a Pulumi resource.
 * `pulumi destroy` stops it with DeleteAgentInstance and graceful shutdown (see README).
 */
import * as pulumi from "@pulumi/pulumi";
import type * as t from "../schema/types";
import { InstanceResourceBase, InstanceStatus } from "./base";
import type { OwnDeletionSettings } from "../schema/resources";
import { ConnectionArgs, DeepInput } from "./inputs";

/**
 * How `pulumi destroy` stops the instance (the field table's DELETION_FIELDS: bounds, defaults and
 * meaning there and in the plugin schema); stack config `zego:*` and the defaults fill in what is not set.
 */
export type DeletionArgs = { [K in keyof OwnDeletionSettings]?: pulumi.Input<NonNullable<OwnDeletionSettings[K]>> };

export interface AgentInstanceArgs extends DeletionArgs, ConnectionArgs {
    /** The registered agent (RegisterAgent / the `Agent` resource) this instance runs. Replaces on change. */
    agentId: pulumi.Input<string>;
    /** The real user the agent talks to (≤32 bytes: letters, digits, '-', '_'). Replaces on change. */
    userId: pulumi.Input<string>;
    /** Room and streams. Only `userStreamId` updates in place; anything else replaces. */
    rtc: DeepInput<t.Rtc>;
    /** LLM settings (whole object sent on update). `apiKey` and every credential-looking value is stored as a secret. */
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
}

export type { InstanceStatus };

export class AgentInstance extends InstanceResourceBase {
    declare readonly userId: pulumi.Output<string>;
    declare readonly rtc: pulumi.Output<t.Rtc>;
    /** The LLM settings (`apiKey` and other credentials are secret in state; the Output is secret when any part is). */
    declare readonly llm: pulumi.Output<t.Llm | undefined>;
    /** The TTS settings (vendor credentials are secret in state). */
    declare readonly tts: pulumi.Output<t.Tts | undefined>;
    declare readonly asr: pulumi.Output<t.Asr | undefined>;
    declare readonly vad: pulumi.Output<t.Vad | undefined>;
    declare readonly messageHistory: pulumi.Output<t.MessageHistory | undefined>;
    declare readonly callbackConfig: pulumi.Output<t.CallbackConfig | undefined>;
    declare readonly advancedConfig: pulumi.Output<t.AdvancedConfig | undefined>;

    constructor(name: string, args: AgentInstanceArgs, opts?: pulumi.CustomResourceOptions) {
        super("AgentInstance", name, args, opts);
    }
}
