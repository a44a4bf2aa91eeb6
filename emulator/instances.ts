/**
 * Agent instances and their graceful-shutdown state machine:
 *
 *   live ──Delete (no GracefulShutdown, or IDLE)──────────────────────────▶ deleted ("api")
 *   live ──Delete GracefulShutdown while busy──▶ shutting-down ──IDLE──────▶ deleted ("api")
 *                                                              ──timeout───▶ deleted ("graceful-timeout")
 *   live / shutting-down ──a create reuses its AgentUserId─────────────────▶ deleted ("kicked")
 *   live / shutting-down ──no user for MaxIdleTime (option maxIdleTime)────▶ deleted ("idle")
 *
 * Everything is computed from the emulator clock (statuses are schedules, schedule.ts), and the
 * instances are "settled" lazily before each request and each look at them; a WakeTimer settles
 * at the next deadline too.
 */
import type {
    DeletedReason,
    EmulatedInstance,
    BusyOptions,
    CreateAction,
    DeleteMode,
    LiveStatusQueries,
    ScriptStep,
    StreamFailure,
} from "./types";
import { LIVE_MAX_IDLE_TIME } from "../provider/schema/api";
import { agentNotFound, AgentRegistry } from "./agents";
import { Conversation } from "./conversation";
import { IdGenerator } from "./ids";
import { digitalHumanConfig, InstanceRecord, instanceView, isDigitalHuman, isLive, Message } from "./instanceRecord";
import { canonicalJson, redact } from "./redact";
import { ApiResult, asObject, EmulatorRequestError, failure, invalid, ok, shown, Wire } from "./results";
import { checkSteps, idleFrom, segments, statusAt } from "./schedule";
import { WakeTimer } from "./wake";

export interface StateSettings {
    concurrencyLimit: number;
    digitalHumanConcurrencyLimit: number;
    deleteMode: DeleteMode;
    maxIdleTime: boolean;
    strictUniqueness: boolean;
    speakingSeconds: number;
    thinkingSeconds: number;
    /** The clock is injected: poll while a deadline is pending instead of trusting setTimeout. */
    pollTimers: boolean;
    /** Deleted instances remembered (oldest forgotten first); a forgotten one answers like any unknown id. */
    deletedHistoryLimit: number;
    streamFailure: StreamFailure;
    liveStatusQueries: LiveStatusQueries;
}

/** Where instance events go as agent callbacks (callbacks.ts). */
export interface InstanceEvents {
    created(inst: InstanceRecord): void;
    deleted(inst: InstanceRecord, reason: DeletedReason, at: number): void;
}

export interface StateEnv {
    now(): number;
    settings(): StateSettings;
    log(line: string): void;
    callbacks?: InstanceEvents;
}

const DEFAULT_GRACEFUL_TIMEOUT_SECONDS = 30;
/** create-agent-instance.yaml, AdvancedConfig.MaxIdleTime. */
const DEFAULT_MAX_IDLE_SECONDS = 120;
/** UpdateAgentInstance: fixed at creation: FilterText and TerminatorText (YAML), Vendor and CharacterFilter (TTS guide). */
const FIXED_TTS_FIELDS = ["Vendor", "FilterText", "TerminatorText", "CharacterFilter"];

function liveControlled(id: string): ApiResult {
    return failure(
        410001049,
        `instance ${id} is a live digital human, which does not support interface-based control (only SendAgentInstanceTTS, DeleteAgentInstance and, unless the emulator's liveStatusQueries is "refuse", QueryAgentInstanceStatus apply).`,
    );
}

export class Instances {
    private readonly byId = new Map<string, InstanceRecord>();
    /** Live and shutting-down instances (those that occupy the concurrency limit). */
    private readonly active = new Set<InstanceRecord>();
    /** Ids of deleted instances, oldest first, for the bounded history (deletedHistoryLimit). */
    private deletedOrder: string[] = [];
    private readonly ids = new IdGenerator();
    private readonly wake = new WakeTimer(() => this.settle());
    duplicateCreations = 0;
    maxLive = 0;

    constructor(
        private readonly env: StateEnv,
        private readonly agents: AgentRegistry,
    ) {}

    // ----------------------------------------------------------------------------------------
    // Instance management

    create(action: CreateAction, b: Wire): ApiResult {
        const settings = this.env.settings();
        const agent = this.agents.get(b.AgentId);
        if (!agent) return agentNotFound(b.AgentId);
        const advanced = asObject(b.AdvancedConfig) ?? {};
        if (action !== "CreateAgentInstance" && advanced.DisableTTS === true) {
            return invalid("AdvancedConfig.DisableTTS must not be true for a digital-human instance (it speaks through TTS); got true.");
        }
        // Live digital humans: RTC and CDN are mutually exclusive and CDN wins.
        const rtc = action === "CreateLiveDigitalHumanAgentInstance" && b.CDN !== undefined ? undefined : asObject(b.RTC);
        if (action === "CreateLiveDigitalHumanAgentInstance" && !rtc && b.CDN === undefined) {
            return invalid("RTC is required (an object) when CDN is not given; got nothing.");
        }
        const agentUserId = rtc?.AgentUserId as string | undefined;
        const agentStreamId = rtc?.AgentStreamId as string | undefined;
        if (settings.strictUniqueness && rtc) {
            for (const other of this.active) {
                if (other.rtc?.AgentUserId === agentUserId) {
                    return invalid(
                        `RTC.AgentUserId must be unique among live instances; ${JSON.stringify(agentUserId)} is used by instance ${other.id}.`,
                    );
                }
                if (other.rtc?.AgentStreamId === agentStreamId) {
                    return invalid(
                        `RTC.AgentStreamId must be unique among live instances; ${JSON.stringify(agentStreamId)} is used by instance ${other.id}.`,
                    );
                }
            }
        }
        // Two pools: "at most 10 AI agent instances" (create-agent-instance.yaml) and "at most 10
        // digital human agent instances" (create-digital-human-agent-instance.yaml, create-live-...).
        const digitalHuman = isDigitalHuman(action);
        const pool = [...this.active].filter((other) => isDigitalHuman(other.action) === digitalHuman).length;
        if (!digitalHuman && pool >= settings.concurrencyLimit) {
            return failure(
                410000011,
                `${pool} instances are live or shutting down and the limit is ${settings.concurrencyLimit}; delete instances first.`,
            );
        }
        if (digitalHuman && pool >= settings.digitalHumanConcurrencyLimit) {
            return failure(
                410001031,
                `${pool} digital-human instances are live or shutting down and the limit is ${settings.digitalHumanConcurrencyLimit}; delete some first.`,
            );
        }
        // A digital human's stream is refused outright (return-codes.mdx 410001030) rather than failing later.
        const streamOwner =
            digitalHuman && agentStreamId !== undefined ? [...this.active].find((o) => o.rtc?.AgentStreamId === agentStreamId) : undefined;
        if (streamOwner) {
            return failure(
                410001030,
                `RTC.AgentStreamId ${JSON.stringify(agentStreamId)} is being published by instance ${streamOwner.id}.`,
            );
        }

        const now = this.env.now();
        const id = this.ids.next(now);
        const redactedBody = redact(b) as Wire;
        const fingerprint = canonicalJson({ action, body: redactedBody });
        let duplicateOf: string | undefined;
        for (const other of this.active) {
            if (other.state === "live" && other.fingerprint === fingerprint) {
                duplicateOf = other.id;
                break;
            }
        }
        if (duplicateOf) {
            this.duplicateCreations++;
            this.env.log(`instance ${id}: same body as live instance ${duplicateOf} (duplicate creation)`);
        }
        // "AgentUserId must be unique across instances, otherwise the earlier instance is kicked."
        if (agentUserId !== undefined) {
            for (const other of [...this.active]) if (other.rtc?.AgentUserId === agentUserId) this.finalize(other, now, "kicked", id);
        }
        // "AgentStreamId must be unique ... otherwise the streaming of the later created instance will fail."
        const streamFailed = agentStreamId !== undefined && [...this.active].some((o) => o.rtc?.AgentStreamId === agentStreamId);

        const history = asObject(b.MessageHistory);
        const record: InstanceRecord = {
            id,
            action,
            agentId: agent.AgentId,
            body: structuredClone(b),
            redactedBody,
            fingerprint,
            userId: b.UserId as string | undefined,
            rtc: structuredClone(rtc),
            llm: structuredClone(asObject(b.LLM) ?? agent.LLM),
            tts: structuredClone(asObject(b.TTS) ?? agent.TTS),
            asr: structuredClone(asObject(b.ASR) ?? agent.ASR),
            advanced: structuredClone(advanced),
            state: "live",
            createdAt: now,
            streamFailed,
            duplicateOf,
            updates: 0,
            round: 0,
            messages: Array.isArray(history?.Messages) ? structuredClone(history.Messages as Message[]) : [],
            schedule: [],
            checkedUntil: now,
            lastSequence: new Map(),
            userPresent: false,
            idleSince: now,
            waiters: [],
        };
        this.byId.set(id, record);
        this.active.add(record);
        this.maxLive = Math.max(this.maxLive, this.active.size);
        this.env.log(
            `instance ${id} created (${action}, agent ${JSON.stringify(agent.AgentId)})${streamFailed ? ", streaming failed: AgentStreamId in use" : ""}`,
        );
        // "Created ... has entered the RTC room and started streaming" (get-ai-agent-status.mdx): not
        // for a failed stream, which the option "delete" turns into a deletion with Code 1206.
        if (!streamFailed) this.env.callbacks?.created(record);
        else if (settings.streamFailure === "delete") this.finalize(record, now, "stream-failed");
        this.scheduleWake();

        if (action === "CreateAgentInstance") return ok({ AgentInstanceId: id });
        return ok({ AgentInstanceId: id, DigitalHumanConfig: digitalHumanConfig(record, asObject(b.DigitalHuman) ?? {}) });
    }

    update(b: Wire): ApiResult {
        const inst = this.lookup(b.AgentInstanceId, false);
        if ("code" in inst) return inst;
        const tts = asObject(b.TTS);
        if (tts && inst.tts) {
            for (const field of FIXED_TTS_FIELDS) {
                if (canonicalJson(tts[field]) !== canonicalJson(inst.tts[field])) {
                    return invalid(
                        `TTS.${field} cannot be changed by UpdateAgentInstance (fixed when the instance was created): it is ${shown(inst.tts[field])}; got ${shown(tts[field])}.`,
                    );
                }
            }
        }
        if (b.LLM !== undefined) inst.llm = structuredClone(asObject(b.LLM));
        if (tts) inst.tts = structuredClone(tts);
        if (b.ASR !== undefined) inst.asr = structuredClone(asObject(b.ASR));
        const rtc = asObject(b.RTC);
        if (rtc?.UserStreamId !== undefined && inst.rtc) inst.rtc.UserStreamId = rtc.UserStreamId;
        inst.updates++;
        return ok();
    }

    delete(b: Wire): ApiResult {
        const inst = this.lookup(b.AgentInstanceId, true);
        if ("code" in inst) return inst;
        const now = this.env.now();
        const graceful = b.GracefulShutdown === true;
        const timeout = (b.GracefulShutdownTimeout as number | undefined) ?? DEFAULT_GRACEFUL_TIMEOUT_SECONDS;
        inst.deleteRequest = { GracefulShutdown: graceful, GracefulShutdownTimeout: timeout, receivedAt: now };
        const status = statusAt(inst.schedule, now);
        if (!graceful || status === "IDLE") {
            this.finalize(inst, now, "api");
            return ok();
        }
        inst.state = "shutting-down";
        inst.checkedUntil = now;
        this.env.log(`instance ${inst.id} shutting down gracefully (${status}; timeout ${timeout} s)`);
        this.scheduleWake();
        if (this.env.settings().deleteMode === "wait") return { ...ok(), wait: new Promise<void>((resolve) => inst.waiters.push(resolve)) };
        return ok();
    }

    /** A conversation action (conversation.ts) on the instance the request names. */
    converse(b: Wire, conversation: Conversation): ApiResult {
        const { speakingSeconds, thinkingSeconds, liveStatusQueries } = this.env.settings();
        const live = conversation.live === "status" ? liveStatusQueries === "answer" : conversation.live;
        const inst = this.lookup(b.AgentInstanceId, live, conversation.live === "status");
        if ("code" in inst) return inst;
        return conversation.run(inst, b, { now: this.env.now(), speakingSeconds, thinkingSeconds });
    }

    // ----------------------------------------------------------------------------------------
    // Control (emulator-only)

    setBusy(id: string, busy: BusyOptions): void {
        const status = busy.status ?? "SPEAKING";
        if (!["SPEAKING", "THINKING", "LISTENING"].includes(status)) {
            throw new EmulatorRequestError(`status must be "SPEAKING", "THINKING" or "LISTENING"; got ${JSON.stringify(status)}.`, 400);
        }
        this.script(id, [{ status, seconds: busy.seconds }]);
    }

    script(id: string, given: ScriptStep[]): void {
        const steps = checkSteps(given);
        const inst = this.activeInstance(id);
        inst.schedule = segments(this.env.now(), steps);
        this.env.log(`instance ${id} status script: ${steps.map((s) => `${s.status} ${s.seconds} s`).join(", ") || "IDLE"}`);
        this.settle();
    }

    setUserPresent(id: string, present: boolean): void {
        if (typeof present !== "boolean")
            throw new EmulatorRequestError(`present must be true or false; got ${JSON.stringify(present)}.`, 400);
        const inst = this.activeInstance(id);
        if (inst.userPresent && !present) inst.idleSince = this.env.now();
        inst.userPresent = present;
        this.settle();
    }

    // ----------------------------------------------------------------------------------------
    // Introspection and lifecycle

    views(): EmulatedInstance[] {
        this.settle();
        return [...this.byId.values()].map((inst) => instanceView(inst, this.env.now()));
    }

    view(id: string): EmulatedInstance | undefined {
        this.settle();
        const inst = this.byId.get(id);
        return inst && instanceView(inst, this.env.now());
    }

    /** Forget every instance; pending "wait" deletes are answered (their instance is gone). */
    reset(): void {
        this.wake.clear();
        for (const inst of this.active) inst.waiters.splice(0).forEach((resolve) => resolve());
        this.active.clear();
        this.byId.clear();
        this.deletedOrder = [];
        this.duplicateCreations = 0;
        this.maxLive = 0;
    }

    /** Apply every deadline that has passed on the emulator clock, then arm the timer for the next. */
    settle(): void {
        const now = this.env.now();
        for (const inst of [...this.active]) {
            const { at, reason } = this.nextEvent(inst);
            if (at <= now) this.finalize(inst, at, reason);
            else if (inst.state === "shutting-down") inst.checkedUntil = now;
        }
        this.scheduleWake();
    }

    // ----------------------------------------------------------------------------------------

    private nextEvent(inst: InstanceRecord): { at: number; reason: DeletedReason } {
        let at = Infinity;
        let reason: DeletedReason = "api";
        if (inst.state === "shutting-down" && inst.deleteRequest) {
            const idleAt = idleFrom(inst.schedule, inst.checkedUntil);
            const timeoutAt = inst.deleteRequest.receivedAt + inst.deleteRequest.GracefulShutdownTimeout * 1000;
            at = Math.min(idleAt, timeoutAt);
            reason = idleAt <= timeoutAt ? "api" : "graceful-timeout";
        }
        // A live digital human: "not driven by SendAgentInstanceTTS for this duration" (AdvancedConfig_Live),
        // which the emulator observes, so always on. Others: no user in the room, only with the option.
        const live = isLive(inst);
        if (live || (this.env.settings().maxIdleTime && !inst.userPresent)) {
            const fallback = live ? LIVE_MAX_IDLE_TIME.default : DEFAULT_MAX_IDLE_SECONDS;
            const idleDeadline = inst.idleSince + ((inst.advanced.MaxIdleTime as number | undefined) ?? fallback) * 1000;
            if (idleDeadline < at) {
                at = idleDeadline;
                reason = "idle";
            }
        }
        return { at, reason };
    }

    private finalize(inst: InstanceRecord, at: number, reason: DeletedReason, kickedBy?: string): void {
        inst.finalStatus = statusAt(inst.schedule, at);
        inst.state = "deleted";
        inst.deletedAt = at;
        inst.deletedReason = reason;
        if (kickedBy) inst.kickedBy = kickedBy;
        this.active.delete(inst);
        this.deletedOrder.push(inst.id);
        const excess = this.deletedOrder.length - this.env.settings().deletedHistoryLimit;
        if (excess > 0) for (const id of this.deletedOrder.splice(0, excess)) this.byId.delete(id);
        this.env.log(`instance ${inst.id} deleted (${reason}${kickedBy ? ` by ${kickedBy}` : ""})`);
        inst.waiters.splice(0).forEach((resolve) => resolve());
        this.env.callbacks?.deleted(inst, reason, at);
    }

    private scheduleWake(): void {
        let next = Infinity;
        for (const inst of this.active) next = Math.min(next, this.nextEvent(inst).at);
        this.wake.arm(next, this.env.now(), this.env.settings().pollTimers);
    }

    /**
     * The instance an API call names: 410001002 when unknown or deleted, 410001041 while shutting
     * down, and 410001049 for a live digital human unless the action applies to one (`live`).
     */
    private lookup(id: unknown, live: boolean, liveFirst = false): InstanceRecord | ApiResult {
        const inst = this.byId.get(id as string);
        // The worst case for a caller: refused by kind whatever the state, so a refused status query
        // never tells a live digital human that is shutting down or gone from one that is live.
        if (inst && liveFirst && !live && isLive(inst)) return liveControlled(inst.id);
        if (!inst || inst.state === "deleted") {
            return failure(410001002, `no AI agent instance ${JSON.stringify(id)} (check if it has been deleted).`);
        }
        if (inst.state === "shutting-down") {
            return failure(410001041, `instance ${inst.id} is being gracefully shut down; no further operations are accepted.`);
        }
        if (!live && isLive(inst)) return liveControlled(inst.id);
        return inst;
    }

    private activeInstance(id: string): InstanceRecord {
        this.settle();
        const inst = this.byId.get(id);
        if (!inst) throw new EmulatorRequestError(`no instance ${JSON.stringify(id)}.`, 404);
        if (inst.state === "deleted") throw new EmulatorRequestError(`instance ${id} has been deleted (${inst.deletedReason}).`, 404);
        return inst;
    }
}
