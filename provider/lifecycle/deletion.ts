/**
 * What happens on `pulumi destroy` (and on replacement) of an agent instance:
 * DeleteAgentInstance with the effective graceful-shutdown settings, then, with waitForDeletion,
 * poll until the instance is gone, bounded by the graceful timeout plus a margin. Idempotent and
 * resumable: an instance that is already gone is a success, and one already shutting down (for
 * instance after an interrupted destroy) is waited for.
 */
import { Code } from "../client/codes";
import { DeletionSettings, MAX_GRACEFUL_SHUTDOWN_SECONDS } from "./settings";
import type { LifecycleContext } from "./context";

/** The client calls delete needs (a ZegoClient satisfies it). */
export interface DeletionClient {
    deleteAgentInstance(req: { agentInstanceId: string; gracefulShutdown?: boolean; gracefulShutdownTimeout?: number }): Promise<unknown>;
    queryAgentInstanceStatus(agentInstanceId: string): Promise<{ status: string }>;
}

/** The lifecycle context's clock (polls wait on it) and logger (progress lines). */
export interface DeletionOptions extends Pick<LifecycleContext, "clock" | "log"> {
    settings: DeletionSettings;
    /** Seconds to keep waiting after the graceful timeout. */
    marginSeconds: number;
    /** Milliseconds between status polls. */
    pollIntervalMs?: number;
    /** Milliseconds between progress lines. */
    progressIntervalMs?: number;
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
    /** A graceful shutdown started earlier (an interrupted destroy) runs with the timeout sent then, not today's. */
    let resumed = false;

    log(
        graceful
            ? `deleting agent instance ${agentInstanceId} gracefully: GracefulShutdown=true, GracefulShutdownTimeout=${timeout} s`
            : `deleting agent instance ${agentInstanceId} now (GracefulShutdown=false)`,
    );
    try {
        await client.deleteAgentInstance(
            graceful
                ? { agentInstanceId, gracefulShutdown: true, gracefulShutdownTimeout: timeout }
                : { agentInstanceId, gracefulShutdown: false },
        );
    } catch (e) {
        const code = zegoCode(e);
        if (code === Code.InstanceNotFound) {
            log(`agent instance ${agentInstanceId} is already gone (ZEGO ${Code.InstanceNotFound}); nothing to delete`);
            return { outcome: "already-gone", waitedMs: now() - started };
        }
        if (code !== Code.ShuttingDown) throw e;
        resumed = true;
    }
    if (!settings.waitForDeletion) {
        log(`delete of agent instance ${agentInstanceId} requested; not waiting (waitForDeletion=false)`);
        return { outcome: "requested", waitedMs: now() - started };
    }

    // A resumed shutdown may have been sent with any timeout up to ZEGO's maximum: wait for that.
    const graceSeconds = resumed ? Math.max(MAX_GRACEFUL_SHUTDOWN_SECONDS, graceful ? timeout : 0) : graceful ? timeout : 0;
    const budgetSeconds = graceSeconds + options.marginSeconds;
    if (resumed) {
        log(
            `agent instance ${agentInstanceId} is already shutting down (ZEGO ${Code.ShuttingDown}); waiting for it up to ${budgetSeconds} s ` +
                `(an earlier delete started it with a timeout of up to ${MAX_GRACEFUL_SHUTDOWN_SECONDS} s, ZEGO's maximum, whatever today's settings; plus the margin of ${options.marginSeconds} s)`,
        );
    }
    const deadline = started + budgetSeconds * 1000;
    const pollInterval = options.pollIntervalMs ?? 500;
    const progressInterval = options.progressIntervalMs ?? 5000;
    let lastProgress = started;
    let lastStatus: string | undefined;
    let announced = resumed;
    /** The last failed poll (after the client's own retries): the wait goes on while budget is left. */
    let pollError: Error | undefined;
    for (;;) {
        try {
            lastStatus = (await client.queryAgentInstanceStatus(agentInstanceId)).status;
            pollError = undefined;
        } catch (e) {
            const code = zegoCode(e);
            if (code === Code.InstanceNotFound) {
                const waitedMs = now() - started;
                log(`agent instance ${agentInstanceId} is gone after ${(waitedMs / 1000).toFixed(1)} s`);
                return { outcome: "deleted", waitedMs, lastStatus };
            }
            if (code === Code.ShuttingDown) lastStatus = "SHUTTING_DOWN";
            else {
                if (pollError === undefined)
                    log(`status poll of agent instance ${agentInstanceId} failed (${(e as Error).message}); still waiting`);
                pollError = e as Error;
            }
        }
        const t = now();
        if (!announced && graceful) {
            announced = true;
            log(`waiting up to ${timeout} s for agent instance ${agentInstanceId} to finish speaking (status ${lastStatus})`);
        }
        if (t >= deadline) {
            throw new DeletionTimeoutError(
                `agent instance ${agentInstanceId} still exists ${((t - started) / 1000).toFixed(1)} s after DeleteAgentInstance ` +
                    `(last status ${lastStatus ?? "unknown"}${pollError ? `, last poll failed: ${pollError.message}` : ""}; ` +
                    `waited ${resumed ? "ZEGO's maximum graceful timeout" : "the graceful timeout"} of ${graceSeconds} s plus a margin of ${options.marginSeconds} s). ` +
                    `It stays in the Pulumi state: run \`pulumi destroy\` again (ZEGO refuses a new delete while a shutdown runs, so it waits for that one).`,
            );
        }
        if (t - lastProgress >= progressInterval) {
            lastProgress = t;
            log(
                `still waiting for agent instance ${agentInstanceId} (status ${lastStatus}, ${((t - started) / 1000).toFixed(0)} s of up to ${budgetSeconds} s)`,
            );
        }
        await clock.sleep(Math.min(pollInterval, Math.max(0, deadline - t)));
    }
}

function zegoCode(e: unknown): number | undefined {
    const code = (e as { code?: unknown } | null)?.code;
    return typeof code === "number" ? code : undefined;
}
