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
    /** A speech turn (SendAgentInstanceLLM/TTS): its Priority (PRIORITY_RANK) and which turn it belongs to. */
    priority?: number;
    turn?: number;
}

/** Priority of SendAgentInstanceLLM/TTS, default Medium (send-agent-instance-*.yaml); a busy status set by the control API ranks as Medium. */
export const PRIORITY_RANK: Readonly<Record<string, number>> = { Low: 0, Medium: 1, High: 2 };
/** "Enqueue: Queue up to wait, the maximum number of queues is 5" (guides/proactive-invocation-of-llm-and-tts.mdx, the YAMLs). */
export const MAX_QUEUED_TURNS = 5;

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

/**
 * A speech turn at `now` with Priority rank `priority`: a higher priority than what is playing, or
 * the same with ClearAndInterrupt, clears and plays now; the same with Enqueue, or a lower one,
 * waits after what is scheduled, at most MAX_QUEUED_TURNS waiting ("full" beyond).
 */
export function speakTurn(
    schedule: readonly Segment[],
    now: number,
    steps: readonly ScriptStep[],
    turn: { priority: number; enqueue: boolean; id: number },
): Segment[] | "full" {
    const mark = (segs: Segment[]) => segs.map((s) => ({ ...s, priority: turn.priority, turn: turn.id }));
    const playing = schedule.find((s) => s.from <= now && now < s.until && s.status !== "IDLE");
    const rank = playing?.priority ?? PRIORITY_RANK.Medium!;
    if (!playing || turn.priority > rank || (turn.priority === rank && !turn.enqueue)) return mark(segments(now, steps));
    const waiting = new Set(schedule.filter((s) => s.from > now && s.turn !== undefined).map((s) => s.turn)).size;
    if (waiting >= MAX_QUEUED_TURNS) return "full";
    const end = idleFrom(schedule, now);
    return [...schedule.filter((s) => s.until > now), ...mark(segments(end === Infinity ? now : end, steps))];
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
