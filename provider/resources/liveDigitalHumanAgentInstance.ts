/**
 * `LiveDigitalHumanAgentInstance`: a digital human driven only by SendAgentInstanceTTS, publishing to
 * an RTC room or a CDN (CreateLiveDigitalHumanAgentInstance, ZEGO 2.13.5). ZEGO refuses to update
 * one (410001049), so every change of an API argument replaces it.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as t from "../schema/types";
import { DeletionArgs } from "./agentInstance";
import { DigitalHumanResourceBase } from "./base";
import { ConnectionArgs, DeepInput } from "./inputs";

export interface LiveDigitalHumanAgentInstanceArgs extends DeletionArgs, ConnectionArgs {
    /** The registered agent whose TTS the digital human speaks with (unless `tts` is set). */
    agentId: pulumi.Input<string>;
    /** The digital human (DigitalHumanId, ConfigId mobile|web, EncodeCode). */
    digitalHuman: DeepInput<t.DigitalHuman>;
    /** The RTC room it publishes to (no userStreamId: it listens to nobody). Give `rtc` or `cdn`. */
    rtc?: DeepInput<t.LiveRtc>;
    /** Push to a CDN instead (RTMP URL); wins over `rtc` when both are set. */
    cdn?: DeepInput<{ url: string }>;
    /** TTS settings (`params.app` is secret); the agent's when omitted. */
    tts?: DeepInput<t.Tts>;
    callbackConfig?: DeepInput<NonNullable<t.CreateLiveDigitalHumanAgentInstanceRequest["callbackConfig"]>>;
    /** `maxIdleTime` 30..86400 s (default 900): ZEGO ends it when SendAgentInstanceTTS has not driven it for that long. */
    advancedConfig?: DeepInput<NonNullable<t.CreateLiveDigitalHumanAgentInstanceRequest["advancedConfig"]>>;
}

export class LiveDigitalHumanAgentInstance extends DigitalHumanResourceBase {
    declare readonly rtc: pulumi.Output<t.LiveRtc | undefined>;
    declare readonly cdn: pulumi.Output<{ url: string } | undefined>;
    /** The TTS settings without vendor credentials (kept encrypted in state). */
    declare readonly tts: pulumi.Output<t.Tts | undefined>;

    constructor(name: string, args: LiveDigitalHumanAgentInstanceArgs, opts?: pulumi.CustomResourceOptions) {
        super("LiveDigitalHumanAgentInstance", name, args, opts);
    }
}
