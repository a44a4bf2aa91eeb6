/**
 * One timer for the next deadline on the emulator clock, so instances are settled when it passes
 * (deleteMode "wait" and the log) and not only when something looks. With an injected clock it
 * polls every 100 ms while a deadline is pending, since setTimeout does not follow that clock.
 */
const POLL_MS = 100;
const MAX_TIMER_MS = 2 ** 31 - 1;

export class WakeTimer {
    private timer?: ReturnType<typeof setTimeout>;
    private wakeAt = Infinity;

    constructor(private readonly onWake: () => void) {}

    /** Wake at `next` (emulator ms; Infinity: never), `now` being the emulator clock. */
    arm(next: number, now: number, poll: boolean): void {
        if (next === this.wakeAt && this.timer && !poll) return;
        this.clear();
        if (next === Infinity) return;
        let delay = Math.max(0, next - now);
        if (poll) delay = Math.min(delay, POLL_MS);
        this.wakeAt = next;
        const timer = setTimeout(
            () => {
                this.timer = undefined;
                this.wakeAt = Infinity;
                this.onWake();
            },
            Math.min(delay, MAX_TIMER_MS),
        );
        (timer as { unref?: () => void }).unref?.();
        this.timer = timer;
    }

    clear(): void {
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        this.wakeAt = Infinity;
    }
}
