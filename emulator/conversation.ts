/**
 * The actions on a running instance's conversation (status, LLM and TTS turns, interrupt, message
 * history, walkie-talkie listening). Each gets the instance the request names, already looked up
 * (instances.ts answers unknown, deleted and shutting-down ones); `live` says whether a live digital
 * human takes it.
 */
import { MAX_QUEUED_TURNS, PRIORITY_RANK, speak, speakTurn, statusAt } from "./schedule";
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
    // "Each user/device increments independently" (start-listening.yaml, Sequence); without a UserId
    // "the default UserId is used when the Agent instance is created" (start-listening.yaml, UserId).
    const sequence = b.Sequence as number | undefined;
    const sender = (b.UserId as string | undefined) ?? inst.userId ?? "";
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

/**
 * An LLM or TTS turn by its Priority and SamePriorityOption (schedule.ts speakTurn). While LISTENING
 * only High plays ("regardless of whether the user and AI are speaking",
 * guides/proactive-invocation-of-llm-and-tts.mdx); others get 410001013. A full queue gets the
 * action's own failure code (410001006 LLM, 410001007 TTS): the docs name none for it.
 */
function say(
    inst: InstanceRecord,
    b: Wire,
    ctx: ConversationContext,
    steps: ReturnType<typeof answer>,
    fullCode: number,
): ApiResult | undefined {
    const priority = PRIORITY_RANK[(b.Priority as string | undefined) ?? "Medium"] ?? PRIORITY_RANK.Medium!;
    const high = priority === PRIORITY_RANK.High;
    if (statusAt(inst.schedule, ctx.now) === "LISTENING" && !high)
        return failure(410001013, `instance ${inst.id} is LISTENING (walkie-talkie): stop listening first, or send with Priority High.`);
    const enqueue = b.SamePriorityOption === "Enqueue";
    const next = speakTurn(inst.schedule, ctx.now, steps, { priority, enqueue, id: inst.round + 1 });
    if (next === "full") return failure(fullCode, `instance ${inst.id} already has ${MAX_QUEUED_TURNS} turns queued (the most).`);
    inst.schedule = next;
    return undefined;
}

export const CONVERSATION: Readonly<Record<string, Conversation>> = {
    QueryAgentInstanceStatus: { live: "status", run: (inst, _b, { now }) => ok({ Status: statusAt(inst.schedule, now) }) },
    SendAgentInstanceLLM: {
        live: false,
        run: (inst, b, ctx) => {
            const refused = say(inst, b, ctx, answer(ctx), 410001006);
            if (refused) return refused;
            if (b.AddQuestionToHistory === true) inst.messages.push({ Role: "user", Content: b.Text as string });
            // AddAnswerToHistory: default true per the YAML (the guide table says false).
            if (b.AddAnswerToHistory !== false)
                inst.messages.push({ Role: "assistant", Content: `(emulated answer to: ${b.Text as string})` });
            return ok({ Round: ++inst.round });
        },
    },
    SendAgentInstanceTTS: {
        live: true,
        run: (inst, b, ctx) => {
            if (inst.advanced.DisableTTS === true)
                return failure(410001007, `instance ${inst.id} was created with AdvancedConfig.DisableTTS true.`);
            const refused = say(inst, b, ctx, [{ status: "SPEAKING" as const, seconds: ctx.speakingSeconds }], 410001007);
            if (refused) return refused;
            if (b.AddHistory !== false) inst.messages.push({ Role: "assistant", Content: b.Text as string });
            // A live digital human's MaxIdleTime counts from the last time SendAgentInstanceTTS drove it.
            if (isLive(inst)) inst.idleSince = ctx.now;
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
