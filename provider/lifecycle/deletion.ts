/**
 * What happens on `pulumi destroy` (and on replacement) of an agent instance:
 * DeleteAgentInstance with the effective graceful-shutdown settings, then, with waitForDeletion,
 * poll until the instance is gone. Idempotent and resumable: an instance that is already gone is a
 * success, and one already shutting down (for instance after an interrupted destroy) is waited for.
 *
 * A live digital human whose status ZEGO will not give (QueryAgentInstanceStatus answers 410001049:
 * the docs do not say it is allowed) is watched through DeleteAgentInstance itself instead: 410001041
 * while its shutdown runs, 410001002 once it is gone.
 *
 * Bounded: the whole delete ends by one deadline, started + graceful timeout (ZEGO's maximum when
 * resuming a shutdown) + margin. Every call inside it gets an AbortSignal that fires at the
 * deadline, so no single call (a throttled status poll retrying for minutes, a hung request) can
 * carry it past; the timeout error then says what was cut off, not what was waited for. A resource's
 * customTimeouts.delete replaces that bound, shorter or longer: it is the user's hard bound.
 */
import { alarm, Clock } from "../client/clock";
import { Code } from "../client/codes";
import type { RequestOptions } from "../client/options";
import { DELETION_KEYS, ResourceKind, userArgs, type OwnDeletionSettings } from "../schema/resources";
import type { LifecycleContext } from "./context";
import { LifecycleProvider, pick } from "./provider";
import { DeletionSettings, MAX_GRACEFUL_SHUTDOWN_SECONDS } from "./settings";
import { migrate } from "./state";
import { customTimeoutSeconds, seconds } from "./timeouts";

/** A resource's own deletion settings: its arguments, or its state (where the outputs echo them). */
export function ownDeletionSettings(props: Record<string, unknown>): OwnDeletionSettings {
    return pick(props, DELETION_KEYS) as OwnDeletionSettings;
}

/**
 * The engine's Delete of an instance (`pulumi destroy`, a replacement): its own deletion settings
 * from state, resolved once with the environment and stack config (lifecycle/settings.ts), then
 * `deleteAgentInstance` at the instance's own app and endpoint. `label` names the kind in messages.
 */
export function instanceDeletion(kind: ResourceKind, label: string, context: LifecycleContext): LifecycleProvider["delete"] {
    const { settings, clients, clock, log, identities } = context;
    return async (id, props, options) => {
        const state = migrate(props);
        // The outputs echo the inputs at the top level in every state version (0.1.0 never moved these into `secrets`).
        const plan = settings.deletionPlan(ownDeletionSettings(state));
        const report = await clients.onExisting(state, `${label} ${id}`, (client) =>
            deleteAgentInstance(client, id, { ...plan, clock, log, customTimeoutSeconds: customTimeoutSeconds(options) }),
        );
        if (report.outcome !== "already-gone") return;
        const taken = identities.takenBy(userArgs(kind, state));
        if (taken)
            log(
                `warning: ${label} ${id} was ended by ZEGO when ${taken.agentInstanceId}, created in this update with the same ${taken.identity}, took its place ` +
                    `(ZEGO kicks the older instance, without a graceful shutdown). This happens when a resource is renamed or moved to another parent ` +
                    `(give it \`aliases\` with its old name, so that Pulumi updates it in place), when it is replaced with the deleteBeforeReplace option off ` +
                    `(set deleteBeforeReplace: true: the TypeScript resources default to it, the plugin's resources need it set), ` +
                    `or when two resources of the stack declare the same agentUserId (give each its own).`,
            );
    };
}

/**
 * The client calls delete needs (a ZegoClient satisfies it). Each call must reject soon after
 * `options.signal` aborts (the ZegoClient rejects at once with ZegoAbortError); delete does not
 * wait for one that does not for longer than ABORT_GRACE_MS.
 */
export interface DeletionClient {
    deleteAgentInstance(
        req: { agentInstanceId: string; gracefulShutdown?: boolean; gracefulShutdownTimeout?: number },
        options?: RequestOptions,
    ): Promise<unknown>;
    queryAgentInstanceStatus(agentInstanceId: string, options?: RequestOptions): Promise<{ status: string }>;
}

/** The lifecycle context's clock (polls and the deadline run on it) and logger (progress lines). */
export interface DeletionOptions extends Pick<LifecycleContext, "clock" | "log"> {
    settings: DeletionSettings;
    /** Seconds to keep waiting after the graceful timeout. */
    marginSeconds: number;
    /** Milliseconds between status polls. */
    pollIntervalMs?: number;
    /** Milliseconds between progress lines. */
    progressIntervalMs?: number;
    /** The resource's customTimeouts.delete in seconds: the bound instead of graceful timeout + margin. */
    customTimeoutSeconds?: number;
}

export type DeletionOutcome = "deleted" | "already-gone" | "requested";

export interface DeletionReport {
    outcome: DeletionOutcome;
    waitedMs: number;
    lastStatus?: string;
}

export class DeletionTimeoutError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "DeletionTimeoutError";
    }
}

/** How long a call cut off at the deadline may take to reject with its own (more telling) error. */
const ABORT_GRACE_MS = 50;

/** A bound of 0 (GracefulShutdown=false and a margin of 0) would cut off DeleteAgentInstance before it is sent. */
const MIN_BOUND_SECONDS = 1;

/**
 * A call made within the deadline: answered, failed on its own, cut off at the deadline (`error`:
 * the call's own account, if it gave one in time), or not made because the deadline had passed.
 */
type Bounded<T> = { kind: "answered"; value: T } | { kind: "failed"; error: unknown } | { kind: "cut"; error?: unknown } | { kind: "late" };

class DeadlineReached extends Error {
    constructor() {
        super("the delete's deadline was reached");
        this.name = "DeadlineReached";
    }
}

export async function deleteAgentInstance(
    client: DeletionClient,
    agentInstanceId: string,
    options: DeletionOptions,
): Promise<DeletionReport> {
    const { settings, log, clock } = options;
    const now = () => clock.now();
    const started = now();
    const graceful = settings.gracefulShutdown;
    const timeout = settings.gracefulShutdownTimeout;
    const margin = options.marginSeconds;
    /** A graceful shutdown started earlier (an interrupted destroy) runs with the timeout sent then, not today's. */
    let resumed = false;
    // A resumed shutdown may have been sent with any timeout up to ZEGO's maximum: wait for that.
    const graceSeconds = () => (resumed ? MAX_GRACEFUL_SHUTDOWN_SECONDS : graceful ? timeout : 0);
    const custom = options.customTimeoutSeconds;
    const ownBoundSeconds = () => Math.max(MIN_BOUND_SECONDS, graceSeconds() + margin);
    const boundSeconds = () => custom ?? ownBoundSeconds();
    const deadline = () => started + boundSeconds() * 1000;
    const polls = { answered: 0, failed: 0, lastStatus: undefined as string | undefined, lastError: undefined as Error | undefined };
    const fail = (cause: string, lastPollAnswered: boolean) =>
        new DeletionTimeoutError(
            timeoutMessage({
                agentInstanceId,
                elapsedMs: now() - started,
                boundSeconds: boundSeconds(),
                boundMadeOf: boundMadeOf({ custom, ownSeconds: ownBoundSeconds(), resumed, graceful, timeout, margin }),
                polls,
                waited: settings.waitForDeletion,
                cause,
                stillExists: lastPollAnswered,
            }),
        );

    // No line for a delete that is over at the first poll: each provider line is a diagnostic event
    // the engine handles and shows, which cost destroys of many instances a third of their time
    // (BENCHMARKS.md, Scale). Lines come once there is something to wait for, or something unusual.
    // Shorter than the graceful timeout: allowed (the user's hard bound), but likely to end before ZEGO does.
    if (custom !== undefined && settings.waitForDeletion && graceful && custom < timeout)
        log(
            `warning: the customTimeouts.delete of ${seconds(custom)} of agent instance ${agentInstanceId} is shorter than its graceful shutdown timeout of ${timeout} s: ` +
                `destroy may stop waiting while the agent is still finishing speaking, and the instance then stays in the state (a later destroy finishes it). ` +
                `Raise customTimeouts.delete above ${timeout} s, or lower gracefulShutdownTimeout.`,
        );
    const deleteRequest = graceful
        ? { agentInstanceId, gracefulShutdown: true, gracefulShutdownTimeout: timeout }
        : { agentInstanceId, gracefulShutdown: false };
    const del = await withinDeadline(clock, deadline(), (o) => client.deleteAgentInstance(deleteRequest, o));
    if (del.kind === "cut" || del.kind === "late") {
        throw fail(
            `the DeleteAgentInstance request did not get an answer within the bound${del.kind === "cut" ? detail(del.error) : ""}, ` +
                `so ZEGO may or may not have started the shutdown`,
            false,
        );
    }
    if (del.kind === "failed") {
        const code = zegoCode(del.error);
        if (code === Code.InstanceNotFound) {
            log(`agent instance ${agentInstanceId} is already gone (ZEGO ${Code.InstanceNotFound}); nothing to delete`);
            return { outcome: "already-gone", waitedMs: now() - started };
        }
        if (code !== Code.ShuttingDown) throw del.error;
        resumed = true;
    }
    if (!settings.waitForDeletion) {
        log(`delete of agent instance ${agentInstanceId} requested; not waiting (waitForDeletion=false)`);
        return { outcome: "requested", waitedMs: now() - started };
    }

    if (resumed) {
        log(
            `agent instance ${agentInstanceId} is already shutting down (ZEGO ${Code.ShuttingDown}); waiting for it up to ${boundSeconds()} s ` +
                (custom !== undefined
                    ? `(the resource's customTimeouts.delete)`
                    : `(an earlier delete started it with a timeout of up to ${MAX_GRACEFUL_SHUTDOWN_SECONDS} s, ZEGO's maximum, whatever today's settings; plus the margin of ${margin} s)`),
        );
    }
    const pollInterval = options.pollIntervalMs ?? 500;
    const progressInterval = options.progressIntervalMs ?? 5000;
    let lastProgress = started;
    let announced = resumed;
    /** The last poll got an answer from ZEGO (rather than failing after the client's own retries). */
    let lastAnswered = false;
    /** Status queries are refused (410001049): the same DeleteAgentInstance is the poll. */
    let pollByDelete = false;
    for (;;) {
        const poll = await withinDeadline(clock, deadline(), (o) =>
            pollByDelete
                ? client.deleteAgentInstance(deleteRequest, o).then(() => ({ status: "UNKNOWN" }))
                : client.queryAgentInstanceStatus(agentInstanceId, o),
        );
        if (poll.kind === "late") {
            const next = polls.answered + polls.failed > 0 ? "next" : "first";
            throw fail(`the bound was reached before the ${next} status poll could be sent`, lastAnswered);
        }
        if (poll.kind === "cut") throw fail(`the status poll under way was cut off at the bound${detail(poll.error)}`, lastAnswered);
        if (poll.kind === "answered") {
            polls.answered++;
            polls.lastStatus = poll.value.status;
            lastAnswered = true;
        } else {
            const code = zegoCode(poll.error);
            if (code === Code.InstanceNotFound) {
                const waitedMs = now() - started;
                if (announced) log(`agent instance ${agentInstanceId} is gone after ${(waitedMs / 1000).toFixed(1)} s`);
                return { outcome: "deleted", waitedMs, lastStatus: polls.lastStatus };
            }
            if (code === Code.ShuttingDown) {
                polls.answered++;
                polls.lastStatus = "SHUTTING_DOWN";
                lastAnswered = true;
            } else if (code === Code.LiveDigitalHumanControlled && !pollByDelete) {
                pollByDelete = true;
                log(
                    `ZEGO refuses status queries on agent instance ${agentInstanceId} (${Code.LiveDigitalHumanControlled}, a live digital human); ` +
                        `watching it through DeleteAgentInstance (${Code.ShuttingDown} while it shuts down, ${Code.InstanceNotFound} once gone)`,
                );
                continue;
            } else {
                // A failed poll (after the client's own retries) does not end the wait while time is left.
                if (polls.lastError === undefined)
                    log(`status poll of agent instance ${agentInstanceId} failed (${(poll.error as Error).message}); still waiting`);
                polls.failed++;
                polls.lastError = poll.error as Error;
                lastAnswered = false;
            }
        }
        const t = now();
        if (!announced) {
            announced = true;
            log(
                graceful
                    ? `waiting up to ${timeout} s for agent instance ${agentInstanceId} to finish speaking (GracefulShutdown=true, status ${polls.lastStatus})`
                    : `agent instance ${agentInstanceId} still exists after DeleteAgentInstance (GracefulShutdown=false, status ${polls.lastStatus}); waiting for it up to ${boundSeconds()} s`,
            );
        }
        if (t >= deadline()) throw fail("the bound was reached after that poll", lastAnswered);
        if (t - lastProgress >= progressInterval) {
            lastProgress = t;
            log(
                `still waiting for agent instance ${agentInstanceId} (status ${polls.lastStatus}, ${((t - started) / 1000).toFixed(0)} s of up to ${boundSeconds()} s)`,
            );
        }
        await clock.sleep(Math.min(pollInterval, Math.max(0, deadline() - t)));
    }
}

/**
 * `call` with a signal that aborts when `clock` reaches `deadline`. Nothing is sent at or past the
 * deadline. The call is also raced against the deadline, so one that ignores its signal cannot hold
 * delete past it for longer than ABORT_GRACE_MS.
 */
async function withinDeadline<T>(clock: Clock, deadline: number, call: (options: RequestOptions) => Promise<T>): Promise<Bounded<T>> {
    if (clock.now() >= deadline) return { kind: "late" };
    const cut = new AbortController();
    const finished = new AbortController();
    alarm(clock, deadline, finished.signal).then(
        () => cut.abort(new DeadlineReached()),
        () => undefined, // the call ended first
    );
    const pending: Promise<Bounded<T>> = call({ signal: cut.signal }).then(
        (value) => ({ kind: "answered", value }),
        (error: unknown) => (cut.signal.aborted ? { kind: "cut", error } : { kind: "failed", error }),
    );
    const deadlineReached = new Promise<Bounded<T>>((resolve) => {
        cut.signal.addEventListener(
            "abort",
            () => {
                // A short grace, so a client that honours the signal reports where it was cut off.
                clock.sleep(ABORT_GRACE_MS, finished.signal).then(
                    () => resolve({ kind: "cut" }),
                    () => undefined,
                );
            },
            { once: true },
        );
    });
    try {
        return await Promise.race([pending, deadlineReached]);
    } finally {
        finished.abort();
    }
}

/** What the bound of a delete is made of, for its timeout message. */
function boundMadeOf(b: {
    custom?: number;
    ownSeconds: number;
    resumed: boolean;
    graceful: boolean;
    timeout: number;
    margin: number;
}): string {
    if (b.custom !== undefined) return `the resource's customTimeouts.delete; without it, ${b.ownSeconds} s`;
    const margin = `plus a margin of ${b.margin} s`;
    if (b.resumed)
        return `ZEGO's maximum graceful timeout of ${MAX_GRACEFUL_SHUTDOWN_SECONDS} s ${margin}, as an earlier delete's shutdown was running`;
    if (b.graceful) return `the graceful timeout of ${b.timeout} s ${margin}`;
    return (
        `no graceful timeout (GracefulShutdown=false) ${margin}` + (b.margin < MIN_BOUND_SECONDS ? `, at least ${MIN_BOUND_SECONDS} s` : "")
    );
}

interface TimeoutFacts {
    agentInstanceId: string;
    elapsedMs: number;
    boundSeconds: number;
    boundMadeOf: string;
    polls: { answered: number; failed: number; lastStatus?: string; lastError?: Error };
    /** waitForDeletion: whether status polls were to be made at all. */
    waited: boolean;
    cause: string;
    /** The last status poll answered that the instance was still there. */
    stillExists: boolean;
}

/** What really happened: how long, the bound and what it is made of, what the polls saw, what cut it short. */
function timeoutMessage(f: TimeoutFacts): string {
    const { polls } = f;
    const elapsed = `${(f.elapsedMs / 1000).toFixed(1)} s`;
    const head = f.stillExists
        ? `agent instance ${f.agentInstanceId} still exists ${elapsed} after DeleteAgentInstance`
        : `agent instance ${f.agentInstanceId} was not seen gone ${elapsed} after delete started`;
    const polled = !f.waited
        ? "no status polls (waitForDeletion=false)"
        : `${polls.answered} status poll${polls.answered === 1 ? "" : "s"} answered` +
          (polls.lastStatus !== undefined ? ` (last status ${polls.lastStatus})` : "") +
          (polls.failed > 0
              ? `, ${polls.failed} failed after the client's retries (last poll failed: ${polls.lastError?.message ?? "unknown"})`
              : "");
    return (
        `${head}: delete is bounded by ${f.boundSeconds} s (${f.boundMadeOf}), and ${f.cause}. ` +
        `${polled}. ` +
        `It stays in the Pulumi state: run \`pulumi destroy\` again (ZEGO refuses a new delete while a shutdown runs, so it waits for that one).`
    );
}

/** The cut-off call's own account (ZegoAbortError: where it was, how many requests, how many throttled), if it gave one. */
function detail(error: unknown): string {
    return error instanceof Error && !(error.name === "DeadlineReached") ? ` (${error.message})` : "";
}

function zegoCode(e: unknown): number | undefined {
    const code = (e as { code?: unknown } | null)?.code;
    return typeof code === "number" ? code : undefined;
}
