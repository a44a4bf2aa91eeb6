/** `DigitalHumanAgentInstance`: an agent instance with a digital human (CreateDigitalHumanAgentInstance). */
import * as pulumi from "@pulumi/pulumi";
import type * as t from "../schema/types";
import { AgentInstanceArgs, instanceProps, InstanceOutputs } from "./agentInstance";
import { ZegoResource } from "../shim";
import { DeepInput, withSecretOutputs } from "./inputs";
import { DeletionSettings } from "../lifecycle/settings";

export interface DigitalHumanAgentInstanceArgs extends AgentInstanceArgs {
    /** The digital human (DigitalHumanId, ConfigId mobile|web, EncodeCode). Replaces on change. */
    digitalHuman: DeepInput<t.DigitalHuman>;
}

export class DigitalHumanAgentInstance extends ZegoResource implements InstanceOutputs {
    declare readonly agentInstanceId: pulumi.Output<string>;
    declare readonly status: pulumi.Output<string>;
    declare readonly agentId: pulumi.Output<string>;
    declare readonly userId: pulumi.Output<string>;
    declare readonly rtc: pulumi.Output<t.Rtc>;
    declare readonly digitalHuman: pulumi.Output<t.DigitalHuman>;
    /** Base64 configuration for the digital-human client SDK (stored as a secret). */
    declare readonly digitalHumanConfig: pulumi.Output<string>;
    declare readonly deletion: pulumi.Output<DeletionSettings>;
    declare readonly appId: pulumi.Output<number>;
    declare readonly endpoint: pulumi.Output<string>;
    declare readonly stateVersion: pulumi.Output<number>;

    constructor(name: string, args: DigitalHumanAgentInstanceArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            "DigitalHumanAgentInstance",
            name,
            { ...instanceProps(args), digitalHumanConfig: undefined },
            withSecretOutputs(opts, ["secrets", "digitalHumanConfig"]),
        );
    }
}
