/**
 * The spec's TypeScript types are inferred from the field table (provider/schema/types.ts). This
 * pins them to the hand-written interfaces they replaced (0.1.0's public types, copied below): each
 * inferred type must be the same type, so users see no change. Checked by tsc when the tests build
 * (a difference fails the build); the runtime cases check that the table and the pins name the same fields.
 */
import { expect } from "chai";
import type * as t from "../../../provider/schema/types";
import type { AgentStatus, TTS_VENDORS } from "../../../provider/schema/api";
import { ACTIONS, ADVANCED_CONFIG, ASR, LLM, RTC, TTS } from "../../../provider/schema/api";
import type * as pulumi from "@pulumi/pulumi";
import type { DeletionSettings } from "../../../provider/lifecycle/settings";
import type { Outputs, ResourceKind } from "../../../provider/schema/resources";
import type { Agent, AgentInstance, DigitalHumanAgentInstance, LiveDigitalHumanAgentInstance } from "../../../provider";

/** True only when X and Y are the same type (not merely assignable one way). */
type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
function assertType<_T extends true>(): void {}

// eslint-disable-next-line @typescript-eslint/no-namespace
namespace Pinned {
    export type VendorParams = Record<string, unknown>;

    export interface Rtc {
        roomId: string;
        agentStreamId: string;
        agentUserId: string;
        userStreamId: string;
        streamExtraInfo?: string;
    }

    export interface Llm {
        vendor?: "OpenAIChat" | "OpenAIResponses";
        url: string;
        apiKey: string;
        model: string;
        systemPrompt?: string;
        temperature?: number;
        topP?: number;
        params?: VendorParams;
        addAgentInfo?: boolean;
        agentExtraInfo?: Record<string, unknown>;
    }

    export interface TextFilter {
        beginCharacters: string;
        endCharacters: string;
    }

    /** The vendors the TTS guide lists; other names are passed on (the docs' own examples send "ByteDance", "Minimax"). */
    export type KnownTtsVendor = (typeof TTS_VENDORS)[number];

    export interface Tts {
        // `string & {}` keeps the known names as editor suggestions while accepting any name.
        vendor: KnownTtsVendor | (string & {});
        url?: string;
        /** Vendor parameters; `app` holds the vendor credentials and is treated as a secret. */
        params: VendorParams & { app: Record<string, unknown> };
        filterText?: TextFilter[];
        terminatorText?: string;
        characterFilter?: string[];
    }

    export interface Asr {
        vendor?: "Tencent" | "AliyunParaformer" | "Microsoft" | "AliyunFunASR" | "AliyunQwenASR" | "VolcSeedASR";
        params?: VendorParams;
        /** @deprecated since ZEGO server 2.12.0: use `vad.turnDetectConfig.silenceSegmentation`. */
        vadSilenceSegmentation?: number;
        /** @deprecated use `vad.turnDetectConfig.pauseInterval`. */
        pauseInterval?: number;
        /** @deprecated use `vad.voiceDetectConfig.sensitiveConfig.level`. */
        vadSensitiveLevel?: 0 | 1 | 2 | 3;
        /** @deprecated use `vad.voiceDetectConfig.sensitiveConfig.minSpeechDur`. */
        vadMinSpeechDur?: number;
        /** @deprecated use `vad.voiceDetectConfig.sensitiveConfig.energyThreshold`. */
        vadEnergyThreshold?: number;
        /** @deprecated */
        hotWord?: string;
    }

    export interface Vad {
        turnDetectConfig?: { silenceSegmentation?: number; pauseInterval?: number };
        voiceDetectConfig?: { sensitiveConfig?: { level?: 0 | 1 | 2 | 3; minSpeechDur?: number; energyThreshold?: number } };
    }

    export interface Message {
        role: "user" | "assistant";
        content: string;
    }

    export interface MessageHistory {
        syncMode?: 0 | 1;
        messages?: Message[];
        windowSize?: number;
        zim?: { robotId?: string; loadMessageCount?: number };
    }

    type Flag = 0 | 1;
    export interface CallbackConfig {
        asrResult?: Flag;
        llmResult?: Flag;
        interrupted?: Flag;
        userSpeakAction?: Flag;
        agentInstanceStatus?: Flag;
        userAudioData?: Flag;
        hostTag?: string;
    }

    export interface AdvancedConfig {
        interruptMode?: 0 | 1;
        maxIdleTime?: number;
        disableTts?: boolean;
        communicationMode?: 0 | 2 | (number & {});
        llmMetaInfo?: { beginCharacters?: string; endCharacters?: string; sendMetaKeys?: string[] };
        addAsrInfo?: boolean;
        ttsParamPaths?: Record<string, string>;
    }

    export interface DigitalHuman {
        digitalHumanId: string;
        configId?: "mobile" | "web";
        encodeCode?: "H264";
    }

    export interface CreateAgentInstanceRequest {
        agentId: string;
        userId: string;
        rtc: Rtc;
        llm?: Llm;
        tts?: Tts;
        asr?: Asr;
        vad?: Vad;
        messageHistory?: MessageHistory;
        callbackConfig?: CallbackConfig;
        advancedConfig?: AdvancedConfig;
    }

    export interface CreateDigitalHumanAgentInstanceRequest extends CreateAgentInstanceRequest {
        digitalHuman: DigitalHuman;
    }

    /** RTC of a live digital human: it publishes but listens to nobody, so there is no userStreamId. */
    export type LiveRtc = Omit<Rtc, "userStreamId">;

    /** CreateLiveDigitalHumanAgentInstance: `rtc` or `cdn` (CDN wins when both are set). */
    export interface CreateLiveDigitalHumanAgentInstanceRequest {
        agentId: string;
        digitalHuman: DigitalHuman;
        rtc?: LiveRtc;
        /** Push the video to a CDN (RTMP URL) instead of an RTC room. */
        cdn?: { url: string };
        tts?: Tts;
        callbackConfig?: Pick<CallbackConfig, "interrupted" | "agentInstanceStatus" | "hostTag">;
        /** `maxIdleTime` 30..86400 s (default 900): ended when not driven by SendAgentInstanceTTS for that long. */
        advancedConfig?: Pick<AdvancedConfig, "maxIdleTime" | "disableTts" | "ttsParamPaths">;
    }

    export interface AddAgentInstanceMsgRequest {
        agentInstanceId: string;
        messages?: Message[];
    }

    export interface AgentConfig {
        agentId: string;
        name?: string;
        llm?: Llm;
        tts?: Tts;
        asr?: Asr;
    }

    export interface UpdateAgentInstanceRequest {
        agentInstanceId: string;
        llm?: Llm;
        tts?: Tts;
        asr?: Asr;
        rtc?: { userStreamId: string };
    }

    export interface DeleteAgentInstanceRequest {
        agentInstanceId: string;
        gracefulShutdown?: boolean;
        /** 1..120 seconds; only used with gracefulShutdown. */
        gracefulShutdownTimeout?: number;
    }

    export type Priority = "Low" | "Medium" | "High";
    export type SamePriorityOption = "ClearAndInterrupt" | "Enqueue";

    export interface SendLlmRequest {
        agentInstanceId: string;
        text: string;
        systemPrompt?: string;
        addQuestionToHistory?: boolean;
        addAnswerToHistory?: boolean;
        priority?: Priority;
        samePriorityOption?: SamePriorityOption;
    }

    export interface SendTtsRequest {
        agentInstanceId: string;
        text: string;
        addHistory?: boolean;
        /** @deprecated use priority / samePriorityOption */
        interruptMode?: 0 | 1;
        priority?: Priority;
        samePriorityOption?: SamePriorityOption;
    }

    export interface ListeningRequest {
        agentInstanceId: string;
        userId?: string;
        sequence?: number;
    }
}

assertType<Equal<t.Rtc, Pinned.Rtc>>();
assertType<Equal<t.Llm, Pinned.Llm>>();
assertType<Equal<t.TextFilter, Pinned.TextFilter>>();
assertType<Equal<t.KnownTtsVendor, Pinned.KnownTtsVendor>>();
assertType<Equal<t.Tts, Pinned.Tts>>();
assertType<Equal<t.Asr, Pinned.Asr>>();
assertType<Equal<t.Vad, Pinned.Vad>>();
assertType<Equal<t.Message, Pinned.Message>>();
assertType<Equal<t.MessageHistory, Pinned.MessageHistory>>();
assertType<Equal<t.CallbackConfig, Pinned.CallbackConfig>>();
assertType<Equal<t.AdvancedConfig, Pinned.AdvancedConfig>>();
assertType<Equal<t.DigitalHuman, Pinned.DigitalHuman>>();
assertType<Equal<t.CreateAgentInstanceRequest, Pinned.CreateAgentInstanceRequest>>();
assertType<Equal<t.CreateDigitalHumanAgentInstanceRequest, Pinned.CreateDigitalHumanAgentInstanceRequest>>();
assertType<Equal<t.LiveRtc, Pinned.LiveRtc>>();
assertType<Equal<t.CreateLiveDigitalHumanAgentInstanceRequest, Pinned.CreateLiveDigitalHumanAgentInstanceRequest>>();
assertType<Equal<t.AddAgentInstanceMsgRequest, Pinned.AddAgentInstanceMsgRequest>>();
assertType<Equal<t.AgentConfig, Pinned.AgentConfig>>();
assertType<Equal<t.UpdateAgentInstanceRequest, Pinned.UpdateAgentInstanceRequest>>();
assertType<Equal<t.DeleteAgentInstanceRequest, Pinned.DeleteAgentInstanceRequest>>();
assertType<Equal<t.Priority, Pinned.Priority>>();
assertType<Equal<t.SamePriorityOption, Pinned.SamePriorityOption>>();
assertType<Equal<t.SendLlmRequest, Pinned.SendLlmRequest>>();
assertType<Equal<t.SendTtsRequest, Pinned.SendTtsRequest>>();
assertType<Equal<t.ListeningRequest, Pinned.ListeningRequest>>();
assertType<Equal<t.VendorParams, Pinned.VendorParams>>();
assertType<Equal<t.AgentStatus, AgentStatus>>();
assertType<
    Equal<
        DeletionSettings,
        {
            gracefulShutdown: boolean;
            /** Seconds, 1..120. */
            gracefulShutdownTimeout: number;
            waitForDeletion: boolean;
        }
    >
>();

/** `true` when class C declares every output of kind K (schema/resources.ts RESOURCE_OUTPUTS) as an Output of its type. */
type DeclaresOutputs<C, K extends ResourceKind> = {
    [P in keyof Outputs<K>]-?: P extends keyof C
        ? C[P] extends pulumi.Output<infer V>
            ? Equal<V, NonNullable<Outputs<K>[P]>>
            : false
        : false;
}[keyof Outputs<K>];
assertType<DeclaresOutputs<Agent, "Agent">>();
assertType<DeclaresOutputs<AgentInstance, "AgentInstance">>();
assertType<DeclaresOutputs<DigitalHumanAgentInstance, "DigitalHumanAgentInstance">>();
assertType<DeclaresOutputs<LiveDigitalHumanAgentInstance, "LiveDigitalHumanAgentInstance">>();

describe("schema types inferred from the field table", () => {
    it("a misspelt or missing field does not compile", () => {
        const rtc: t.Rtc = { roomId: "r", agentStreamId: "a", agentUserId: "u", userStreamId: "s" };
        // @ts-expect-error roomID is not a field (roomId is)
        const misspelt: t.Rtc = { roomID: "r", agentStreamId: "a", agentUserId: "u", userStreamId: "s" };
        // @ts-expect-error userStreamId is required
        const missing: t.Rtc = { roomId: "r", agentStreamId: "a", agentUserId: "u" };
        // @ts-expect-error the ASR vendor is an enum
        const vendor: t.Asr = { vendor: "Whisper" };
        // A TTS vendor outside the known list is accepted (only suggested).
        const tts: t.Tts = { vendor: "ByteDance", params: { app: {} } };
        expect([rtc, misspelt, missing, vendor, tts].length).to.equal(5);
    });

    it("the pinned types name exactly the table's fields", () => {
        const rtc: Required<Pinned.Rtc> = { roomId: "", agentStreamId: "", agentUserId: "", userStreamId: "", streamExtraInfo: "" };
        expect(Object.keys(RTC.fields)).to.have.members(Object.keys(rtc));
        const llm: Record<keyof Pinned.Llm, true> = {
            vendor: true,
            url: true,
            apiKey: true,
            model: true,
            systemPrompt: true,
            temperature: true,
            topP: true,
            params: true,
            addAgentInfo: true,
            agentExtraInfo: true,
        };
        expect(Object.keys(LLM.fields)).to.have.members(Object.keys(llm));
        const tts: Record<keyof Pinned.Tts, true> = {
            vendor: true,
            url: true,
            params: true,
            filterText: true,
            terminatorText: true,
            characterFilter: true,
        };
        expect(Object.keys(TTS.fields)).to.have.members(Object.keys(tts));
        expect(TTS.fields.vendor.suggestions).to.deep.equal(TTS.fields.vendor.note?.replace("for example ", "").split(", "));
        expect(Object.keys(ASR.fields)).to.have.lengthOf(8);
        expect(Object.keys(ADVANCED_CONFIG.fields)).to.have.lengthOf(7);
        expect(Object.keys(ACTIONS.UpdateAgentInstance.request.fields)).to.have.members(["agentInstanceId", "llm", "tts", "asr", "rtc"]);
    });
});
