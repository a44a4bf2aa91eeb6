/** `Agent`: a registered ZEGOCLOUD AI agent configuration (RegisterAgent / UpdateAgent / UnregisterAgent). */
import * as pulumi from "@pulumi/pulumi";
import type * as t from "../schema/types";
import { ZegoResource } from "../shim";
import { DeepInput, hoistSecrets, withSecretOutputs } from "./inputs";

export interface AgentArgs {
    /** The AgentId (≤128 bytes). Replaces on change. */
    agentId: pulumi.Input<string>;
    /** Display name (≤256 bytes on register, ≤64 on update per the docs). */
    name?: pulumi.Input<string>;
    llm?: DeepInput<t.Llm>;
    tts?: DeepInput<t.Tts>;
    asr?: DeepInput<t.Asr>;
    /** Take over an AgentId that is already registered (updating it to this config) instead of failing. */
    adoptExisting?: pulumi.Input<boolean>;
}

export class Agent extends ZegoResource {
    declare readonly agentId: pulumi.Output<string>;
    declare readonly name: pulumi.Output<string | undefined>;
    declare readonly llm: pulumi.Output<Omit<t.Llm, "apiKey"> | undefined>;
    declare readonly tts: pulumi.Output<t.Tts | undefined>;
    declare readonly asr: pulumi.Output<t.Asr | undefined>;
    /** True when the agent existed and was adopted rather than registered. */
    declare readonly adopted: pulumi.Output<boolean>;
    declare readonly appId: pulumi.Output<number>;
    declare readonly endpoint: pulumi.Output<string>;
    declare readonly stateVersion: pulumi.Output<number>;

    constructor(name: string, args: AgentArgs, opts?: pulumi.CustomResourceOptions) {
        const props = {
            ...hoistSecrets(args as unknown as Record<string, unknown>),
            adopted: undefined,
            appId: undefined,
            endpoint: undefined,
            stateVersion: undefined,
        };
        super("Agent", name, props, withSecretOutputs(opts, ["secrets"]));
    }
}
