/**
 * Lifecycle of Agent, a registered agent configuration (RegisterAgent / UpdateAgent /
 * UnregisterAgent, read with QueryAgents). `adoptExisting` takes over an AgentId that is already
 * registered (410001008) instead of failing: it is updated to the declared config and managed
 * from then on (destroy unregisters it; use the `retainOnDelete` resource option to keep it).
 *
 * A name, llm, tts or asr the program does not declare is not managed: UpdateAgent keeps what it is
 * not sent, so one that ZEGO holds (found on adoption, or added in the console and found by refresh)
 * is recorded by name in `keptFields` and left out of the inputs refresh reports, so that preview
 * compares only what the program declares.
 */
import { Code } from "../client/codes";
import { AGENT } from "../schema/api";
import { AGENT_CONFIG_FIELDS, AgentConfigField, checkArgs, failuresForEngine, PROVIDER_PROPERTY, userArgs } from "../schema/resources";
import { SECRETS_PROPERTY, withCredentialsSecret } from "../schema/secrets";
import type { AgentConfig } from "../schema/types";
import { LifecycleContext } from "./context";
import { classifyChanges, diffResult, refuseIfAny } from "./diff";
import { LifecycleProvider, PartialCreateError, pick, Props, withoutPlumbing } from "./provider";
import { inputsFromState, migrate, previewOutputs, STATE_VERSION } from "./state";
import { targetReplaces } from "./target";
import { OperationBound, repeatableWithinBound, UPDATE_AGAIN, withinBound } from "./timeouts";

const API_FIELDS = Object.keys(AGENT.fields);

function agentConfig(args: Props): AgentConfig {
    return pick(args, API_FIELDS) as unknown as AgentConfig;
}

/** Whether ZEGO holds a value for a config field (an empty name or object is none). */
function holds(value: unknown): boolean {
    if (value === undefined || value === null || value === "") return false;
    return !(typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0);
}

/** The fields in state recorded as kept (none in state written before keptFields existed). */
function keptOf(state: Props): AgentConfigField[] {
    return Array.isArray(state.keptFields) ? (state.keptFields as AgentConfigField[]) : [];
}

/** The config fields ZEGO holds that `declares` says the program does not declare. */
function keptFields(found: AgentConfig | undefined, declares: (field: AgentConfigField) => boolean): AgentConfigField[] {
    return AGENT_CONFIG_FIELDS.filter((field) => !declares(field) && holds(found?.[field]));
}

/** "asr", "tts and asr", "name, tts and asr". */
function listed(fields: readonly string[]): string {
    return fields.length <= 1 ? fields.join("") : `${fields.slice(0, -1).join(", ")} and ${fields.at(-1)}`;
}

/** What adoption says it kept, and how to manage it instead. */
function keptMessage(agentId: string, kept: readonly string[]): string {
    const one = kept.length === 1;
    return (
        `agent ${agentId}: kept ${listed(kept)}, which the program does not declare: ZEGO's UpdateAgent keeps what is not sent, ` +
        `so ${one ? "it stays" : "they stay"} as registered and unmanaged (output keptFields). ` +
        `Declare ${one ? `${kept[0]} to manage it` : "them to manage them"}.`
    );
}

/**
 * What refresh reports of a registered agent: the declared fields as ZEGO holds them now
 * (credentials marked secret), and the other fields ZEGO holds as `keptFields`, by name only.
 */
function refreshed(id: string, state: Props, found: AgentConfig, declares: (field: AgentConfigField) => boolean) {
    const outs: Props = { ...state, keptFields: keptFields(found, declares) };
    delete outs[SECRETS_PROPERTY];
    // The engine keeps the secret marks of the old state too.
    const live = withCredentialsSecret({ name: found.name, llm: found.llm, tts: found.tts, asr: found.asr }) as Props;
    for (const field of AGENT_CONFIG_FIELDS) {
        if (declares(field) && live[field] !== undefined) outs[field] = live[field];
        else delete outs[field];
    }
    return { id, props: outs, inputs: inputsFromState("Agent", outs) };
}

/** Declared: a field in state (the outputs echo the declared inputs) not recorded as kept. */
function declaredIn(state: Props): (field: AgentConfigField) => boolean {
    const kept = keptOf(state);
    return (field) => state[field] !== undefined && state[field] !== null && !kept.includes(field);
}

export function agentProvider(context: LifecycleContext): LifecycleProvider {
    const { settings, clients, log, clock } = context;
    /**
     * Register (or, with adoptExisting, take over) within customTimeouts.create: RegisterAgent is
     * stopped before it is sent, never cut off in flight; answered after the bound, the agent is kept
     * in state (PartialCreateError) so destroy unregisters it. Taking over is cut off at the bound.
     */
    async function create(inputs: Props, bound: OperationBound): Promise<{ id: string; outs: Props }> {
        const args = userArgs("Agent", inputs);
        const client = clients.forNew(args);
        const config = agentConfig(args);
        let adopted = false;
        let kept: AgentConfigField[] = [];
        const outs = (): Props => ({
            ...withoutPlumbing(inputs),
            appId: client.appId,
            endpoint: client.endpoint,
            adopted,
            keptFields: kept,
            stateVersion: STATE_VERSION,
        });
        const what = `the create of agent ${config.agentId}`;
        try {
            await client.registerAgent(config, { stopSending: bound.signal });
        } catch (e) {
            if (bound.reached) throw bound.error(what, "This create registered nothing; run `pulumi up` again.", e);
            if ((e as { code?: unknown }).code !== Code.AgentAlreadyExists) throw e;
            if (args.adoptExisting !== true) {
                throw new Error(
                    `agent ${JSON.stringify(config.agentId)} is already registered with this ZEGO app (410001008). ` +
                        `Set adoptExisting: true to take it over (it is then updated to this configuration), or choose another agentId.`,
                );
            }
            const call = { signal: bound.signal };
            try {
                // Asked before the update, so a failed query changes nothing: what the update will not send stays.
                const found = (await client.queryAgents([config.agentId], call)).find((a) => a.agentId === config.agentId);
                // What the update sends: `pick` leaves out null as well as undefined (declaredIn's rule).
                kept = keptFields(found, (field) => config[field] !== undefined && config[field] !== null);
                await client.updateAgent(config, call);
            } catch (e) {
                if (bound.reached) throw bound.error(`${what} (taking over the existing agent)`, "Run `pulumi up` again.", e);
                throw e;
            }
            adopted = true;
            log(`adopted existing agent ${config.agentId} and updated it to the declared configuration`);
            if (kept.length > 0) log(keptMessage(config.agentId, kept));
        }
        if (bound.reached) {
            const cause = bound.error(`${what} (ZEGO answered RegisterAgent after the bound)`, "A later `pulumi up` settles it.");
            throw new PartialCreateError(config.agentId, { ...outs(), [PROVIDER_PROPERTY]: inputs[PROVIDER_PROPERTY] }, cause);
        }
        return { id: config.agentId, outs: outs() };
    }

    return {
        async check(_olds, news) {
            settings.validate();
            return { inputs: news, failures: failuresForEngine(checkArgs("Agent", userArgs("Agent", news)), news) };
        },

        async diff(id, olds, news) {
            const state = migrate(olds);
            // A new endpoint: register there.
            return diffResult("Agent", state, news, () => targetReplaces(settings, state, news, `agent ${id}`), `agent ${id}`);
        },

        preview: (news, olds) => previewOutputs("Agent", news, olds),

        async create(inputs, options) {
            return withinBound(clock, "create", options, (bound) => create(inputs, bound));
        },

        async read(id, props) {
            const state = migrate(props);
            const found = (await clients.onExisting(state, `agent ${id}`, (client) => client.queryAgents([id]))).find(
                (a) => a.agentId === id,
            );
            if (!found) return {};
            return refreshed(id, state, found, declaredIn(state));
        },

        /** Everything ZEGO holds becomes the declared config: the inputs the engine compares with the program's. */
        async import(id) {
            const target = settings.configuredEndpoint();
            const base: Props = { agentId: id, appId: target.appId, endpoint: target.endpoint, adopted: true };
            const found = (await clients.onExisting(base, `agent ${id}`, (client) => client.queryAgents([id]))).find(
                (a) => a.agentId === id,
            );
            if (!found)
                throw new Error(
                    `agent ${JSON.stringify(id)} is not registered with ZEGO app ${target.appId ?? "(not configured)"}; nothing to import`,
                );
            return refreshed(id, { ...base, stateVersion: STATE_VERSION }, found, () => true);
        },

        async update(id, olds, news, options) {
            const state = migrate(olds);
            const args = userArgs("Agent", news);
            const changes = classifyChanges("Agent", state, news);
            refuseIfAny(changes, `agent ${id}`);
            const apiChange = changes.some((c) => c.kind === "update");
            // UpdateAgent replaces LLM, TTS and ASR whole, so always send the complete declared config.
            if (apiChange)
                await repeatableWithinBound(clock, "update", options, { what: `the update of agent ${id}`, then: UPDATE_AGAIN }, (signal) =>
                    // The new connection: a rotated serverSecret is the one that works now (a move would have been a replace).
                    clients.onExisting({ ...state, connection: args.connection }, `agent ${id}`, (client) =>
                        client.updateAgent(agentConfig(args), { signal }),
                    ),
                );
            return {
                outs: {
                    ...withoutPlumbing(news),
                    appId: state.appId,
                    endpoint: state.endpoint,
                    adopted: state.adopted ?? false,
                    // A kept field the program now declares was just sent: it is managed from now on.
                    keptFields: keptOf(state).filter((field) => args[field] === undefined || args[field] === null),
                    stateVersion: STATE_VERSION,
                },
            };
        },

        async delete(id, props, options) {
            const state = migrate(props);
            // Repeating UnregisterAgent is safe (not found counts as gone).
            const cutOff = { what: `the delete of agent ${id}`, then: "It stays in the Pulumi state: run `pulumi destroy` again." };
            await repeatableWithinBound(clock, "delete", options, cutOff, async (signal) => {
                try {
                    await clients.onExisting(state, `agent ${id}`, (client) => client.unregisterAgent(id, { signal }));
                } catch (e) {
                    if ((e as { code?: unknown }).code !== Code.AgentNotFound || signal.aborted) throw e;
                    log(`agent ${id} was already unregistered`);
                }
            });
        },
    };
}
