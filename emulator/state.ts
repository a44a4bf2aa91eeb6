/**
 * The emulated service's state: registered agents, agent instances, and each instance's
 * conversation status and graceful-shutdown state machine.
 *
 *   live ──Delete (no GracefulShutdown, or IDLE)──────────────────────────▶ deleted ("api")
 *   live ──Delete GracefulShutdown while busy──▶ shutting-down ──IDLE──────▶ deleted ("api")
 *                                                              ──timeout───▶ deleted ("graceful-timeout")
 *   live / shutting-down ──a create reuses its AgentUserId─────────────────▶ deleted ("kicked")
 *   live / shutting-down ──no user for MaxIdleTime (option maxIdleTime)────▶ deleted ("idle")
 *
 * Statuses are a schedule of segments on the emulator clock ({status, from, until}; IDLE where
 * none applies), so everything is computed from `now()` and the state is "settled" lazily before
 * each request and each look at it. A single timer settles at the next deadline (for deleteMode
 * "wait" and the log); with an injected clock it polls every 100 ms while a deadline is pending.
 *
 * Bodies reaching this class have been validated against the action's request spec (actions.ts).
 */
import type { AgentStatus } from "../provider/schema/api";
import { AGENT_STATUSES, LIVE_MAX_IDLE_TIME } from "../provider/schema/api";
import { codeMeaning } from "../provider/client/codes";
import { IdGenerator } from "./ids";
import { canonicalJson, deepCopy, redact } from "./redact";
import type {
    BusyOptions,
    CreateAction,
    DeleteMode,
    DeleteRequestRecord,
    DeletedReason,
    EmulatedAgent,
    EmulatedInstance,
    InstanceState,
    ScriptStep,
} from "./types";

export type Wire = Record<string, unknown>;

export interface ApiResult {
    code: number;
    message: string;
    data?: Wire;
    /** deleteMode "wait": the response is held until this settles. */
    wait?: Promise<void>;
}

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
}

export interface StateEnv {
    now(): number;
    settings(): StateSettings;
    log(line: string): void;
}

/** A control-API style failure: 404 for an unknown instance, 400 for bad input. */
export class EmulatorRequestError extends Error {
    constructor(
        message: string,
        readonly status: 400 | 404,
    ) {
        super(message);
        this.name = "EmulatorRequestError";
    }
}

export const DEFAULT_GRACEFUL_TIMEOUT_SECONDS = 30;
/** create-agent-instance.yaml, AdvancedConfig.MaxIdleTime. */
const DEFAULT_MAX_IDLE_SECONDS = 120;
const POLL_MS = 100;
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Segment {
    status: AgentStatus;
    from: number;
    until: number;
}

interface Message {
    Role: string;
    Content: string;
}

interface AgentRecord {
    seq: number;
    AgentId: string;
    Name?: string;
    LLM?: Wire;
    TTS?: Wire;
    ASR?: Wire;
    registeredAt: number;
    updatedAt: number;
}

interface InstanceRecord {
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

const ok = (data?: Wire): ApiResult => (data === undefined ? { code: 0, message: "Succeed" } : { code: 0, message: "Succeed", data });
export const failure = (code: number, detail: string): ApiResult => ({ code, message: `${codeMeaning(code)}: ${detail}` });
const invalid = (detail: string): ApiResult => failure(410000003, detail);

const asObject = (value: unknown): Wire | undefined =>
    value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Wire) : undefined;

export class EmulatorState {
    private readonly agentsById = new Map<string, AgentRecord>();
    private agentSeq = 0;
    private readonly instancesById = new Map<string, InstanceRecord>();
    /** Live and shutting-down instances (those that occupy the concurrency limit). */
    private readonly active = new Set<InstanceRecord>();
    private readonly ids = new IdGenerator();
    private timer?: ReturnType<typeof setTimeout>;
    private wakeAt = Infinity;
    duplicateCreations = 0;
    maxLive = 0;

    constructor(private readonly env: StateEnv) {}

    // ----------------------------------------------------------------------------------------
    // Agents

    registerAgent(b: Wire): ApiResult {
        const id = b.AgentId as string;
        if (this.agentsById.has(id))
            return failure(410001008, `an agent with AgentId ${JSON.stringify(id)} is already registered (use UpdateAgent).`);
        const now = this.env.now();
        this.agentsById.set(id, {
            seq: ++this.agentSeq,
            AgentId: id,
            Name: b.Name as string | undefined,
            LLM: deepCopy(asObject(b.LLM)),
            TTS: deepCopy(asObject(b.TTS)),
            ASR: deepCopy(asObject(b.ASR)),
            registeredAt: now,
            updatedAt: now,
        });
        return ok();
    }

    updateAgent(b: Wire): ApiResult {
        const agent = this.agentsById.get(b.AgentId as string);
        if (!agent) return agentNotFound(b.AgentId);
        // LLM, TTS and ASR are replaced whole ("cover-up manner"); what is omitted is kept.
        if (b.Name !== undefined) agent.Name = b.Name as string;
        if (b.LLM !== undefined) agent.LLM = deepCopy(asObject(b.LLM));
        if (b.TTS !== undefined) agent.TTS = deepCopy(asObject(b.TTS));
        if (b.ASR !== undefined) agent.ASR = deepCopy(asObject(b.ASR));
        agent.updatedAt = this.env.now();
        return ok();
    }

    unregisterAgent(b: Wire): ApiResult {
        if (!this.agentsById.delete(b.AgentId as string)) return agentNotFound(b.AgentId);
        return ok();
    }

    queryAgents(b: Wire): ApiResult {
        const seen = new Set<string>();
        const found: Wire[] = [];
        for (const id of b.AgentIds as string[]) {
            const agent = this.agentsById.get(id);
            if (agent && !seen.has(id)) {
                seen.add(id);
                found.push(agentWire(agent));
            }
        }
        return ok({ Agents: found });
    }

    listAgents(b: Wire): ApiResult {
        const limit = (b.Limit as number | undefined) || 5;
        const cursor = (b.Cursor as string | undefined) ?? "";
        let after = 0;
        if (cursor !== "") {
            const decoded = decodeCursor(cursor);
            if (decoded === undefined)
                return invalid(`Cursor must be "" or a Cursor returned by ListAgents; got ${JSON.stringify(cursor.slice(0, 60))}.`);
            after = decoded;
        }
        const all = [...this.agentsById.values()];
        const rest = all.filter((a) => a.seq > after);
        const page = rest.slice(0, limit);
        const next = rest.length > page.length ? encodeCursor(page[page.length - 1].seq) : "";
        return ok({ Total: all.length, Agents: page.map(agentWire), Cursor: next });
    }

    // ----------------------------------------------------------------------------------------
    // Instance management

    createInstance(action: CreateAction, b: Wire): ApiResult {
        const settings = this.env.settings();
        const agent = this.agentsById.get(b.AgentId as string);
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
            body: deepCopy(b),
            redactedBody,
            fingerprint,
            userId: b.UserId as string | undefined,
            rtc: deepCopy(rtc),
            llm: deepCopy(asObject(b.LLM) ?? agent.LLM),
            tts: deepCopy(asObject(b.TTS) ?? agent.TTS),
            asr: deepCopy(asObject(b.ASR) ?? agent.ASR),
            advanced: deepCopy(advanced),
            state: "live",
            createdAt: now,
            streamFailed,
            duplicateOf,
            updates: 0,
            round: 0,
            messages: Array.isArray(history?.Messages) ? deepCopy(history.Messages as Message[]) : [],
            schedule: [],
            checkedUntil: now,
            lastSequence: new Map(),
            userPresent: false,
            idleSince: now,
            waiters: [],
        };
        this.instancesById.set(id, record);
        this.active.add(record);
        this.maxLive = Math.max(this.maxLive, this.active.size);
        this.env.log(
            `instance ${id} created (${action}, agent ${JSON.stringify(agent.AgentId)})${streamFailed ? ", streaming failed: AgentStreamId in use" : ""}`,
        );
        this.scheduleWake();

        if (action === "CreateAgentInstance") return ok({ AgentInstanceId: id });
        return ok({ AgentInstanceId: id, DigitalHumanConfig: digitalHumanConfig(record, asObject(b.DigitalHuman) ?? {}) });
    }

    updateInstance(b: Wire): ApiResult {
        const inst = this.lookup(b.AgentInstanceId);
        if ("code" in inst) return inst;
        if (inst.action === "CreateLiveDigitalHumanAgentInstance") return liveControlled(inst.id);
        const tts = asObject(b.TTS);
        if (tts && inst.tts) {
            // Fixed at creation: FilterText and TerminatorText (YAML), Vendor and CharacterFilter (TTS guide).
            for (const field of ["Vendor", "FilterText", "TerminatorText", "CharacterFilter"]) {
                if (canonicalJson(tts[field]) !== canonicalJson(inst.tts[field])) {
                    return invalid(
                        `TTS.${field} cannot be changed by UpdateAgentInstance (fixed when the instance was created): it is ${shown(inst.tts[field])}; got ${shown(tts[field])}.`,
                    );
                }
            }
        }
        if (b.LLM !== undefined) inst.llm = deepCopy(asObject(b.LLM));
        if (tts) inst.tts = deepCopy(tts);
        if (b.ASR !== undefined) inst.asr = deepCopy(asObject(b.ASR));
        const rtc = asObject(b.RTC);
        if (rtc?.UserStreamId !== undefined && inst.rtc) inst.rtc.UserStreamId = rtc.UserStreamId;
        inst.updates++;
        return ok();
    }

    deleteInstance(b: Wire): ApiResult {
        const inst = this.lookup(b.AgentInstanceId);
        if ("code" in inst) return inst;
        const now = this.env.now();
        const graceful = b.GracefulShutdown === true;
        const timeout = (b.GracefulShutdownTimeout as number | undefined) ?? DEFAULT_GRACEFUL_TIMEOUT_SECONDS;
        inst.deleteRequest = { GracefulShutdown: graceful, GracefulShutdownTimeout: timeout, receivedAt: now };
        const status = statusAt(inst, now);
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

    // ----------------------------------------------------------------------------------------
    // Instance control

    queryStatus(b: Wire): ApiResult {
        const inst = this.lookup(b.AgentInstanceId);
        if ("code" in inst) return inst;
        return ok({ Status: statusAt(inst, this.env.now()) });
    }

    sendLlm(b: Wire): ApiResult {
        const inst = this.lookup(b.AgentInstanceId);
        if ("code" in inst) return inst;
        if (inst.action === "CreateLiveDigitalHumanAgentInstance") return liveControlled(inst.id);
        const now = this.env.now();
        if (statusAt(inst, now) === "LISTENING")
            return failure(410001013, `instance ${inst.id} is LISTENING (walkie-talkie): stop listening first.`);
        const { speakingSeconds, thinkingSeconds } = this.env.settings();
        if (b.AddQuestionToHistory === true) inst.messages.push({ Role: "user", Content: b.Text as string });
        // AddAnswerToHistory: default true per the YAML (the guide table says false).
        if (b.AddAnswerToHistory !== false) inst.messages.push({ Role: "assistant", Content: `(emulated answer to: ${b.Text as string})` });
        this.speak(
            inst,
            now,
            [
                { status: "THINKING", seconds: thinkingSeconds },
                { status: "SPEAKING", seconds: speakingSeconds },
            ],
            b.SamePriorityOption === "Enqueue",
        );
        return ok({ Round: ++inst.round });
    }

    sendTts(b: Wire): ApiResult {
        const inst = this.lookup(b.AgentInstanceId);
        if ("code" in inst) return inst;
        const now = this.env.now();
        if (inst.advanced.DisableTTS === true)
            return failure(410001007, `instance ${inst.id} was created with AdvancedConfig.DisableTTS true.`);
        if (statusAt(inst, now) === "LISTENING")
            return failure(410001013, `instance ${inst.id} is LISTENING (walkie-talkie): stop listening first.`);
        if (b.AddHistory !== false) inst.messages.push({ Role: "assistant", Content: b.Text as string });
        // A live digital human's MaxIdleTime counts from the last time SendAgentInstanceTTS drove it.
        if (inst.action === "CreateLiveDigitalHumanAgentInstance") inst.idleSince = now;
        this.speak(inst, now, [{ status: "SPEAKING", seconds: this.env.settings().speakingSeconds }], b.SamePriorityOption === "Enqueue");
        return ok({ Round: ++inst.round });
    }

    interrupt(b: Wire): ApiResult {
        const inst = this.controllable(b);
        if ("code" in inst) return inst;
        inst.schedule = [];
        return ok({ Round: inst.round });
    }

    getMessages(b: Wire): ApiResult {
        const inst = this.controllable(b);
        if ("code" in inst) return inst;
        return ok({ Total: inst.messages.length, MessageList: deepCopy(inst.messages) });
    }

    resetMessages(b: Wire): ApiResult {
        const inst = this.controllable(b);
        if ("code" in inst) return inst;
        inst.messages = [];
        return ok();
    }

    addMessages(b: Wire): ApiResult {
        const inst = this.controllable(b);
        if ("code" in inst) return inst;
        // Messages is optional (add-agent-instance-msg.yaml requires only AgentInstanceId).
        if (Array.isArray(b.Messages)) inst.messages.push(...deepCopy(b.Messages as Message[]));
        return ok();
    }

    listening(b: Wire, start: boolean): ApiResult {
        const inst = this.controllable(b);
        if ("code" in inst) return inst;
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
        const now = this.env.now();
        if (start) {
            inst.schedule = [{ status: "LISTENING", from: now, until: Infinity }];
            return ok({ Round: ++inst.round });
        }
        const { speakingSeconds, thinkingSeconds } = this.env.settings();
        this.speak(
            inst,
            now,
            [
                { status: "THINKING", seconds: thinkingSeconds },
                { status: "SPEAKING", seconds: speakingSeconds },
            ],
            false,
        );
        return ok({ Round: inst.round });
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

    script(id: string, steps: ScriptStep[]): void {
        if (!Array.isArray(steps)) throw new EmulatorRequestError("steps must be a list of {status, seconds}.", 400);
        for (const [i, step] of steps.entries()) {
            if (!step || !(AGENT_STATUSES as readonly string[]).includes(step.status)) {
                throw new EmulatorRequestError(
                    `steps[${i}].status must be one of ${AGENT_STATUSES.join(", ")}; got ${JSON.stringify(step?.status)}.`,
                    400,
                );
            }
            if (typeof step.seconds !== "number" || !(step.seconds >= 0)) {
                throw new EmulatorRequestError(
                    `steps[${i}].seconds must be a number of seconds (0 or more); got ${JSON.stringify(step.seconds)}.`,
                    400,
                );
            }
        }
        const inst = this.activeInstance(id);
        const now = this.env.now();
        inst.schedule = segments(now, steps);
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

    instances(): EmulatedInstance[] {
        this.settle();
        return [...this.instancesById.values()].map((inst) => this.snapshot(inst));
    }

    instance(id: string): EmulatedInstance | undefined {
        this.settle();
        const inst = this.instancesById.get(id);
        return inst && this.snapshot(inst);
    }

    agents(): EmulatedAgent[] {
        return [...this.agentsById.values()].map((a) => {
            const out: EmulatedAgent = { AgentId: a.AgentId, registeredAt: a.registeredAt, updatedAt: a.updatedAt };
            if (a.Name !== undefined) out.Name = a.Name;
            if (a.LLM !== undefined) out.LLM = redact(a.LLM);
            if (a.TTS !== undefined) out.TTS = redact(a.TTS);
            if (a.ASR !== undefined) out.ASR = redact(a.ASR);
            return out;
        });
    }

    /** Forget everything; pending "wait" deletes are answered (their instance is gone). */
    reset(): void {
        this.clearTimer();
        for (const inst of this.active) inst.waiters.splice(0).forEach((resolve) => resolve());
        this.active.clear();
        this.instancesById.clear();
        this.agentsById.clear();
        this.agentSeq = 0;
        this.duplicateCreations = 0;
        this.maxLive = 0;
    }

    dispose(): void {
        this.reset();
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
            const idleAt = idleFrom(inst, inst.checkedUntil);
            const timeoutAt = inst.deleteRequest.receivedAt + inst.deleteRequest.GracefulShutdownTimeout * 1000;
            at = Math.min(idleAt, timeoutAt);
            reason = idleAt <= timeoutAt ? "api" : "graceful-timeout";
        }
        // A live digital human: "not driven by SendAgentInstanceTTS for this duration" (AdvancedConfig_Live),
        // which the emulator observes, so always on. Others: no user in the room, only with the option.
        const live = inst.action === "CreateLiveDigitalHumanAgentInstance";
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
        inst.finalStatus = statusAt(inst, at);
        inst.state = "deleted";
        inst.deletedAt = at;
        inst.deletedReason = reason;
        if (kickedBy) inst.kickedBy = kickedBy;
        this.active.delete(inst);
        this.env.log(`instance ${inst.id} deleted (${reason}${kickedBy ? ` by ${kickedBy}` : ""})`);
        inst.waiters.splice(0).forEach((resolve) => resolve());
    }

    private scheduleWake(): void {
        const now = this.env.now();
        let next = Infinity;
        for (const inst of this.active) next = Math.min(next, this.nextEvent(inst).at);
        const poll = this.env.settings().pollTimers;
        if (next === this.wakeAt && this.timer && !poll) return;
        this.clearTimer();
        if (next === Infinity) return;
        let delay = Math.max(0, next - now);
        if (poll) delay = Math.min(delay, POLL_MS);
        this.wakeAt = next;
        const timer = setTimeout(
            () => {
                this.timer = undefined;
                this.wakeAt = Infinity;
                this.settle();
            },
            Math.min(delay, MAX_TIMER_MS),
        );
        (timer as { unref?: () => void }).unref?.();
        this.timer = timer;
    }

    private clearTimer(): void {
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        this.wakeAt = Infinity;
    }

    /** The instance an API call names: 410001002 when unknown or deleted, 410001041 while shutting down. */
    private lookup(id: unknown): InstanceRecord | ApiResult {
        const inst = this.instancesById.get(id as string);
        if (!inst || inst.state === "deleted") {
            return failure(410001002, `no AI agent instance ${JSON.stringify(id)} (check if it has been deleted).`);
        }
        if (inst.state === "shutting-down") {
            return failure(410001041, `instance ${inst.id} is being gracefully shut down; no further operations are accepted.`);
        }
        return inst;
    }

    /** lookup() + live digital humans can't be controlled (410001049). */
    private controllable(b: Wire): InstanceRecord | ApiResult {
        const inst = this.lookup(b.AgentInstanceId);
        if ("code" in inst) return inst;
        if (inst.action === "CreateLiveDigitalHumanAgentInstance") return liveControlled(inst.id);
        return inst;
    }

    private activeInstance(id: string): InstanceRecord {
        this.settle();
        const inst = this.instancesById.get(id);
        if (!inst) throw new EmulatorRequestError(`no instance ${JSON.stringify(id)}.`, 404);
        if (inst.state === "deleted") throw new EmulatorRequestError(`instance ${id} has been deleted (${inst.deletedReason}).`, 404);
        return inst;
    }

    private speak(inst: InstanceRecord, now: number, steps: ScriptStep[], enqueue: boolean): void {
        if (!enqueue) {
            inst.schedule = segments(now, steps);
            return;
        }
        const end = idleFrom(inst, now);
        const start = end === Infinity ? now : end;
        inst.schedule = [...inst.schedule.filter((s) => s.until > now), ...segments(start, steps)];
    }

    private snapshot(inst: InstanceRecord): EmulatedInstance {
        const config: EmulatedInstance["config"] = {};
        if (inst.llm) config.LLM = redact(inst.llm);
        if (inst.tts) config.TTS = redact(inst.tts);
        if (inst.asr) config.ASR = redact(inst.asr);
        if (inst.rtc) config.RTC = redact(inst.rtc);
        const out: EmulatedInstance = {
            agentInstanceId: inst.id,
            action: inst.action,
            agentId: inst.agentId,
            body: deepCopy(inst.redactedBody),
            config,
            state: inst.state,
            status: inst.finalStatus ?? statusAt(inst, this.env.now()),
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
}

function statusAt(inst: InstanceRecord, t: number): AgentStatus {
    for (const s of inst.schedule) if (s.from <= t && t < s.until) return s.status;
    return "IDLE";
}

/** The first time at or after `t` when the instance is IDLE (Infinity if never). */
function idleFrom(inst: InstanceRecord, t: number): number {
    let x = t;
    for (;;) {
        const busy = inst.schedule.find((s) => s.from <= x && x < s.until && s.status !== "IDLE");
        if (!busy) return x;
        if (busy.until === Infinity) return Infinity;
        x = busy.until;
    }
}

function segments(start: number, steps: ScriptStep[]): Segment[] {
    const out: Segment[] = [];
    let from = start;
    for (const step of steps) {
        const until = from + step.seconds * 1000;
        if (until > from) out.push({ status: step.status, from, until });
        from = until;
    }
    return out;
}

function agentWire(agent: AgentRecord): Wire {
    const out: Wire = { AgentId: agent.AgentId };
    if (agent.Name !== undefined) out.Name = agent.Name;
    if (agent.LLM !== undefined) out.LLM = deepCopy(agent.LLM);
    if (agent.TTS !== undefined) out.TTS = deepCopy(agent.TTS);
    if (agent.ASR !== undefined) out.ASR = deepCopy(agent.ASR);
    return out;
}

function agentNotFound(id: unknown): ApiResult {
    return failure(410001009, `no agent with AgentId ${JSON.stringify(id)} is registered.`);
}

function liveControlled(id: string): ApiResult {
    return failure(
        410001049,
        `instance ${id} is a live digital human; only SendAgentInstanceTTS, QueryAgentInstanceStatus and DeleteAgentInstance apply.`,
    );
}

function shown(value: unknown): string {
    if (value === undefined) return "not set";
    return JSON.stringify(value).slice(0, 80);
}

function encodeCursor(seq: number): string {
    return Buffer.from(`agents-after:${seq}`).toString("base64url");
}

function decodeCursor(cursor: string): number | undefined {
    const match = /^agents-after:(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
    return match ? Number(match[1]) : undefined;
}

function isDigitalHuman(action: CreateAction): boolean {
    return action !== "CreateAgentInstance";
}

/**
 * The documented shape (the response example of create-digital-human-agent-instance.yaml decodes to
 * {DigitalHumanId, Streams: [{RoomId, StreamId, EncodeCode, ConfigId}]}). A CDN-only live digital
 * human has no RTC stream: Streams is empty.
 */
function digitalHumanConfig(inst: InstanceRecord, digitalHuman: Wire): string {
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
