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
import { fromWire, objectToWire } from "../schema/wire";
import type { Clock } from "./clock";
import { ambiguousFailureAdvice, redact, ZegoApiError, ZegoValidationError } from "./errors";
import type { ClientEvent, ClientEventListener, ClientStats } from "./events";
import { resolveClientOptions, ZegoClientOptions } from "./options";
import { RateLimiter } from "./rateLimiter";
import { interpretOutcome } from "./response";
import { AttemptResult, failureReason, RetryPolicy, runWithRetries, ThrottleSignal } from "./retry";
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
    readonly #onEvent?: ClientEventListener;
    readonly #stats = { requests: 0, retries: 0, throttled: 0 };

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
        this.#transport = new Transport(resolved.endpoint, resolved.timeoutMs);
    }

    /** Counters since the client was made (a snapshot). */
    get stats(): ClientStats {
        return { ...this.#stats };
    }

    /**
     * Any action, camelCase in and out. Throws ZegoValidationError (nothing sent) for a body the
     * documented schema rejects, ZegoApiError when the call fails.
     */
    async call(action: ActionName, body: object = {}): Promise<WireRecord> {
        return (await this.#call(action, body)).data;
    }

    // ---- Agent configuration ----

    async registerAgent(agent: AgentConfig): Promise<void> {
        await this.#call("RegisterAgent", agent);
    }

    /** LLM, TTS and ASR are replaced whole: send complete objects. */
    async updateAgent(agent: AgentConfig): Promise<void> {
        await this.#call("UpdateAgent", agent);
    }

    async unregisterAgent(agentId: string): Promise<void> {
        await this.#call("UnregisterAgent", { agentId });
    }

    /** Registered agents among `agentIds` (asked 10 at a time, the API's limit). */
    async queryAgents(agentIds: readonly string[]): Promise<AgentConfig[]> {
        const agents: AgentConfig[] = [];
        for (let i = 0; i < agentIds.length; i += QUERY_BATCH_SIZE) {
            const { data } = await this.#call("QueryAgents", { agentIds: agentIds.slice(i, i + QUERY_BATCH_SIZE) });
            agents.push(...listOf<AgentConfig>(data.agents));
        }
        return agents;
    }

    /** One page; `limit` 1..10 (0 or omitted: ZEGO's default of 5), `cursor` "" or from the previous page. */
    async listAgents(page: { limit?: number; cursor?: string } = {}): Promise<ListAgentsPage> {
        const { data } = await this.#call("ListAgents", page);
        return {
            total: typeof data.total === "number" ? data.total : 0,
            agents: listOf<AgentConfig>(data.agents),
            cursor: typeof data.cursor === "string" ? data.cursor : "",
        };
    }

    /** Every registered agent, following cursors. */
    async listAllAgents(): Promise<AgentConfig[]> {
        const agents: AgentConfig[] = [];
        const seen = new Set<string>();
        let cursor = "";
        for (let pages = 0; pages < MAX_LIST_PAGES; pages++) {
            const page = await this.listAgents({ limit: LIST_PAGE_SIZE, cursor });
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
    async createAgentInstance(request: CreateAgentInstanceRequest): Promise<{ agentInstanceId: string }> {
        const result = await this.#call("CreateAgentInstance", request);
        return { agentInstanceId: requireInstanceId("CreateAgentInstance", result) };
    }

    /** Never retried once it may have taken effect: see ZegoApiError.ambiguous. */
    async createDigitalHumanAgentInstance(
        request: CreateDigitalHumanAgentInstanceRequest,
    ): Promise<{ agentInstanceId: string; digitalHumanConfig: string }> {
        return this.#createDigitalHuman("CreateDigitalHumanAgentInstance", request);
    }

    /**
     * A digital human that is driven only by SendAgentInstanceTTS, into an RTC room or a CDN.
     * Never retried once it may have taken effect: see ZegoApiError.ambiguous.
     */
    async createLiveDigitalHumanAgentInstance(
        request: CreateLiveDigitalHumanAgentInstanceRequest,
    ): Promise<{ agentInstanceId: string; digitalHumanConfig: string }> {
        return this.#createDigitalHuman("CreateLiveDigitalHumanAgentInstance", request);
    }

    /** Only LLM, TTS, ASR and RTC.UserStreamId can change; LLM/TTS/ASR are replaced whole. */
    async updateAgentInstance(request: UpdateAgentInstanceRequest): Promise<void> {
        await this.#call("UpdateAgentInstance", request);
    }

    /** An unknown or already deleted instance fails with code 410001002 (Code.InstanceNotFound). */
    async deleteAgentInstance(request: DeleteAgentInstanceRequest): Promise<void> {
        await this.#call("DeleteAgentInstance", request);
    }

    // ---- Instance control ----

    async queryAgentInstanceStatus(agentInstanceId: string): Promise<{ status: AgentStatus }> {
        const { data, requestId } = await this.#call("QueryAgentInstanceStatus", { agentInstanceId });
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
    async sendAgentInstanceLlm(request: SendLlmRequest): Promise<RoundResult> {
        return roundOf((await this.#call("SendAgentInstanceLLM", request)).data);
    }

    /** Never retried once it may have taken effect (the agent would say it twice): see ZegoApiError.ambiguous. */
    async sendAgentInstanceTts(request: SendTtsRequest): Promise<RoundResult> {
        return roundOf((await this.#call("SendAgentInstanceTTS", request)).data);
    }

    async interruptAgentInstance(agentInstanceId: string): Promise<RoundResult> {
        return roundOf((await this.#call("InterruptAgentInstance", { agentInstanceId })).data);
    }

    async getAgentInstanceMsgList(agentInstanceId: string): Promise<MessageList> {
        const { data } = await this.#call("GetAgentInstanceMsgList", { agentInstanceId });
        const messageList = listOf<Message>(data.messageList);
        return { total: typeof data.total === "number" ? data.total : messageList.length, messageList };
    }

    async resetAgentInstanceMsgList(agentInstanceId: string): Promise<void> {
        await this.#call("ResetAgentInstanceMsgList", { agentInstanceId });
    }

    /**
     * Appends context messages; triggers no LLM call and no round. Never retried once it may have
     * taken effect (the messages would be added twice): see ZegoApiError.ambiguous.
     */
    async addAgentInstanceMsg(request: AddAgentInstanceMsgRequest): Promise<void> {
        await this.#call("AddAgentInstanceMsg", request);
    }

    /** Walkie-talkie mode only (advancedConfig.communicationMode 2). */
    async startListening(request: ListeningRequest): Promise<RoundResult> {
        return roundOf((await this.#call("StartListening", request)).data);
    }

    /** Walkie-talkie mode only (advancedConfig.communicationMode 2). */
    async stopListening(request: ListeningRequest): Promise<RoundResult> {
        return roundOf((await this.#call("StopListening", request)).data);
    }

    /** Closes pooled connections (lets a process or a test exit promptly). The client stays usable. */
    close(): void {
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
    ): Promise<{ agentInstanceId: string; digitalHumanConfig: string }> {
        const result = await this.#call(action, request);
        const digitalHumanConfig = typeof result.data.digitalHumanConfig === "string" ? result.data.digitalHumanConfig : "";
        return { agentInstanceId: requireInstanceId(action, result), digitalHumanConfig };
    }

    async #call(action: ActionName, body: object): Promise<CallResult> {
        if (!ACTION_NAMES.includes(action)) {
            throw new ZegoValidationError(String(action), [
                { property: "action", reason: `action must be one of ${ACTION_NAMES.join(", ")}; got ${JSON.stringify(action)}.` },
            ]);
        }
        const spec = ACTIONS[action];
        if (body === null || typeof body !== "object" || Array.isArray(body)) {
            const given = body === null ? "null" : Array.isArray(body) ? "a list" : typeof body;
            throw new ZegoValidationError(action, [{ property: "(body)", reason: `The request body must be an object; got ${given}.` }]);
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

        const wireBody = objectToWire(spec.request, body);
        // `creates` also asks for a fresh connection per attempt (no stale pooled socket).
        const creates = "creates" in spec && spec.creates === true;
        const result = await runWithRetries((attempt) => this.#attempt(action, wireBody, attempt, creates), {
            action,
            unsafeToRepeat: unsafeToRepeat(spec),
            policy: this.#retry,
            throttle: this.#throttle,
            clock: this.#clock,
            onThrottled: (attempt, failure, verdict) => {
                this.#stats.throttled++;
                const { httpStatus, code, retryAfterMs } = failure;
                this.#emit({ type: "throttled", action, attempt, reason: verdict.reason, httpStatus, code, delayMs: retryAfterMs });
            },
            onRetry: (attempt, delayMs, verdict) => {
                this.#stats.retries++;
                this.#emit({ type: "retry", action, attempt, delayMs, reason: verdict.reason });
            },
        });
        const data = fromWire(spec.response, result.data);
        return { data: (data ?? {}) as WireRecord, requestId: result.requestId };
    }

    async #attempt(action: ActionName, wireBody: WireRecord, attempt: number, creates: boolean): Promise<AttemptResult<Answer>> {
        await this.#limiter.acquire(action);
        // Signed per attempt: a fresh nonce and the current time (a retry after 100000004 must not reuse them).
        const query = signedQuery(action, this.appId, this.#serverSecret, this.#clock.now());
        this.#stats.requests++;
        this.#emit({ type: "request", action, attempt });
        const startedAt = performance.now();
        const outcome = await this.#transport.send(query, wireBody, { freshConnection: creates });
        const durationMs = Math.round(performance.now() - startedAt);
        const secrets = [this.#serverSecret, query.Signature];
        const interpreted = interpretOutcome(outcome, {
            endpoint: this.endpoint,
            timeoutMs: this.#transport.timeoutMs,
            nowMs: this.#clock.now(),
            redact: (text) => redact(text, secrets),
        });
        if (interpreted.ok) {
            const { httpStatus, code, requestId } = interpreted;
            this.#emit({ type: "response", action, attempt, httpStatus, code, requestId, durationMs });
            return { ok: true, value: { data: interpreted.data, requestId: interpreted.requestId } };
        }
        const f = interpreted.failure;
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

function listLoopError(problem: string): ZegoApiError {
    const stopped = `${problem}; stopped listing to avoid an endless loop`;
    return new ZegoApiError({ action: "ListAgents", problem: stopped, retryable: false, ambiguous: false });
}
