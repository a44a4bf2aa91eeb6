/**
 * ZegoClient: the ZEGOCLOUD AI Agent server API in camelCase.
 *
 * One call = validate the camelCase body against the documented schema (before anything is sent),
 * map it to ZEGO's PascalCase, then per attempt: wait for the action's pacing token, sign afresh,
 * POST, judge status and Code; retries follow retry.ts. `Data` comes back in camelCase.
 *
 * The ServerSecret lives in a private field: it is not an own property, so neither
 * JSON.stringify nor util.inspect can show it, and it appears in no message, event or error.
 */
import { performance } from "perf_hooks";
import { setMaxListeners } from "events";
import { inspect } from "util";
import { ACTION_NAMES, ACTIONS, ActionName, unsafeToRepeat } from "../schema/api";
import type {
    AddAgentInstanceMsgRequest,
    AgentConfig,
    AgentStatus,
    CreateAgentInstanceRequest,
    CreateDigitalHumanAgentInstanceRequest,
    CreateLiveDigitalHumanAgentInstanceRequest,
    DeleteAgentInstanceRequest,
    ListeningRequest,
    Message,
    SendLlmRequest,
    SendTtsRequest,
    UpdateAgentInstanceRequest,
} from "../schema/types";
import { containsUnknown } from "../schema/unknown";
import { validate } from "../schema/validate";
import { bodySizeFailures } from "../schema/bodySize";
import { fromWire, objectToWire } from "../schema/wire";
import { AdaptivePacer } from "./adaptive";
import { RetryBudget } from "./budget";
import type { Clock } from "./clock";
import { AbortPhase, ambiguousFailureAdvice, redact, ZegoAbortError, ZegoApiError, ZegoValidationError } from "./errors";
import type { ClientEvent, ClientEventListener, ClientStats } from "./events";
import {
    describeValue,
    RequestOptions,
    ResolvedRequestOptions,
    resolveClientOptions,
    resolveRequestOptions,
    ZegoClientOptions,
} from "./options";
import { RateLimiter } from "./rateLimiter";
import { interpretOutcome } from "./response";
import {
    AttemptFailure,
    AttemptResult,
    ClockCorrection,
    failureReason,
    judgedOnMerits,
    RetryPolicy,
    runWithRetries,
    ThrottleSignal,
} from "./retry";
import { signedQuery } from "./signing";
import { Transport } from "./transport";

export interface ListAgentsPage {
    /** All agents of the app, not just this page. */
    readonly total: number;
    readonly agents: AgentConfig[];
    /** Pass to the next listAgents call; empty when there are no more pages. */
    readonly cursor: string;
}

export interface RoundResult {
    /** The dialogue round the call started or interrupted (absent if ZEGO does not say). */
    readonly round?: number;
}

export interface MessageList {
    readonly total: number;
    /** Oldest first. */
    readonly messageList: Message[];
}

/** ListAgents allows at most 10 per page. */
const LIST_PAGE_SIZE = 10;
/** QueryAgents takes at most 10 AgentIds. */
const QUERY_BATCH_SIZE = 10;
/** Safety stop for listAllAgents if the service keeps handing out cursors. */
const MAX_LIST_PAGES = 10000;

type WireRecord = Record<string, unknown>;

/** A successful attempt: the raw (wire) Data and the request id. */
interface Answer {
    readonly data: unknown;
    readonly requestId?: string;
}

/** Where a call is, for the error if it is cancelled; when its last attempt was sent, for the pacing. */
interface CallProgress {
    phase: AbortPhase;
    attempts: number;
    sentAt: number;
    signedWithOffsetMs: number;
    /** For the ZegoAbortError: what this call's failed attempts ran into. */
    throttledAnswers: number;
    lastFailure?: string;
}

/** The reason close() gives the calls it cancels. */
const CLOSED = "client closed";
/** The Date header has whole seconds. */
const CLOCK_RESOLUTION_MS = 2000;

interface CallResult {
    readonly data: WireRecord;
    readonly requestId?: string;
}

export class ZegoClient {
    readonly appId: number;
    /** Base URL the requests go to (no query: the signed query is made per attempt). */
    readonly endpoint: string;

    readonly #serverSecret: string;
    readonly #transport: Transport;
    readonly #limiter: RateLimiter;
    readonly #retry: RetryPolicy;
    readonly #throttle: ThrottleSignal;
    readonly #clock: Clock;
    readonly #pacer: AdaptivePacer;
    readonly #budget?: RetryBudget;
    readonly #onEvent?: ClientEventListener;
    readonly #stats = { requests: 0, retries: 0, throttled: 0 };
    /** Added to the local clock when signing: learned from a 100000004 answer's Date header. */
    #clockOffsetMs = 0;
    /** Aborted by close(), then replaced. */
    #closer = newCloser();

    /** Throws ZegoConfigError for a bad option; sends nothing. */
    constructor(options: ZegoClientOptions) {
        const resolved = resolveClientOptions(options);
        this.appId = resolved.appId;
        this.endpoint = resolved.endpoint;
        this.#serverSecret = resolved.serverSecret;
        this.#retry = resolved.retry;
        this.#throttle = resolved.throttle;
        this.#clock = resolved.clock;
        this.#onEvent = resolved.onEvent;
        this.#limiter = new RateLimiter(resolved.maxRequestsPerSecond, resolved.clock);
        this.#pacer = new AdaptivePacer(resolved.maxRequestsPerSecond, resolved.pacing, resolved.clock);
        this.#budget = resolved.retryBudget && new RetryBudget(resolved.retryBudget);
        this.#transport = new Transport(resolved.endpoint, resolved.timeoutMs);
    }

    /** Counters since the client was made (a snapshot). */
    get stats(): ClientStats {
        return { ...this.#stats };
    }

    /** Tokens left in the retry budget (undefined when the budget is off). */
    get retryBudgetTokens(): number | undefined {
        return this.#budget?.tokens;
    }

    /** ZEGO's clock minus the local one, as learned from a 100000004 answer's Date header (0 until then). */
    get clockOffsetMs(): number {
        return this.#clockOffsetMs;
    }

    /** The adaptive pacing rate of `action` now, in requests per second (maxRequestsPerSecond until it is throttled). */
    pacingRate(action: ActionName): number {
        return this.#pacer.enabled ? this.#pacer.rateOf(action) : this.#limiter.requestsPerSecond;
    }

    /**
     * Any action, camelCase in and out. Throws ZegoValidationError (nothing sent) for a body the
     * documented schema rejects, ZegoApiError when the call fails.
     */
    async call(action: ActionName, body: object = {}, options?: RequestOptions): Promise<WireRecord> {
        return (await this.#call(action, body, options)).data;
    }

    // ---- Agent configuration ----

    async registerAgent(agent: AgentConfig, options?: RequestOptions): Promise<void> {
        await this.#call("RegisterAgent", agent, options);
    }

    /** LLM, TTS and ASR are replaced whole: send complete objects. */
    async updateAgent(agent: AgentConfig, options?: RequestOptions): Promise<void> {
        await this.#call("UpdateAgent", agent, options);
    }

    async unregisterAgent(agentId: string, options?: RequestOptions): Promise<void> {
        await this.#call("UnregisterAgent", { agentId }, options);
    }

    /** Registered agents among `agentIds` (asked 10 at a time, the API's limit). */
    async queryAgents(agentIds: readonly string[], options?: RequestOptions): Promise<AgentConfig[]> {
        if (!Array.isArray(agentIds)) {
            throw new ZegoValidationError("QueryAgents", [
                { property: "agentIds", reason: `agentIds must be a list of agent ids (strings); got ${describeValue(agentIds)}.` },
            ]);
        }
        const agents: AgentConfig[] = [];
        for (let i = 0; i < agentIds.length; i += QUERY_BATCH_SIZE) {
            const { data } = await this.#call("QueryAgents", { agentIds: agentIds.slice(i, i + QUERY_BATCH_SIZE) }, options);
            agents.push(...listOf<AgentConfig>(data.agents));
        }
        return agents;
    }

    /** One page; `limit` 1..10 (0 or omitted: ZEGO's default of 5), `cursor` "" or from the previous page. */
    async listAgents(page: { limit?: number; cursor?: string } = {}, options?: RequestOptions): Promise<ListAgentsPage> {
        const { data } = await this.#call("ListAgents", page, options);
        return {
            total: typeof data.total === "number" ? data.total : 0,
            agents: listOf<AgentConfig>(data.agents),
            cursor: typeof data.cursor === "string" ? data.cursor : "",
        };
    }

    /** Every registered agent, following cursors. */
    async listAllAgents(options?: RequestOptions): Promise<AgentConfig[]> {
        const agents: AgentConfig[] = [];
        const seen = new Set<string>();
        let cursor = "";
        for (let pages = 0; pages < MAX_LIST_PAGES; pages++) {
            const page = await this.listAgents({ limit: LIST_PAGE_SIZE, cursor }, options);
            agents.push(...page.agents);
            if (page.cursor === "" || page.agents.length === 0) return agents;
            if (seen.has(page.cursor)) throw listLoopError(`ZEGO returned the Cursor ${JSON.stringify(page.cursor)} twice`);
            seen.add(page.cursor);
            cursor = page.cursor;
        }
        throw listLoopError(`ZEGO kept returning cursors for ${MAX_LIST_PAGES} pages`);
    }

    // ---- Instance management ----

    /** Never retried once it may have taken effect: see ZegoApiError.ambiguous. */
    async createAgentInstance(request: CreateAgentInstanceRequest, options?: RequestOptions): Promise<{ agentInstanceId: string }> {
        const result = await this.#call("CreateAgentInstance", request, options);
        return { agentInstanceId: requireInstanceId("CreateAgentInstance", result) };
    }

    /** Never retried once it may have taken effect: see ZegoApiError.ambiguous. */
    async createDigitalHumanAgentInstance(
        request: CreateDigitalHumanAgentInstanceRequest,
        options?: RequestOptions,
    ): Promise<{ agentInstanceId: string; digitalHumanConfig: string }> {
        return this.#createDigitalHuman("CreateDigitalHumanAgentInstance", request, options);
    }

    /**
     * A digital human that is driven only by SendAgentInstanceTTS, into an RTC room or a CDN.
     * Never retried once it may have taken effect: see ZegoApiError.ambiguous.
     */
    async createLiveDigitalHumanAgentInstance(
        request: CreateLiveDigitalHumanAgentInstanceRequest,
        options?: RequestOptions,
    ): Promise<{ agentInstanceId: string; digitalHumanConfig: string }> {
        return this.#createDigitalHuman("CreateLiveDigitalHumanAgentInstance", request, options);
    }

    /** Only LLM, TTS, ASR and RTC.UserStreamId can change; LLM/TTS/ASR are replaced whole. */
    async updateAgentInstance(request: UpdateAgentInstanceRequest, options?: RequestOptions): Promise<void> {
        await this.#call("UpdateAgentInstance", request, options);
    }

    /** An unknown or already deleted instance fails with code 410001002 (Code.InstanceNotFound). */
    async deleteAgentInstance(request: DeleteAgentInstanceRequest, options?: RequestOptions): Promise<void> {
        await this.#call("DeleteAgentInstance", request, options);
    }

    // ---- Instance control ----

    async queryAgentInstanceStatus(agentInstanceId: string, options?: RequestOptions): Promise<{ status: AgentStatus }> {
        const { data, requestId } = await this.#call("QueryAgentInstanceStatus", { agentInstanceId }, options);
        if (typeof data.status !== "string" || data.status === "") {
            throw new ZegoApiError({
                action: "QueryAgentInstanceStatus",
                code: 0,
                requestId,
                problem: "ZEGO answered Code 0 (success) but the response has no Status",
                retryable: false,
                ambiguous: false,
            });
        }
        // Passed on as given: a status ZEGO adds later should not break a read.
        return { status: data.status as AgentStatus };
    }

    /** Never retried once it may have taken effect (the agent would answer twice): see ZegoApiError.ambiguous. */
    async sendAgentInstanceLlm(request: SendLlmRequest, options?: RequestOptions): Promise<RoundResult> {
        return roundOf((await this.#call("SendAgentInstanceLLM", request, options)).data);
    }

    /** Never retried once it may have taken effect (the agent would say it twice): see ZegoApiError.ambiguous. */
    async sendAgentInstanceTts(request: SendTtsRequest, options?: RequestOptions): Promise<RoundResult> {
        return roundOf((await this.#call("SendAgentInstanceTTS", request, options)).data);
    }

    async interruptAgentInstance(agentInstanceId: string, options?: RequestOptions): Promise<RoundResult> {
        return roundOf((await this.#call("InterruptAgentInstance", { agentInstanceId }, options)).data);
    }

    async getAgentInstanceMsgList(agentInstanceId: string, options?: RequestOptions): Promise<MessageList> {
        const { data } = await this.#call("GetAgentInstanceMsgList", { agentInstanceId }, options);
        const messageList = listOf<Message>(data.messageList);
        return { total: typeof data.total === "number" ? data.total : messageList.length, messageList };
    }

    async resetAgentInstanceMsgList(agentInstanceId: string, options?: RequestOptions): Promise<void> {
        await this.#call("ResetAgentInstanceMsgList", { agentInstanceId }, options);
    }

    /**
     * Appends context messages; triggers no LLM call and no round. Never retried once it may have
     * taken effect (the messages would be added twice): see ZegoApiError.ambiguous.
     */
    async addAgentInstanceMsg(request: AddAgentInstanceMsgRequest, options?: RequestOptions): Promise<void> {
        await this.#call("AddAgentInstanceMsg", request, options);
    }

    /** Walkie-talkie mode only (advancedConfig.communicationMode 2). */
    async startListening(request: ListeningRequest, options?: RequestOptions): Promise<RoundResult> {
        return roundOf((await this.#call("StartListening", request, options)).data);
    }

    /** Walkie-talkie mode only (advancedConfig.communicationMode 2). */
    async stopListening(request: ListeningRequest, options?: RequestOptions): Promise<RoundResult> {
        return roundOf((await this.#call("StopListening", request, options)).data);
    }

    /**
     * Cancels every call in progress (they reject with ZegoAbortError) and closes pooled
     * connections, so a process or a test can exit promptly. The client stays usable.
     */
    close(): void {
        const closing = this.#closer;
        this.#closer = newCloser();
        closing.abort(CLOSED);
        this.#transport.close();
    }

    toJSON(): { appId: number; endpoint: string } {
        return { appId: this.appId, endpoint: this.endpoint };
    }

    [inspect.custom](): string {
        return `ZegoClient { appId: ${this.appId}, endpoint: ${JSON.stringify(this.endpoint)} }`;
    }

    // ---- The call pipeline ----

    async #createDigitalHuman(
        action: DigitalHumanCreate,
        request: object,
        options?: RequestOptions,
    ): Promise<{ agentInstanceId: string; digitalHumanConfig: string }> {
        const result = await this.#call(action, request, options);
        const digitalHumanConfig = typeof result.data.digitalHumanConfig === "string" ? result.data.digitalHumanConfig : "";
        return { agentInstanceId: requireInstanceId(action, result), digitalHumanConfig };
    }

    async #call(action: ActionName, body: object, options?: RequestOptions): Promise<CallResult> {
        if (!ACTION_NAMES.includes(action)) {
            throw new ZegoValidationError(String(action), [
                { property: "action", reason: `action must be one of ${ACTION_NAMES.join(", ")}; got ${JSON.stringify(action)}.` },
            ]);
        }
        const spec = ACTIONS[action];
        const request = resolveRequestOptions(action, options);
        if (body === null || typeof body !== "object" || Array.isArray(body)) {
            const given = body === null ? "null" : Array.isArray(body) ? "a list" : typeof body;
            throw new ZegoValidationError(action, [{ property: "(body)", reason: `The request body must be an object; got ${given}.` }]);
        }
        // Before anything walks the body: a cycle would overflow the stack there.
        const cycle = findCycle(body);
        if (cycle !== undefined) {
            throw new ZegoValidationError(action, [
                { property: cycle, reason: `${cycle} refers back to an object that contains it; a request body must be plain JSON data.` },
            ]);
        }
        // A Pulumi preview placeholder must never reach ZEGO as if it were a value.
        if (containsUnknown(body)) {
            throw new ZegoValidationError(action, [
                { property: "(body)", reason: "The request contains values that are not known yet (pulumi preview); it cannot be sent." },
            ]);
        }
        // Unknown keys are rejected: toWire would silently drop them, and a dropped typo is worse than an error.
        const failures = validate(spec.request, body, { naming: "camel", rejectUnknownFields: true });
        if (failures.length > 0) throw new ZegoValidationError(action, failures);

        // ZEGO does not read a body over 1 MiB (100000012): refuse it here, naming its largest fields.
        const tooLarge = bodySizeFailures(action, body as Record<string, unknown>);
        if (tooLarge.length > 0) throw new ZegoValidationError(action, tooLarge);

        const wireBody = objectToWire(spec.request, body);
        const closer = this.#closer.signal;
        const signal = request.signal ? AbortSignal.any([request.signal, closer]) : closer;
        // stopSending ends the waits and keeps further requests from going out, never the one in flight.
        const waits = request.stopSending ? AbortSignal.any([signal, request.stopSending]) : signal;
        const progress: CallProgress = { phase: "before sending", attempts: 0, sentAt: 0, signedWithOffsetMs: 0, throttledAnswers: 0 };
        const attemptOnce = (attempt: number) => this.#attempt(action, wireBody, attempt, spec, request, signal, waits, progress);
        try {
            waits.throwIfAborted();
            const result = await runWithRetries(attemptOnce, {
                action,
                unsafeToRepeat: unsafeToRepeat(spec),
                policy: this.#retry,
                throttle: this.#throttle,
                clock: this.#clock,
                budget: this.#budget,
                pacedByAdaptiveRate: this.#pacer.enabled,
                signal: waits,
                correctClock: (failure) => this.#correctClock(action, failure, progress.signedWithOffsetMs),
                onThrottled: (attempt, failure, verdict) => {
                    this.#stats.throttled++;
                    progress.throttledAnswers++;
                    this.#pacer.for(action)?.onThrottled(progress.sentAt);
                    const { httpStatus, code, retryAfterMs } = failure;
                    this.#emit({ type: "throttled", action, attempt, reason: verdict.reason, httpStatus, code, delayMs: retryAfterMs });
                },
                onRetry: (attempt, delayMs, verdict) => {
                    this.#stats.retries++;
                    progress.phase = "waiting to retry";
                    progress.lastFailure = verdict.reason;
                    const rate = this.#pacer.rateOf(action);
                    const paced = rate < this.#pacer.maxRate ? { pacedAtPerSecond: rate } : {};
                    this.#emit({ type: "retry", action, attempt, delayMs, reason: verdict.reason, ...paced });
                },
            });
            const data = fromWire(spec.response, result.data);
            return { data: (data ?? {}) as WireRecord, requestId: result.requestId };
        } catch (err) {
            // Stopped by stopSending only if that is what threw: an in-flight attempt's own failure stays itself.
            if (!signal.aborted && !(waits.aborted && err === waits.reason)) throw err;
            const closed = closer.aborted && !request.signal?.aborted;
            const reason = closed ? "client closed" : request.signal?.aborted ? request.signal.reason : request.stopSending?.reason;
            throw new ZegoAbortError(action, progress.phase, progress.attempts, reason, closed, progress);
        }
    }

    async #attempt(
        action: ActionName,
        wireBody: WireRecord,
        attempt: number,
        spec: (typeof ACTIONS)[ActionName],
        request: ResolvedRequestOptions,
        signal: AbortSignal,
        waits: AbortSignal,
        progress: CallProgress,
    ): Promise<AttemptResult<Answer>> {
        progress.phase = "waiting for pacing";
        const adaptive = this.#pacer.for(action);
        await adaptive?.acquire(waits);
        await this.#limiter.acquire(action, waits);
        waits.throwIfAborted();
        // Signed per attempt: a fresh nonce and the current time, corrected by the offset learned
        // from a 100000004 answer (retry.ts).
        progress.signedWithOffsetMs = this.#clockOffsetMs;
        const query = signedQuery(action, this.appId, this.#serverSecret, this.#clock.now() + this.#clockOffsetMs);
        this.#stats.requests++;
        this.#emit({ type: "request", action, attempt });
        progress.phase = "in flight";
        progress.attempts = attempt;
        progress.sentAt = this.#clock.now();
        const startedAt = performance.now();
        // `creates` also asks for a fresh connection per attempt (no stale pooled socket).
        const freshConnection = "creates" in spec && spec.creates === true;
        const outcome = await this.#transport.send(query, wireBody, { freshConnection, signal, timeoutMs: request.timeoutMs });
        if (outcome.kind === "aborted") throw signal.reason;
        progress.phase = "waiting to retry";
        const durationMs = Math.round(performance.now() - startedAt);
        const secrets = [this.#serverSecret, query.Signature];
        const interpreted = interpretOutcome(outcome, {
            endpoint: this.endpoint,
            nowMs: this.#clock.now(),
            redact: (text) => redact(text, secrets),
        });
        if (interpreted.ok) {
            adaptive?.onSuccess();
            const { httpStatus, code, requestId } = interpreted;
            this.#emit({ type: "response", action, attempt, httpStatus, code, requestId, durationMs });
            return { ok: true, value: { data: interpreted.data, requestId: interpreted.requestId } };
        }
        const f = interpreted.failure;
        // Counts toward the rate's recovery like a success: a delete's polls all answer 410001002, and
        // counting only code 0 left a throttled process's status rate low to the end of a destroy.
        if (judgedOnMerits(f, this.#throttle)) adaptive?.onSuccess();
        this.#emit({
            type: "response",
            action,
            attempt,
            httpStatus: f.httpStatus,
            code: f.code,
            requestId: f.requestId,
            durationMs,
            reason: failureReason(f),
        });
        return { ok: false, failure: f };
    }

    /** After 100000004: the offset from the response's Date header, applied to every later signature. */
    #correctClock(action: ActionName, failure: AttemptFailure, signedWithOffsetMs: number): ClockCorrection {
        if (failure.serverDateMs === undefined) {
            return { retry: false, note: "The response carried no Date header, so the client could not tell how far off its clock is" };
        }
        const offsetMs = failure.serverDateMs - this.#clock.now();
        // Compared with the offset this request was signed with: a call in flight while another
        // one learned the offset is re-sent with it too.
        const previous = signedWithOffsetMs;
        const off = `by the response's Date header, this machine's clock is ${Math.round(Math.abs(offsetMs) / 1000)} s ${offsetMs > 0 ? "behind" : "ahead of"} ZEGO's`;
        // The Date header has whole seconds: a change below CLOCK_RESOLUTION_MS is no news.
        if (Math.abs(offsetMs - previous) < CLOCK_RESOLUTION_MS) {
            return {
                retry: false,
                note: `ZEGO refused the timestamp although, ${off} and the client's timestamps already correct for that`,
            };
        }
        if (Math.abs(offsetMs - this.#clockOffsetMs) >= CLOCK_RESOLUTION_MS) {
            this.#clockOffsetMs = offsetMs;
            this.#emit({ type: "clock", action, attempt: 0, clockOffsetMs: offsetMs });
        }
        return {
            retry: true,
            note: `The client learned from the response's Date header that this machine's clock is off (${off}), corrected its timestamps and re-sent once, and ZEGO still refused`,
        };
    }

    #emit(event: ClientEvent): void {
        if (!this.#onEvent) return;
        try {
            this.#onEvent(event);
        } catch {
            // A logging hook must not break a deployment.
        }
    }
}

type DigitalHumanCreate = "CreateDigitalHumanAgentInstance" | "CreateLiveDigitalHumanAgentInstance";

function requireInstanceId(action: "CreateAgentInstance" | DigitalHumanCreate, result: CallResult): string {
    const id = result.data.agentInstanceId;
    if (typeof id === "string" && id !== "") return id;
    // Code 0 says it was created, but without the id nobody can manage or delete it.
    throw new ZegoApiError({
        action,
        code: 0,
        requestId: result.requestId,
        problem: "ZEGO answered Code 0 (success) but the response has no AgentInstanceId",
        retryable: false,
        ambiguous: true,
        advice: ambiguousFailureAdvice(action),
    });
}

function roundOf(data: WireRecord): RoundResult {
    return typeof data.round === "number" ? { round: data.round } : {};
}

function listOf<T>(value: unknown): T[] {
    return Array.isArray(value) ? (value as T[]) : [];
}

/** Every call in progress listens on it: many at once are normal, not a leak. */
function newCloser(): AbortController {
    const controller = new AbortController();
    setMaxListeners(0, controller.signal);
    return controller;
}

/** The dotted path of the first property that refers back to an object containing it, if any. */
function findCycle(value: unknown, path = "(body)", ancestors: object[] = []): string | undefined {
    if (value === null || typeof value !== "object") return undefined;
    if (ancestors.includes(value)) return path;
    ancestors.push(value);
    const entries: Array<[string, unknown]> = Array.isArray(value)
        ? value.map((item, i) => [`${path}[${i}]`, item])
        : Object.entries(value).map(([key, item]) => [path === "(body)" ? key : `${path}.${key}`, item]);
    for (const [at, item] of entries) {
        const found = findCycle(item, at, ancestors);
        if (found !== undefined) return found;
    }
    ancestors.pop();
    return undefined;
}

function listLoopError(problem: string): ZegoApiError {
    const stopped = `${problem}; stopped listing to avoid an endless loop`;
    return new ZegoApiError({ action: "ListAgents", problem: stopped, retryable: false, ambiguous: false });
}
