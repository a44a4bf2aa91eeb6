/**
 * The provider's functions (data sources), in one place for both faces: the TypeScript functions
 * (provider/functions.ts, in the program's process) and the plugin's Invoke (plugin/server.ts).
 * They read what exists at the endpoint configured now (stack config, then ZEGO_*, as for new
 * resources) and manage nothing. Results are plain values: each face marks the credentials in them
 * secret by the one rule (schema/secrets.ts `isCredential`).
 */
import type { ZegoClient } from "../client/client";
import { Code } from "../client/codes";
import { FUNCTION_ARGS, FunctionArgs, FunctionName, FunctionResult, FUNCTION_RESULTS } from "../schema/functions";
import { isPlainObject, validate } from "../schema/validate";
import type { LifecycleContext } from "./context";
import { CONFIG_KEYS, ENV_VARS, SettingsError } from "./settings";

export const FUNCTION_NAMES = Object.keys(FUNCTION_ARGS) as FunctionName[];

export function isFunctionName(name: string): name is FunctionName {
    return (FUNCTION_NAMES as string[]).includes(name);
}

type Impl<F extends FunctionName> = (client: ZegoClient, args: FunctionArgs<F>) => Promise<FunctionResult<F>>;

const IMPLS: { [F in FunctionName]: Impl<F> } = {
    async getAgent(client, { agentId }) {
        const found = (await client.queryAgents([agentId])).find((a) => a.agentId === agentId);
        if (!found) {
            throw new Error(
                `getAgent: agent ${JSON.stringify(agentId)} is not registered with ZEGO app ${client.appId} at ${client.endpoint}. ` +
                    `Check the agentId and the app (${CONFIG_KEYS.appId} / ${ENV_VARS.appId}); listAgents returns the agents that are.`,
            );
        }
        return found;
    },

    async listAgents(client) {
        return { agents: await client.listAllAgents() };
    },

    async getAgentInstanceStatus(client, { agentInstanceId }) {
        try {
            const { status } = await client.queryAgentInstanceStatus(agentInstanceId);
            return { agentInstanceId, status };
        } catch (e) {
            if ((e as { code?: unknown }).code !== Code.InstanceNotFound) throw e;
            throw new Error(
                `getAgentInstanceStatus: agent instance ${JSON.stringify(agentInstanceId)} does not exist in ZEGO app ${client.appId} at ${client.endpoint} ` +
                    `(${Code.InstanceNotFound}): it was never created there, or it has been deleted (it also ends on its own, e.g. after an idle timeout).`,
            );
        }
    },
};

/** Arguments as the caller gave them → checked arguments; a bad one fails naming the field, what is allowed and what was given. */
function checkedArgs<F extends FunctionName>(name: F, args: unknown): FunctionArgs<F> {
    const given = args === undefined || args === null ? {} : args;
    if (!isPlainObject(given)) throw new Error(`${name}: the arguments must be an object; got ${typeof given}.`);
    const failures = validate(FUNCTION_ARGS[name], given, { naming: "camel", rejectUnknownFields: true });
    if (failures.length > 0) throw new Error(`${name}: ${failures.map((f) => f.reason).join(" ")}`);
    return given as FunctionArgs<F>;
}

/** The credentials' absence, said for a function (the settings' own message is about resources, which preview without them). */
function missingCredentials(name: FunctionName): SettingsError {
    return new SettingsError(
        `${name} reads from the ZEGO API and needs ZEGO credentials: the app id (stack config "${CONFIG_KEYS.appId}" or env ${ENV_VARS.appId}) ` +
            `and the server secret (stack config "${CONFIG_KEYS.serverSecret}", set with \`pulumi config set --secret ${CONFIG_KEYS.serverSecret} ...\`, or env ${ENV_VARS.serverSecret}).`,
    );
}

/** Run function `name` with the context's settings and clients: checked arguments, one client for the configured endpoint. */
export async function runFunction<F extends FunctionName>(context: LifecycleContext, name: F, args: unknown): Promise<FunctionResult<F>> {
    const checked = checkedArgs(name, args);
    if (!context.settings.hasCredentials()) throw missingCredentials(name);
    const impl = IMPLS[name] as Impl<F>;
    return impl(context.clients.forNew(), checked);
}

/** The result's top-level keys (for unknown results and the schema). */
export function resultKeys(name: FunctionName): string[] {
    return Object.keys(FUNCTION_RESULTS[name].fields);
}
