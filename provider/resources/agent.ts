/** `Agent`: a registered ZEGOCLOUD AI agent configuration (RegisterAgent / UpdateAgent / UnregisterAgent). */
import * as pulumi from "@pulumi/pulumi";
import type { Outputs } from "../schema/resources";
import type * as t from "../schema/types";
import { ZegoResourceBase } from "./base";
import { ConnectionArgs, DeepInput } from "./inputs";

export interface AgentArgs extends ConnectionArgs {
    /** The AgentId (≤128 bytes). Replaces on change. */
    agentId: pulumi.Input<string>;
    /** Display name (≤256 bytes on register, ≤64 on update per the docs). */
    name?: pulumi.Input<string>;
    llm?: DeepInput<t.Llm>;
    tts?: DeepInput<t.Tts>;
    asr?: DeepInput<t.Asr>;
    /**
     * Take over an AgentId that is already registered (updating it to this config) instead of failing.
     * What it holds and this config leaves out (name, llm, tts, asr) is kept as it is, unmanaged: see `keptFields`.
     */
    adoptExisting?: pulumi.Input<boolean>;
}

export class Agent extends ZegoResourceBase {
    declare readonly agentId: pulumi.Output<string>;
    declare readonly name: pulumi.Output<string | undefined>;
    declare readonly llm: pulumi.Output<t.Llm | undefined>;
    declare readonly tts: pulumi.Output<t.Tts | undefined>;
    declare readonly asr: pulumi.Output<t.Asr | undefined>;
    /** True when the agent existed and was adopted rather than registered. */
    declare readonly adopted: pulumi.Output<boolean>;
    /** Which of name, llm, tts and asr ZEGO holds that the program does not declare (kept as they are, unmanaged). */
    declare readonly keptFields: pulumi.Output<NonNullable<Outputs<"Agent">["keptFields"]>>;

    constructor(name: string, args: AgentArgs, opts?: pulumi.CustomResourceOptions) {
        super("Agent", name, args, opts);
    }
}
