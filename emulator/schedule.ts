/**
 * An instance's conversation status as a schedule of segments on the emulator clock
 * ({status, from, until}; IDLE where none applies), so a status at any time is computed, never
 * polled.
 */
import type { AgentStatus } from "../provider/schema/api";
import { AGENT_STATUSES } from "../provider/schema/api";
import { EmulatorRequestError } from "./results";
import type { ScriptStep } from "./types";

export interface Segment {
    status: AgentStatus;
    from: number;
    until: number;
}

export function statusAt(schedule: readonly Segment[], t: number): AgentStatus {
    for (const s of schedule) if (s.from <= t && t < s.until) return s.status;
    return "IDLE";
}

/** The first time at or after `t` when the schedule is IDLE (Infinity if never). */
export function idleFrom(schedule: readonly Segment[], t: number): number {
    let x = t;
    for (;;) {
        const busy = schedule.find((s) => s.from <= x && x < s.until && s.status !== "IDLE");
        if (!busy) return x;
        if (busy.until === Infinity) return Infinity;
        x = busy.until;
    }
}

/** The steps one after another from `start` (zero-length steps take no segment). */
export function segments(start: number, steps: readonly ScriptStep[]): Segment[] {
    const out: Segment[] = [];
    let from = start;
    for (const step of steps) {
        const until = from + step.seconds * 1000;
        if (until > from) out.push({ status: step.status, from, until });
        from = until;
    }
    return out;
}

/** The schedule after speaking `steps` at `now`: instead of what was scheduled, or after it (SamePriorityOption "Enqueue"). */
export function speak(schedule: readonly Segment[], now: number, steps: readonly ScriptStep[], enqueue: boolean): Segment[] {
    if (!enqueue) return segments(now, steps);
    const end = idleFrom(schedule, now);
    const start = end === Infinity ? now : end;
    return [...schedule.filter((s) => s.until > now), ...segments(start, steps)];
}

/** Control-API steps ({status, seconds}), checked: a 400 naming the first bad step. */
export function checkSteps(steps: unknown): ScriptStep[] {
    if (!Array.isArray(steps)) throw new EmulatorRequestError("steps must be a list of {status, seconds}.", 400);
    for (const [i, step] of (steps as ScriptStep[]).entries()) {
        if (!step || !(AGENT_STATUSES as readonly string[]).includes(step.status)) {
            throw new EmulatorRequestError(
                `steps[${i}].status must be one of ${AGENT_STATUSES.join(", ")}; got ${JSON.stringify(step?.status)}.`,
                400,
            );
        }
        if (typeof step.seconds !== "number" || !(step.seconds >= 0)) {
            throw new EmulatorRequestError(
                `steps[${i}].seconds must be a number of seconds (0 or more); got ${JSON.stringify(step.seconds)}.`,
                400,
            );
        }
    }
    return steps as ScriptStep[];
}
