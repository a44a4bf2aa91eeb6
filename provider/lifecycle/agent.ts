/**
 * Lifecycle of Agent, a registered agent configuration (RegisterAgent / UpdateAgent /
 * UnregisterAgent, read with QueryAgents). `adoptExisting` takes over an AgentId that is already
 * registered (410001008) instead of failing: it is updated to the declared config and managed
 * from then on (destroy unregisters it; use the `retainOnDelete` resource option to keep it).
 */
import { Code } from "../client/codes";
import { AGENT } from "../schema/api";
import { checkArgs, failuresForEngine, userArgs } from "../schema/resources";
import { SECRETS_PROPERTY, withCredentialsSecret } from "../schema/secrets";
import type { AgentConfig } from "../schema/types";
import { defaultContext, LifecycleContext } from "./context";
import { classifyChanges, diffResult, refuseIfAny } from "./diff";
import { HeldIdentityError } from "./identities";
import { LifecycleProvider, pick, Props, withoutPlumbing } from "./provider";
import { inputsFromState, migrate, STATE_VERSION } from "./state";
import { targetReplaces } from "./target";

const API_FIELDS = Object.keys(AGENT.fields);

function agentConfig(args: Props): AgentConfig {
    return pick(args, API_FIELDS) as unknown as AgentConfig;
}

export function agentProvider(context: LifecycleContext = defaultContext): LifecycleProvider {
    const { settings, clients, log, identities } = context;
    return {
        async check(olds, news) {
            settings.validate();
            identities.noteExisting("Agent", userArgs("Agent", olds));
            return { inputs: news, failures: failuresForEngine(checkArgs("Agent", userArgs("Agent", news)), news) };
        },

        async diff(id, olds, news) {
            const state = migrate(olds);
            // A new endpoint: register there.
            return diffResult("Agent", state, news, () => targetReplaces(settings, state, `agent ${id}`), `agent ${id}`);
        },

        async create(inputs) {
            const args = userArgs("Agent", inputs);
            const client = clients.forNew();
            const config = agentConfig(args);
            const held = identities.held("Agent", args);
            if (held.length > 0) throw new HeldIdentityError(`agent ${JSON.stringify(config.agentId)}`, held);
            let adopted = false;
            try {
                await client.registerAgent(config);
            } catch (e) {
                if ((e as { code?: unknown }).code !== Code.AgentAlreadyExists) throw e;
                if (args.adoptExisting !== true) {
                    throw new Error(
                        `agent ${JSON.stringify(config.agentId)} is already registered with this ZEGO app (410001008). ` +
                            `Set adoptExisting: true to take it over (it is then updated to this configuration), or choose another agentId.`,
                    );
                }
                await client.updateAgent(config);
                adopted = true;
                log(`adopted existing agent ${config.agentId} and updated it to the declared configuration`);
            }
            const outs: Props = {
                ...withoutPlumbing(inputs),
                appId: client.appId,
                endpoint: client.endpoint,
                adopted,
                stateVersion: STATE_VERSION,
            };
            return { id: config.agentId, outs };
        },

        async read(id, props) {
            const state = migrate(props);
            const found = (await clients.onExisting(state, `agent ${id}`, (client) => client.queryAgents([id]))).find(
                (a) => a.agentId === id,
            );
            if (!found) return {};
            // Refresh what the service holds now, credentials marked secret (the engine keeps the marks of the old state too).
            const live = withCredentialsSecret({ name: found.name, llm: found.llm, tts: found.tts, asr: found.asr }) as Props;
            const outs: Props = { ...state, ...live };
            delete outs[SECRETS_PROPERTY];
            for (const key of ["name", "llm", "tts", "asr"]) if (outs[key] === undefined) delete outs[key];
            return { id, props: outs, inputs: inputsFromState("Agent", outs) };
        },

        async update(id, olds, news) {
            const state = migrate(olds);
            const args = userArgs("Agent", news);
            const changes = classifyChanges("Agent", state, news);
            refuseIfAny(changes, `agent ${id}`);
            const apiChange = changes.some((c) => c.kind === "update");
            // UpdateAgent replaces LLM, TTS and ASR whole, so always send the complete declared config.
            if (apiChange) await clients.onExisting(state, `agent ${id}`, (client) => client.updateAgent(agentConfig(args)));
            return {
                outs: {
                    ...withoutPlumbing(news),
                    appId: state.appId,
                    endpoint: state.endpoint,
                    adopted: state.adopted ?? false,
                    stateVersion: STATE_VERSION,
                },
            };
        },

        async delete(id, props) {
            const state = migrate(props);
            try {
                await clients.onExisting(state, `agent ${id}`, (client) => client.unregisterAgent(id));
            } catch (e) {
                if ((e as { code?: unknown }).code !== Code.AgentNotFound) throw e;
                log(`agent ${id} was already unregistered`);
            }
            identities.release("Agent", userArgs("Agent", state));
        },
    };
}
