/**
 * ZEGO allows one live instance per RTC AgentUserId (a create with a taken one kicks the old
 * instance out, with no graceful shutdown) and per AgentStreamId (the later stream fails, or a
 * digital human is refused with 410001030). The provider's own diff deletes first when a
 * replacement keeps either id (diff.ts), but the engine plans some replaces without asking it
 * (`pulumi up --replace`, `replaceOnChanges`, an explicit `deleteBeforeReplace: false`) and then
 * creates first. This ledger sees those from inside the provider process, which serves one
 * deployment: `check` notes the ids of every resource that exists (its old inputs), `delete`
 * releases them, and `create` refuses an id still held, before anything is sent.
 */
import { isPlainObject } from "../schema/validate";
import type { ResourceKind } from "../schema/resources";
import type { Props } from "./provider";

const ID_FIELDS = ["agentUserId", "agentStreamId"] as const;

/**
 * The ids only one live object may hold, where known: an instance's `rtc.agentUserId` and
 * `rtc.agentStreamId`; an Agent's `agentId` (a second RegisterAgent is refused, or with
 * adoptExisting adopts the old one, which the replace's delete then unregisters).
 */
function identities(kind: ResourceKind, args: Props): string[] {
    if (kind === "Agent") return typeof args.agentId === "string" ? [`agentId ${JSON.stringify(args.agentId)}`] : [];
    const rtc = isPlainObject(args.rtc) ? args.rtc : {};
    return ID_FIELDS.filter((f) => typeof rtc[f] === "string" && rtc[f] !== "").map((f) => `rtc.${f} ${JSON.stringify(rtc[f])}`);
}

export class IdentityLedger {
    /** Identity → how many existing resources of this deployment hold it. */
    readonly #held = new Map<string, number>();
    /** Identities taken by creates of this deployment → the new instance's id. */
    readonly #created = new Map<string, string>();

    /** `check` of a resource already in state: its old inputs hold their ids until deleted. */
    noteExisting(kind: ResourceKind, oldInputs: Props): void {
        for (const id of identities(kind, oldInputs)) this.#held.set(id, (this.#held.get(id) ?? 0) + 1);
    }

    /** A delete (or a delete that found the instance gone) gives its ids back. */
    release(kind: ResourceKind, state: Props): void {
        for (const id of identities(kind, state)) {
            const n = (this.#held.get(id) ?? 0) - 1;
            if (n > 0) this.#held.set(id, n);
            else this.#held.delete(id);
        }
    }

    /** The ids of `args` that an existing instance of this deployment still holds (a create must not take them). */
    held(kind: ResourceKind, args: Props): string[] {
        return identities(kind, args).filter((id) => this.#held.has(id));
    }

    /** A create took these ids (for the delete that then finds an old instance gone). */
    noteCreated(kind: ResourceKind, args: Props, agentInstanceId: string): void {
        for (const id of identities(kind, args)) this.#created.set(id, agentInstanceId);
    }

    /** Forget everything (a test that simulates a new deployment). */
    clear(): void {
        this.#held.clear();
        this.#created.clear();
    }

    /** The instance created in this deployment that took one of `state`'s ids, if any. */
    takenBy(kind: ResourceKind, state: Props): { identity: string; agentInstanceId: string } | undefined {
        for (const identity of identities(kind, state)) {
            const agentInstanceId = this.#created.get(identity);
            if (agentInstanceId !== undefined) return { identity, agentInstanceId };
        }
        return undefined;
    }
}

/** A create refused because an object of this deployment that still exists holds its ids. Nothing was sent. */
export class HeldIdentityError extends Error {
    constructor(what: string, held: string[]) {
        super(
            `not creating ${what}: ${held.join(" and ")} ${held.length > 1 ? "are" : "is"} held by a resource of this stack that still exists. ` +
                `ZEGO allows one live instance per AgentUserId and AgentStreamId and one Agent per agentId: creating this one first would kick the old ` +
                `instance out mid-sentence, without its graceful shutdown, fail its stream, or (an Agent with adoptExisting) adopt the old agent, which the ` +
                `replacement's delete then unregisters. This is a replacement that creates before it deletes, as \`pulumi up --replace\` or a ` +
                `replaceOnChanges option plan it for a resource whose deleteBeforeReplace option is off, or two resources with the same ids. ` +
                `Set the resource option deleteBeforeReplace: true (YAML: options: deleteBeforeReplace: true), or give the new one other ids. Nothing was created.`,
        );
        this.name = "HeldIdentityError";
    }
}
