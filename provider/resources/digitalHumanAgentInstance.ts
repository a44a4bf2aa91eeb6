/** `DigitalHumanAgentInstance`: an agent instance with a digital human (CreateDigitalHumanAgentInstance). */
import * as pulumi from "@pulumi/pulumi";
import type * as t from "../schema/types";
import { AgentInstanceArgs } from "./agentInstance";
import { DigitalHumanResourceBase } from "./base";
import { DeepInput } from "./inputs";

export interface DigitalHumanAgentInstanceArgs extends AgentInstanceArgs {
    /** The digital human (DigitalHumanId, ConfigId mobile|web, EncodeCode). Replaces on change. */
    digitalHuman: DeepInput<t.DigitalHuman>;
}

export class DigitalHumanAgentInstance extends DigitalHumanResourceBase {
    declare readonly userId: pulumi.Output<string>;
    declare readonly rtc: pulumi.Output<t.Rtc>;

    constructor(name: string, args: DigitalHumanAgentInstanceArgs, opts?: pulumi.CustomResourceOptions) {
        super("DigitalHumanAgentInstance", name, args, opts);
    }
}
