/**
 * What a change to each argument means: update in place, replace, or state only. Pure and offline,
 * so `pulumi preview --diff` in a pull request is exact and needs no credentials.
 */
import { INSTANCE_UPDATE_WHOLE, RTC_UPDATABLE, TTS_FIXED_FIELDS } from "../schema/api";
import { CONNECTION_KEY, DELETION_KEYS, ResourceKind, userArgs } from "../schema/resources";
import type { UpdateAgentInstanceRequest } from "../schema/types";
import { containsUnknown, isUnknown } from "../schema/unknown";
import { isPlainObject } from "../schema/validate";
import { sameValue } from "./equality";
import { LifecycleDiff, pick } from "./provider";
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
        // The credentials alone (a rotated serverSecret) are state; a move to another app or endpoint is the target's replace (target.ts).
        if (key === CONNECTION_KEY) changes.push({ path: key, kind: "state" });
        else if (kind === "Agent") changes.push(...agentChange(key, a, b));
        else if (kind === "LiveDigitalHumanAgentInstance") changes.push(liveChange(key));
        else changes.push(...instanceChange(key, a, b));
    }
    return changes;
}

/**
 * The engine's diff result for a resource in state: the top-level properties to replace (those
 * `classifyChanges` says, plus those `targetMoves` reports: the target endpoint changed,
 * lifecycle/target.ts), and whether the old one must go first. `deleteBeforeReplace` is answered
 * for every change, not only for the replaces this diff asks for: the engine keeps it when a
 * `replaceOnChanges` option turns an update into a replace, and a new instance with the old one's
 * RTC identity (or a new Agent with the old one's AgentId) must never be created beside it.
 */
export function diffResult(kind: ResourceKind, olds: Props, news: Props, targetMoves: () => string[], what: string): LifecycleDiff {
    const changes = classifyChanges(kind, olds, news);
    refuseIfAny(changes, what);
    const moved = targetMoves();
    const replaces = [...new Set([...changes.filter((c) => c.kind === "replace").map((c) => topLevel(c.path)), ...moved])];
    if (changes.length === 0 && replaces.length === 0) return { changes: false };
    const diffs = [...new Set([...changes.map((c) => topLevel(c.path)), ...moved])];
    const deleteBeforeReplace =
        kind === "Agent"
            ? // A new Agent is registered under its AgentId, which the old one holds until unregistered.
              moved.length > 0 || !changes.some((c) => c.path === "agentId")
            : reusesRtcIdentity(userArgs(kind, olds), userArgs(kind, news));
    return { changes: true, replaces, deleteBeforeReplace, diffs };
}

/** A replacement must delete first when the new instance would take the old one's AgentUserId or AgentStreamId. */
function reusesRtcIdentity(before: Props, after: Props): boolean {
    const a = isPlainObject(before.rtc) ? before.rtc : {};
    const b = isPlainObject(after.rtc) ? after.rtc : {};
    // An id not known yet (preview) may turn out equal: be safe.
    return ["agentUserId", "agentStreamId"].some((k) => a[k] !== undefined && (b[k] === a[k] || isUnknown(b[k]) || isUnknown(after.rtc)));
}

/** The UpdateAgentInstance request that makes the `update` changes: whole config objects, and RTC's updatable fields. */
export function instanceUpdateRequest(agentInstanceId: string, changes: Change[], args: Props): UpdateAgentInstanceRequest {
    const request: Props = { agentInstanceId };
    for (const change of changes.filter((c) => c.kind === "update")) {
        const key = topLevel(change.path);
        request[key] = key === "rtc" ? pick(args.rtc as Props, RTC_UPDATABLE) : args[key];
    }
    return request as UpdateAgentInstanceRequest;
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
    if ((INSTANCE_UPDATE_WHOLE as readonly string[]).includes(key)) {
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
        changes.push({ path: `rtc.${field}`, kind: (RTC_UPDATABLE as readonly string[]).includes(field) ? "update" : "replace" });
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
    return path.split(/[.[]/, 1)[0] ?? path;
}
