/**
 * Rate limiting per action in fixed one-second windows of the emulator clock (the docs: "10
 * times/second" per interface; the scope is not documented, we limit each action separately).
 * Fixed windows keep it deterministic under an injected clock.
 *
 * Per app, shared by every client, as ZEGO's limit is: an emulator serves one app (the gateway
 * refuses any other AppId before the limiter is asked) and holds one limiter, which counts every
 * request of every connection and process alike (tests/integration/emulator/rateLimit.test.ts).
 * Throttled requests are not counted: they did not run.
 */
export class FixedWindowRateLimiter {
    private readonly windows = new Map<string, { window: number; count: number }>();

    /** Counts the request and says whether it may pass. `limit` 0 (or less) means no limit. */
    take(key: string, nowMs: number, limit: number): boolean {
        if (!(limit > 0)) return true;
        const window = Math.floor(nowMs / 1000);
        let slot = this.windows.get(key);
        if (!slot || slot.window !== window) this.windows.set(key, (slot = { window, count: 0 }));
        if (slot.count >= limit) return false;
        slot.count++;
        return true;
    }

    clear(): void {
        this.windows.clear();
    }
}
