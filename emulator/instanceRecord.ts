/** What the emulator keeps of one agent instance, and the view of it that introspection shows. */
import type { AgentStatus } from "../provider/schema/api";
import { redact } from "./redact";
import type { Wire } from "./results";
import { Segment, statusAt } from "./schedule";
import type { CreateAction, DeleteRequestRecord, DeletedReason, EmulatedInstance, InstanceState } from "./types";

export interface Message {
    Role: string;
    Content: string;
}

export interface InstanceRecord {
    id: string;
    action: CreateAction;
    agentId: string;
    body: Wire;
    redactedBody: Wire;
    fingerprint: string;
    userId?: string;
    rtc?: Wire;
    llm?: Wire;
    tts?: Wire;
    asr?: Wire;
    advanced: Wire;
    state: InstanceState;
    createdAt: number;
    deletedAt?: number;
    deleteRequest?: DeleteRequestRecord;
    deletedReason?: DeletedReason;
    kickedBy?: string;
    streamFailed: boolean;
    duplicateOf?: string;
    updates: number;
    round: number;
    messages: Message[];
    schedule: Segment[];
    /** shutting-down: known not to have been IDLE from the delete request until this time. */
    checkedUntil: number;
    /** StartListening/StopListening: the last Sequence per UserId ("each user/device increments independently"). */
    lastSequence: Map<string, number>;
    userPresent: boolean;
    /** No user in the room since (live digital humans: last driven by SendAgentInstanceTTS at). */
    idleSince: number;
    finalStatus?: AgentStatus;
    waiters: Array<() => void>;
}

export function isDigitalHuman(action: CreateAction): boolean {
    return action !== "CreateAgentInstance";
}

export function isLive(inst: InstanceRecord): boolean {
    return inst.action === "CreateLiveDigitalHumanAgentInstance";
}

/** The introspection view at emulator time `now` (secrets redacted, nothing shared with the record). */
export function instanceView(inst: InstanceRecord, now: number): EmulatedInstance {
    const config: EmulatedInstance["config"] = {};
    if (inst.llm) config.LLM = redact(inst.llm);
    if (inst.tts) config.TTS = redact(inst.tts);
    if (inst.asr) config.ASR = redact(inst.asr);
    if (inst.rtc) config.RTC = redact(inst.rtc);
    const out: EmulatedInstance = {
        agentInstanceId: inst.id,
        action: inst.action,
        agentId: inst.agentId,
        body: structuredClone(inst.redactedBody),
        config,
        state: inst.state,
        status: inst.finalStatus ?? statusAt(inst.schedule, now),
        createdAt: inst.createdAt,
        updates: inst.updates,
        round: inst.round,
        userPresent: inst.userPresent,
    };
    if (inst.deletedAt !== undefined) out.deletedAt = inst.deletedAt;
    if (inst.deleteRequest) out.deleteRequest = { ...inst.deleteRequest };
    if (inst.deletedReason) out.deletedReason = inst.deletedReason;
    if (inst.kickedBy) out.kickedBy = inst.kickedBy;
    if (inst.streamFailed) out.streamFailed = true;
    if (inst.duplicateOf) out.duplicateOf = inst.duplicateOf;
    return out;
}

/**
 * The documented shape (the response example of create-digital-human-agent-instance.yaml decodes to
 * {DigitalHumanId, Streams: [{RoomId, StreamId, EncodeCode, ConfigId}]}). A CDN-only live digital
 * human has no RTC stream: Streams is empty.
 */
export function digitalHumanConfig(inst: InstanceRecord, digitalHuman: Wire): string {
    const streams = inst.rtc
        ? [
              {
                  RoomId: inst.rtc.RoomId,
                  StreamId: inst.rtc.AgentStreamId,
                  EncodeCode: digitalHuman.EncodeCode ?? "H264",
                  ConfigId: digitalHuman.ConfigId ?? "web",
              },
          ]
        : [];
    return Buffer.from(JSON.stringify({ DigitalHumanId: digitalHuman.DigitalHumanId, Streams: streams })).toString("base64");
}
