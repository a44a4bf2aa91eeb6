/**
 * A resource's `customTimeouts` (create, update, delete), which the engine sends the plugin as each
 * request's `timeout` in seconds (0: none). One bound per operation, on the lifecycle clock: its
 * `signal` aborts at the deadline (cuts off every call: safe to repeat), its `stopSending` too but
 * leaves a request in flight to its answer (a create, whose id must not be lost).
 *
 * Pulumi's dynamic provider host (the TypeScript resources) never passes the timeout on, so there
 * no operation has one (docs/installation-configuration.md says what to use instead).
 */
import { alarm, Clock } from "../client/clock";

/** What the engine says about one create, update or delete. */
export interface OperationOptions {
    /** The resource's customTimeouts for this operation, in seconds; 0 or absent: none. */
    readonly timeoutSeconds?: number;
}

export type Operation = "create" | "update" | "delete";

/** The customTimeouts in seconds, or undefined for none (0, absent, or not a positive finite number). */
export function customTimeoutSeconds(options: OperationOptions | undefined): number | undefined {
    const s = options?.timeoutSeconds;
    return typeof s === "number" && Number.isFinite(s) && s > 0 ? s : undefined;
}

export class CustomTimeoutError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "CustomTimeoutError";
    }
}

export class CustomTimeoutReached extends Error {
    constructor(operation: Operation) {
        super(`customTimeouts.${operation} was reached`);
        this.name = "CustomTimeoutReached";
    }
}

/** `1 s`, `2.5 s`. */
export function seconds(s: number): string {
    return `${Number(s.toFixed(3))} s`;
}

export interface OperationBound {
    /** Aborts at the deadline (never, without a customTimeouts). */
    readonly signal: AbortSignal;
    /** The deadline has passed (the signal aborted). */
    readonly reached: boolean;
    /** The error for `what` was cut off: which timeout, its value, how long the operation ran, and `then` (what it leaves behind). */
    error(what: string, then: string, cause?: unknown): CustomTimeoutError;
    /** Stops the deadline's timer; call when the operation ends. */
    dispose(): void;
}

/** The bound of one operation that started now, from its customTimeouts (none: a signal that never aborts). */
export function operationBound(clock: Clock, operation: Operation, options: OperationOptions | undefined): OperationBound {
    const limit = customTimeoutSeconds(options);
    const started = clock.now();
    const cut = new AbortController();
    const finished = new AbortController();
    if (limit !== undefined) {
        alarm(clock, started + limit * 1000, finished.signal).then(
            () => cut.abort(new CustomTimeoutReached(operation)),
            () => undefined, // the operation ended first
        );
    }
    return {
        signal: cut.signal,
        get reached() {
            return cut.signal.aborted;
        },
        error(what, then, cause) {
            const own = cause instanceof Error && !(cause instanceof CustomTimeoutReached) ? ` (${cause.message})` : "";
            return new CustomTimeoutError(
                `${what} was cut off by the resource's customTimeouts.${operation} of ${seconds(limit ?? 0)}, ` +
                    `${((clock.now() - started) / 1000).toFixed(1)} s after the ${operation} started${own}. ${then}`,
            );
        },
        dispose: () => finished.abort(),
    };
}

/** Runs `work` within the operation's bound, which is disposed of when it ends. */
export async function withinBound<T>(
    clock: Clock,
    operation: Operation,
    options: OperationOptions | undefined,
    work: (bound: OperationBound) => Promise<T>,
): Promise<T> {
    const bound = operationBound(clock, operation, options);
    try {
        return await work(bound);
    } finally {
        bound.dispose();
    }
}

/** What an update cut off at its bound leaves: repeating it is safe, and the state keeps the old inputs. */
export const UPDATE_AGAIN = "The state keeps its previous inputs; run `pulumi up` again.";

/**
 * A call that is safe to repeat, cut off at the operation's bound: it then fails naming the timeout,
 * `what` was cut off and `then` (what it leaves behind).
 */
export function repeatableWithinBound<T>(
    clock: Clock,
    operation: Operation,
    options: OperationOptions | undefined,
    cutOff: { what: string; then: string },
    call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
    return withinBound(clock, operation, options, async (bound) => {
        try {
            return await call(bound.signal);
        } catch (e) {
            if (bound.reached) throw bound.error(cutOff.what, cutOff.then, e);
            throw e;
        }
    });
}
