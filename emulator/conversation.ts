/**
 * The actions on a running instance's conversation (status, LLM and TTS turns, interrupt, message
 * history, walkie-talkie listening). Each gets the instance the request names, already looked up
 * (instances.ts answers unknown, deleted and shutting-down ones); `live` says whether a live digital
 * human takes it.
 */
import { statusAt, speak } from "./schedule";
import { InstanceRecord, isLive, Message } from "./instanceRecord";
import { ApiResult, failure, ok, Wire } from "./results";

export interface ConversationContext {
    /** The emulator clock (ms). */
    now: number;
    speakingSeconds: number;
    thinkingSeconds: number;
}

export interface Conversation {
    /**
     * A live digital human takes it (true) or answers 410001049 (false); "status": as the
     * liveStatusQueries option says (the docs do not say whether ZEGO answers status queries on one).
     */
    live: boolean | "status";
    run(inst: InstanceRecord, b: Wire, ctx: ConversationContext): ApiResult;
}

/** An answer: THINKING, then SPEAKING. */
const answer = (ctx: ConversationContext) => [
    { status: "THINKING" as const, seconds: ctx.thinkingSeconds },
    { status: "SPEAKING" as const, seconds: ctx.speakingSeconds },
];

function listening(inst: InstanceRecord, b: Wire): ApiResult | undefined {
    if (inst.advanced.CommunicationMode !== 2) {
        return failure(410001042, `instance ${inst.id} was not created with AdvancedConfig.CommunicationMode 2 (walkie-talkie).`);
    }
    // "Each user/device increments independently" (start-listening.yaml, Sequence); no UserId is one more sender.
    const sequence = b.Sequence as number | undefined;
    const sender = (b.UserId as string | undefined) ?? "";
    const last = inst.lastSequence.get(sender);
    if (sequence !== undefined) {
        if (last !== undefined && sequence <= last) {
            return failure(
                410001043,
                `Sequence ${sequence} is not greater than the last one processed for UserId ${JSON.stringify(sender)} (${last}).`,
            );
        }
        inst.lastSequence.set(sender, sequence);
    }
    return undefined;
}

const listeningNow = (inst: InstanceRecord, now: number): ApiResult | undefined =>
    statusAt(inst.schedule, now) === "LISTENING"
        ? failure(410001013, `instance ${inst.id} is LISTENING (walkie-talkie): stop listening first.`)
        : undefined;

export const CONVERSATION: Readonly<Record<string, Conversation>> = {
    QueryAgentInstanceStatus: { live: "status", run: (inst, _b, { now }) => ok({ Status: statusAt(inst.schedule, now) }) },
    SendAgentInstanceLLM: {
        live: false,
        run: (inst, b, ctx) => {
            const refused = listeningNow(inst, ctx.now);
            if (refused) return refused;
            if (b.AddQuestionToHistory === true) inst.messages.push({ Role: "user", Content: b.Text as string });
            // AddAnswerToHistory: default true per the YAML (the guide table says false).
            if (b.AddAnswerToHistory !== false)
                inst.messages.push({ Role: "assistant", Content: `(emulated answer to: ${b.Text as string})` });
            inst.schedule = speak(inst.schedule, ctx.now, answer(ctx), b.SamePriorityOption === "Enqueue");
            return ok({ Round: ++inst.round });
        },
    },
    SendAgentInstanceTTS: {
        live: true,
        run: (inst, b, ctx) => {
            if (inst.advanced.DisableTTS === true)
                return failure(410001007, `instance ${inst.id} was created with AdvancedConfig.DisableTTS true.`);
            const refused = listeningNow(inst, ctx.now);
            if (refused) return refused;
            if (b.AddHistory !== false) inst.messages.push({ Role: "assistant", Content: b.Text as string });
            // A live digital human's MaxIdleTime counts from the last time SendAgentInstanceTTS drove it.
            if (isLive(inst)) inst.idleSince = ctx.now;
            const steps = [{ status: "SPEAKING" as const, seconds: ctx.speakingSeconds }];
            inst.schedule = speak(inst.schedule, ctx.now, steps, b.SamePriorityOption === "Enqueue");
            return ok({ Round: ++inst.round });
        },
    },
    InterruptAgentInstance: {
        live: false,
        run: (inst) => {
            inst.schedule = [];
            return ok({ Round: inst.round });
        },
    },
    GetAgentInstanceMsgList: {
        live: false,
        run: (inst) => ok({ Total: inst.messages.length, MessageList: structuredClone(inst.messages) }),
    },
    ResetAgentInstanceMsgList: {
        live: false,
        run: (inst) => {
            inst.messages = [];
            return ok();
        },
    },
    AddAgentInstanceMsg: {
        live: false,
        run: (inst, b) => {
            // Messages is optional (add-agent-instance-msg.yaml requires only AgentInstanceId).
            if (Array.isArray(b.Messages)) inst.messages.push(...structuredClone(b.Messages as Message[]));
            return ok();
        },
    },
    StartListening: {
        live: false,
        run: (inst, b, ctx) => {
            const refused = listening(inst, b);
            if (refused) return refused;
            inst.schedule = [{ status: "LISTENING", from: ctx.now, until: Infinity }];
            return ok({ Round: ++inst.round });
        },
    },
    StopListening: {
        live: false,
        run: (inst, b, ctx) => {
            const refused = listening(inst, b);
            if (refused) return refused;
            inst.schedule = speak(inst.schedule, ctx.now, answer(ctx), false);
            return ok({ Round: inst.round });
        },
    },
};
