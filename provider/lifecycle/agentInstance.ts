/**
 * Lifecycle of AgentInstance, DigitalHumanAgentInstance and LiveDigitalHumanAgentInstance: check, diff, create, read, update,
 * delete. Delete itself is in `deletion.ts`.
 */
import { Code } from "../client/codes";
import { CREATE_DIGITAL_HUMAN_AGENT_INSTANCE, CREATE_LIVE_DIGITAL_HUMAN_AGENT_INSTANCE } from "../schema/api";
import { checkArgs, failuresForEngine, PROVIDER_PROPERTY, ResourceKind, userArgs } from "../schema/resources";
import type {
    CreateAgentInstanceRequest,
    CreateDigitalHumanAgentInstanceRequest,
    CreateLiveDigitalHumanAgentInstanceRequest,
} from "../schema/types";
import { joinSecrets, SECRETS_PROPERTY, withCredentialsSecret } from "../schema/secrets";
import { LifecycleContext } from "./context";
import { instanceDeletion, ownDeletionSettings } from "./deletion";
import { classifyChanges, diffResult, instanceUpdateRequest } from "./diff";
import { LifecycleProvider, PartialCreateError, pick, Props, withoutPlumbing } from "./provider";
import { inputsFromState, migrate, previewOutputs, STATE_VERSION } from "./state";
import { targetReplaces } from "./target";
import { OperationBound, repeatableWithinBound, UPDATE_AGAIN, withinBound } from "./timeouts";
import { ZegoAbortError } from "../client/errors";

type InstanceKind = Extract<ResourceKind, "AgentInstance" | "DigitalHumanAgentInstance" | "LiveDigitalHumanAgentInstance">;

/** What goes to ZEGO: the create body's fields (the rest are provider-only settings). */
const API_FIELDS = [
    ...new Set([
        ...Object.keys(CREATE_DIGITAL_HUMAN_AGENT_INSTANCE.fields),
        ...Object.keys(CREATE_LIVE_DIGITAL_HUMAN_AGENT_INSTANCE.fields),
    ]),
];

const LABELS: Record<InstanceKind, string> = {
    AgentInstance: "agent instance",
    DigitalHumanAgentInstance: "digital-human agent instance",
    LiveDigitalHumanAgentInstance: "live digital-human agent instance",
};

/**
 * The instance's status, or UNKNOWN when ZEGO refuses to give a live digital human's: the docs say
 * only that live digital humans "do not support interface-based control" (return-codes.mdx,
 * 410001049), not that QueryAgentInstanceStatus is exempt, so the provider works either way.
 */
async function statusOf(kind: InstanceKind, query: () => Promise<{ status: string }>): Promise<string> {
    try {
        return (await query()).status;
    } catch (e) {
        if (kind === "LiveDigitalHumanAgentInstance" && (e as { code?: unknown }).code === Code.LiveDigitalHumanControlled)
            return "UNKNOWN";
        throw e;
    }
}

/**
 * A digital human's AgentStreamId in use (410001030) after a clean preview: most often the old
 * instance of a resource renamed or moved without aliases, which Pulumi deletes only after it
 * creates the new one. Say so, and the fix.
 */
async function streamInUseAdvice<T>(create: () => Promise<T>): Promise<T> {
    try {
        return await create();
    } catch (e) {
        if ((e as { code?: unknown }).code === Code.DigitalHumanStreamInUse)
            (e as Error).message +=
                `. If an instance of this stack publishes that stream — a resource renamed or moved to another parent without \`aliases\` ` +
                `(Pulumi creates the new URN before it deletes the old one), or replaced with the deleteBeforeReplace option off — ` +
                `give the resource \`aliases\` with its old name, or leave deleteBeforeReplace on; otherwise another instance outside this stack publishes it`;
        throw e;
    }
}

export function agentInstanceProvider(kind: InstanceKind, context: LifecycleContext): LifecycleProvider {
    const label = LABELS[kind];
    const { settings, clients, clock, identities } = context;

    /**
     * Create, within the customTimeouts.create bound: the create request is stopped before it is sent
     * (nothing was created), never cut off in flight (its id would be lost and the instance leak);
     * answered past the bound, or with the status query cut off, it is kept in state for destroy.
     */
    async function create(inputs: Props, bound: OperationBound): Promise<{ id: string; outs: Props }> {
        const args = userArgs(kind, inputs);
        const client = clients.forNew(args);
        // Everything that can fail is worked out before the create: after it, only a PartialCreateError may be thrown.
        const deletion = settings.deletionSettingsWithoutEnv(ownDeletionSettings(args));
        const body = pick(args, API_FIELDS);
        const sending = { stopSending: bound.signal };
        let created: { agentInstanceId: string; digitalHumanConfig?: string };
        try {
            created = await streamInUseAdvice(() =>
                kind === "AgentInstance"
                    ? client.createAgentInstance(body as unknown as CreateAgentInstanceRequest, sending)
                    : kind === "DigitalHumanAgentInstance"
                      ? client.createDigitalHumanAgentInstance(body as unknown as CreateDigitalHumanAgentInstanceRequest, sending)
                      : client.createLiveDigitalHumanAgentInstance(body as unknown as CreateLiveDigitalHumanAgentInstanceRequest, sending),
            );
        } catch (e) {
            if (bound.reached && e instanceof ZegoAbortError && !e.ambiguous)
                throw bound.error(`the create of the ${label} (${e.message})`, "Nothing was created; run `pulumi up` again.");
            throw e;
        }
        const id = created.agentInstanceId;
        identities.noteCreated(args, id);
        const outs: Props = {
            ...withoutPlumbing(inputs),
            agentInstanceId: id,
            status: "UNKNOWN",
            appId: client.appId,
            endpoint: client.endpoint,
            deletion,
            stateVersion: STATE_VERSION,
            ...(created.digitalHumanConfig !== undefined ? { digitalHumanConfig: created.digitalHumanConfig } : {}),
        };
        const kept = (e: Error) => new PartialCreateError(id, { ...outs, [PROVIDER_PROPERTY]: inputs[PROVIDER_PROPERTY] }, e);
        const keptThen = "A later `pulumi up` settles it.";
        if (bound.reached)
            throw kept(bound.error(`the create of ${label} ${id} (ZEGO answered the create request after the bound)`, keptThen));
        try {
            outs.status = await statusOf(kind, () => client.queryAgentInstanceStatus(id, { signal: bound.signal }));
        } catch (e) {
            throw kept(bound.reached ? bound.error(`the status query after the create of ${label} ${id}`, keptThen, e) : (e as Error));
        }
        // No "created" line: the engine shows each create itself, and every provider line is a
        // diagnostic event it handles (BENCHMARKS.md, Scale).
        return { id, outs };
    }

    return {
        async check(_olds, news) {
            settings.validate();
            const failures = failuresForEngine(checkArgs(kind, userArgs(kind, news)), news);
            return { inputs: news, failures };
        },

        async diff(id, olds, news) {
            const state = migrate(olds);
            // A change of endpoint moves the instance: it must be created anew there.
            return diffResult(kind, state, news, () => targetReplaces(settings, state, news, `${label} ${id}`), `${label} ${id}`);
        },

        preview: (news, olds) => previewOutputs(kind, news, olds),

        async create(inputs, options) {
            return withinBound(clock, "create", options, (bound) => create(inputs, bound));
        },

        async read(id, props) {
            const state = migrate(props);
            let status: string;
            try {
                // UNKNOWN (status queries refused): kept, as nothing says it is gone.
                status = await clients.onExisting(state, `${label} ${id}`, (client) =>
                    statusOf(kind, () => client.queryAgentInstanceStatus(id)),
                );
            } catch (e) {
                const code = (e as { code?: unknown }).code;
                // Gone: auto-deleted after MaxIdleTime, or deleted elsewhere. An empty result drops it from state.
                if (code === Code.InstanceNotFound) return {};
                if (code !== Code.ShuttingDown) throw e;
                status = "SHUTTING_DOWN";
            }
            // State of 0.1.0 kept credentials in a top-level `secrets`: put them back in place, marked
            // secret, so the refreshed state has today's shape and no diff ever shows that property.
            const current =
                state[SECRETS_PROPERTY] === undefined
                    ? state
                    : (withCredentialsSecret(joinSecrets(state, state[SECRETS_PROPERTY])) as Props);
            const outs = { ...current, status };
            return { id, props: outs, inputs: inputsFromState(kind, outs) };
        },

        /** ZEGO returns only an instance's status, not the configuration it was created with. */
        async import(id) {
            throw new Error(
                `zego:index:${kind} cannot be imported: ZEGO returns only an instance's status (QueryAgentInstanceStatus), not the LLM, TTS, ASR and RTC settings it was created with, so Pulumi could not know its inputs. Create the instance with Pulumi instead (instances are short-lived), or delete ${id} and let Pulumi create it.`,
            );
        },

        async update(id, olds, news, options) {
            const state = migrate(olds);
            const args = userArgs(kind, news);
            const changes = classifyChanges(kind, state, news);
            const deletion = settings.deletionSettingsWithoutEnv(ownDeletionSettings(args));
            const request = instanceUpdateRequest(id, changes, args);
            const apiChange = changes.some((c) => c.kind === "update");
            let status = state.status;
            // "UNKNOWN": the create's status query failed (a partial create); this update, which the engine
            // runs for such a resource, settles it.
            if (apiChange || status === "UNKNOWN") {
                const cutOff = { what: `the update of ${label} ${id}`, then: UPDATE_AGAIN };
                status = await repeatableWithinBound(clock, "update", options, cutOff, (signal) =>
                    // The new connection: a rotated serverSecret is the one that works now (a move would have been a replace).
                    clients.onExisting({ ...state, connection: args.connection }, `${label} ${id}`, async (client) => {
                        if (apiChange) await client.updateAgentInstance(request, { signal });
                        return statusOf(kind, () => client.queryAgentInstanceStatus(id, { signal }));
                    }),
                );
            }
            const outs: Props = {
                ...withoutPlumbing(news),
                agentInstanceId: id,
                status,
                appId: state.appId,
                endpoint: state.endpoint,
                deletion,
                stateVersion: STATE_VERSION,
                ...(state.digitalHumanConfig !== undefined ? { digitalHumanConfig: state.digitalHumanConfig } : {}),
            };
            return { outs };
        },

        delete: instanceDeletion(kind, label, context),
    };
}
