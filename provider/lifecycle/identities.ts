/**
 * ZEGO allows one live instance per RTC AgentUserId: a create with a taken one kicks the old
 * instance out, with no graceful shutdown. The provider's diff deletes first when a replacement
 * keeps the ids (diff.ts), and the resource classes default the deleteBeforeReplace option to true
 * (resources/inputs.ts), but some creates still come first: a resource renamed or moved without
 * aliases (a new URN), or replaced with deleteBeforeReplace off. The provider cannot see those
 * coming (the engine checks a new URN, and a `--replace`, without old inputs), and refusing creates
 * on what it saw in earlier checks wedged stacks whose delete-first replace had failed halfway. So
 * it only explains afterwards: creates note the ids they took, and a delete in the same deployment
 * that finds its instance already gone names the create that took its place.
 */
import { isPlainObject } from "../schema/validate";
import type { Props } from "./provider";

/** An instance's `rtc.agentUserId`, where known (a reused AgentStreamId fails a stream, it does not end an instance). */
function identities(args: Props): string[] {
    const user = isPlainObject(args.rtc) ? args.rtc.agentUserId : undefined;
    return typeof user === "string" && user !== "" ? [`rtc.agentUserId ${JSON.stringify(user)}`] : [];
}

export class IdentityLedger {
    /** Identities taken by creates of this deployment → the new instance's id. */
    readonly #created = new Map<string, string>();

    /** A create took these ids. */
    noteCreated(args: Props, agentInstanceId: string): void {
        for (const id of identities(args)) this.#created.set(id, agentInstanceId);
    }

    /** The instance created in this deployment that took one of `state`'s ids, if any. */
    takenBy(state: Props): { identity: string; agentInstanceId: string } | undefined {
        for (const identity of identities(state)) {
            const agentInstanceId = this.#created.get(identity);
            if (agentInstanceId !== undefined) return { identity, agentInstanceId };
        }
        return undefined;
    }

    /** Forget everything (a test that simulates a new deployment). */
    clear(): void {
        this.#created.clear();
    }
}
