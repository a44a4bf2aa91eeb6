/**
 * What a change to each argument means: update in place, replace, or state only. Pure and offline,
 * so `pulumi preview --diff` in a pull request is exact and needs no credentials.
 */
import { TTS_FIXED_FIELDS } from "../schema/api";
import { DELETION_KEYS, ResourceKind, userArgs } from "../schema/resources";
import { containsUnknown, isUnknown } from "../schema/unknown";
import { isPlainObject } from "../schema/validate";
import { sameValue } from "./equality";
import { Props } from "./state";

/** `refuse`: a change ZEGO cannot make and that no replacement would make safely (diff fails, naming what to do). */
export type ChangeKind = "update" | "replace" | "state" | "refuse";

export interface Change {
    /** Property path, e.g. `llm`, `rtc.roomId`, `tts.vendor`. */
    readonly path: string;
    readonly kind: ChangeKind;
    /** Why, for `refuse`. */
    readonly reason?: string;
}

/** The instance arguments UpdateAgentInstance can change (whole objects, except RTC.UserStreamId). */
export const UPDATABLE_CONFIG = ["llm", "tts", "asr"] as const;

/** Every difference between the arguments in state and the new ones, classified. */
export function classifyChanges(kind: ResourceKind, olds: Props, news: Props): Change[] {
    const before = userArgs(kind, olds);
    const after = userArgs(kind, news);
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    const changes: Change[] = [];
    for (const key of keys) {
        const a = before[key];
        const b = after[key];
        if (!containsUnknown(b) && sameValue(a, b)) continue;
        if (kind === "Agent") changes.push(...agentChange(key, a, b));
        else if (kind === "LiveDigitalHumanAgentInstance") changes.push(liveChange(key));
        else changes.push(...instanceChange(key, a, b));
    }
    return changes;
}

/** Throw the reasons of refused changes, if any (diff and update call it, so preview fails as up would). */
export function refuseIfAny(changes: Change[], what: string): void {
    const refused = changes.filter((c) => c.kind === "refuse");
    if (refused.length > 0) throw new Error(`${what}: ${refused.map((c) => c.reason).join(" ")}`);
}

function agentChange(key: string, before: unknown, after: unknown): Change[] {
    if (key === "agentId") return [{ path: key, kind: "replace" }];
    if (key === "adoptExisting") return [{ path: key, kind: "state" }];
    if (absent(after) && !absent(before)) {
        // UpdateAgent keeps an omitted Name/LLM/TTS/ASR, so "removing" one would never converge; a replacement
        // (unregister, then register under the same AgentId) would take the agent away from its running instances.
        return [
            {
                path: key,
                kind: "refuse",
                reason:
                    `${key} cannot be removed from a registered Agent: ZEGO's UpdateAgent keeps the ${key} it has when none is sent. ` +
                    `Keep ${key} declared (change its value instead), or give the Agent a new agentId to register it anew without ${key}.`,
            },
        ];
    }
    return [{ path: key, kind: "update" }];
}

function absent(value: unknown): boolean {
    return value === undefined || value === null;
}

/** A live digital human refuses UpdateAgentInstance (410001049, return-codes.mdx): every API change replaces. */
function liveChange(key: string): Change {
    return { path: key, kind: (DELETION_KEYS as string[]).includes(key) ? "state" : "replace" };
}

function instanceChange(key: string, before: unknown, after: unknown): Change[] {
    if ((DELETION_KEYS as string[]).includes(key)) return [{ path: key, kind: "state" }];
    if (key === "rtc") return rtcChanges(before, after);
    if ((UPDATABLE_CONFIG as readonly string[]).includes(key)) {
        // UpdateAgentInstance can replace the object but cannot remove it (back to the agent's own config),
        // and a value still unknown at preview may turn out to be such a removal: preview the worse case.
        if (absent(after) || isUnknown(after)) return [{ path: key, kind: "replace" }];
        if (key === "tts") return ttsChanges(before, after);
        return [{ path: key, kind: "update" }];
    }
    // agentId, userId, vad, messageHistory, callbackConfig, advancedConfig, digitalHuman: fixed at creation.
    return [{ path: key, kind: "replace" }];
}

function rtcChanges(before: unknown, after: unknown): Change[] {
    if (!isPlainObject(before) || !isPlainObject(after)) return [{ path: "rtc", kind: "replace" }];
    const changes: Change[] = [];
    for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
        if (!containsUnknown(after[field]) && sameValue(before[field], after[field])) continue;
        changes.push({ path: `rtc.${field}`, kind: field === "userStreamId" ? "update" : "replace" });
    }
    return changes;
}

function ttsChanges(before: unknown, after: unknown): Change[] {
    // No TTS of its own (it used the agent's): TTS.Vendor would be set, which UpdateAgentInstance cannot do
    // (guides/configuring-tts.mdx: "This parameter cannot be updated when updating the agent instance").
    if (!isPlainObject(before) || !isPlainObject(after)) return [{ path: "tts.vendor", kind: "replace" }];
    const fixed = (TTS_FIXED_FIELDS as readonly string[]).filter(
        (field) => containsUnknown(after[field]) || !sameValue(before[field], after[field]),
    );
    if (fixed.length > 0) return fixed.map((field) => ({ path: `tts.${field}`, kind: "replace" as const }));
    return [{ path: "tts", kind: "update" }];
}

/** Top-level property names for the engine (it reports replacements per top-level property). */
export function topLevel(path: string): string {
    return path.split(/[.[]/)[0];
}
