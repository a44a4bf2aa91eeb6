/**
 * What a change of the ZEGO app or endpoint means for a resource stored in state, for every
 * resource kind alike: a new endpoint replaces it there (same credentials reach both); a new app
 * from stack config is refused, because deleting the old resource needs the old app's credentials,
 * which the provider no longer has, so the move could never complete. A resource with its own
 * `connection` keeps its credentials in state, so a move of it (to another app too) is a replace;
 * removing that connection needs stack credentials to take over, or it is refused.
 */
import { resolveEndpoint } from "../client/regions";
import { CONNECTION_KEY } from "../schema/resources";
import { containsUnknown } from "../schema/unknown";
import { isPlainObject } from "../schema/validate";
import { CONFIG_KEYS, ENV_VARS, Settings } from "./settings";
import { Props } from "./state";

/** A props object's own connection (inputs or state), if it has one: plain, as checkArgs passed it. */
export function ownConnectionOf(props: Props): Props | undefined {
    const value = props[CONNECTION_KEY];
    return isPlainObject(value) ? value : undefined;
}

/** Top-level properties to report as replaced because the target moved (`endpoint`, `connection`), or a thrown refusal (`appId`). */
export function targetReplaces(settings: Settings, state: Props, news: Props, what: string): string[] {
    const own = news[CONNECTION_KEY];
    if (own !== undefined && own !== null) return connectionMoves(state, own) ? [CONNECTION_KEY] : [];
    // Its own connection removed: the stack's credentials must take over, or nothing could delete it later.
    if (ownConnectionOf(state) !== undefined && !settings.hasCredentials())
        throw new Error(
            `${what} was created with its own \`${CONNECTION_KEY}\` (ZEGO app ${String(state.appId)}), which the program no longer sets, ` +
                `and no stack credentials are configured to take over (${CONFIG_KEYS.appId} and ${CONFIG_KEYS.serverSecret}, ` +
                `or ${ENV_VARS.appId} and ${ENV_VARS.serverSecret}): its state would keep no credentials that can delete it. ` +
                `Keep the \`${CONNECTION_KEY}\`, or configure the stack's credentials (app ${String(state.appId)} keeps it where it is; another app replaces it).`,
        );
    const target = settings.configuredEndpoint();
    if (target.appId !== undefined && typeof state.appId === "number" && target.appId !== state.appId) {
        // Its own connection, stored in state, deletes it where it is: the move to the stack's app is a replace.
        if (ownConnectionOf(state) !== undefined) return [CONNECTION_KEY];
        throw new Error(
            `${what} lives in ZEGO app ${state.appId}, but the stack is now configured for app ${target.appId} (${CONFIG_KEYS.appId}). ` +
                `Moving resources to another ZEGO app is not supported: deleting them needs app ${state.appId}'s credentials. ` +
                `Either set ${CONFIG_KEYS.appId} and ${CONFIG_KEYS.serverSecret} back to app ${state.appId}, or first run \`pulumi destroy\` ` +
                `(it uses the config of the last update, app ${state.appId}), then change the app and run \`pulumi up\`. ` +
                `To keep it in app ${state.appId} while the stack moves, give it a \`${CONNECTION_KEY}\` with that app's credentials.`,
        );
    }
    if (target.endpoint !== undefined && typeof state.endpoint === "string" && target.endpoint !== state.endpoint) return ["endpoint"];
    return [];
}

/** Whether a resource's own connection points at another app or endpoint than where it lives (not known yet at preview: it may). */
function connectionMoves(state: Props, own: unknown): boolean {
    if (!isPlainObject(own)) return true;
    const { appId, endpoint, region } = own;
    if (containsUnknown(appId) || containsUnknown(endpoint) || containsUnknown(region)) return true;
    if (typeof state.appId === "number" && appId !== state.appId) return true;
    if (typeof state.endpoint !== "string") return false;
    try {
        return resolveEndpoint({ endpoint: endpoint as string | undefined, region: region as string | undefined }) !== state.endpoint;
    } catch {
        return false; // check has refused it already
    }
}
