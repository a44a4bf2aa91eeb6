/**
 * The retry budget, as the AWS SDK's standard retry mode keeps it: a token bucket per client.
 * A retry after a failure costs `retryCost` tokens (`timeoutCost` after a timeout); a success
 * gives back the cost of the retry that led to it, or 1 token for a first-attempt success. When
 * the bucket cannot pay, the call fails instead of retrying, so during a real outage a client
 * sends little more than one request per call instead of six.
 *
 * Throttled answers are free: they mean "later", not "down", and the adaptive pacing
 * (adaptive.ts) handles them. So are re-sends after a clock correction (retry.ts).
 */
export interface RetryBudgetOptions {
    /** Tokens when full. Default 500 (AWS: 500). */
    readonly capacity: number;
    /** Default 5 (AWS: 5). */
    readonly retryCost: number;
    /** Default 10 (AWS: 10). */
    readonly timeoutCost: number;
}

export const DEFAULT_RETRY_BUDGET: RetryBudgetOptions = { capacity: 500, retryCost: 5, timeoutCost: 10 };

export class RetryBudget {
    #tokens: number;

    constructor(readonly options: RetryBudgetOptions) {
        this.#tokens = options.capacity;
    }

    get tokens(): number {
        return this.#tokens;
    }

    /** Takes the cost of one retry; returns what it took, or undefined (nothing taken) when the budget cannot pay. */
    withdraw(timeout: boolean): number | undefined {
        const cost = timeout ? this.options.timeoutCost : this.options.retryCost;
        if (cost > this.#tokens) return undefined;
        this.#tokens -= cost;
        return cost;
    }

    /** A call succeeded; `paid` is what its retries took (0: first-attempt success). */
    refund(paid: number): void {
        this.#tokens = Math.min(this.options.capacity, this.#tokens + (paid > 0 ? paid : 1));
    }
}
