/**
 * 19-digit numeric IDs like ZEGO's ("1912122918452641792"): snowflake-style, the emulator clock's
 * milliseconds since 2010-11-04 shifted left by 22 bits, strictly increasing. Deterministic for a
 * given clock; never reused by one generator, even across reset() or a clock that goes back.
 */
const EPOCH_MS = 1288834974657;
const MIN = 10n ** 18n;
const MAX = 10n ** 19n - 1n;

export class IdGenerator {
    private last = 0n;

    next(nowMs: number): string {
        let id = BigInt(Math.max(0, Math.floor(nowMs) - EPOCH_MS)) << 22n;
        if (id < MIN) id += MIN;
        if (id > MAX) id = MAX;
        if (id <= this.last) id = this.last + 1n;
        this.last = id;
        return id.toString();
    }
}
