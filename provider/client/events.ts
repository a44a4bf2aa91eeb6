/**
 * What the client reports about its own work, for logs and metrics. Events carry no secret, no
 * signature and no URL: only the action, the attempt and what happened.
 */
export type ClientEventType = "request" | "retry" | "throttled" | "response" | "clock";

export interface ClientEvent {
    /**
     * request: an attempt is about to be sent (after pacing). response: an attempt finished, with a
     * response or a network failure (`reason`). throttled: ZEGO turned an attempt away as too many
     * requests. retry: attempt `attempt` will be sent after `delayMs` (and its pacing slot, at
     * `pacedAtPerSecond` when adaptive pacing has slowed the action down). clock: a 100000004 answer's
     * Date header showed the local clock off by `clockOffsetMs`; later signatures correct for it.
     */
    readonly type: ClientEventType;
    readonly action: string;
    /** 1 for the first request of a call. */
    readonly attempt: number;
    readonly delayMs?: number;
    /** The action's adaptive rate (requests per second) a retry waits for its slot at, when below the maximum. */
    readonly pacedAtPerSecond?: number;
    /** Why an attempt failed or is retried: "HTTP 503", "ZEGO code 410000001", "ECONNRESET", "timeout". */
    readonly reason?: string;
    readonly httpStatus?: number;
    /** The ZEGO `Code` of the response. */
    readonly code?: number;
    readonly requestId?: string;
    /** Wall time of the attempt (response events). */
    readonly durationMs?: number;
    /** ZEGO's clock minus the local one (clock events). */
    readonly clockOffsetMs?: number;
}

export type ClientEventListener = (event: ClientEvent) => void;

/** Counters since the client was made. */
export interface ClientStats {
    /** Attempts sent, retries included. */
    readonly requests: number;
    /** Attempts that were re-sends. */
    readonly retries: number;
    /** Attempts ZEGO turned away as throttled. */
    readonly throttled: number;
}
