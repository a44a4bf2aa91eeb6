/**
 * What a change of the configured ZEGO app or endpoint means for a resource stored in state, for
 * every resource kind alike: a new endpoint replaces it there (same credentials reach both); a new
 * app is refused, because deleting the old resource needs the old app's credentials, which the
 * provider no longer has, so the move could never complete.
 */
import { CONFIG_KEYS, Settings } from "./settings";
import { Props } from "./state";

/** Top-level properties to report as replaced because the target moved (`endpoint`), or a thrown refusal (`appId`). */
export function targetReplaces(settings: Settings, state: Props, what: string): string[] {
    const target = settings.configuredEndpoint();
    if (target.appId !== undefined && typeof state.appId === "number" && target.appId !== state.appId) {
        throw new Error(
            `${what} lives in ZEGO app ${state.appId}, but the stack is now configured for app ${target.appId} (${CONFIG_KEYS.appId}). ` +
                `Moving resources to another ZEGO app is not supported: deleting them needs app ${state.appId}'s credentials. ` +
                `Either set ${CONFIG_KEYS.appId} and ${CONFIG_KEYS.serverSecret} back to app ${state.appId}, or first run \`pulumi destroy\` ` +
                `(it uses the config of the last update, app ${state.appId}), then change the app and run \`pulumi up\`.`,
        );
    }
    if (target.endpoint !== undefined && typeof state.endpoint === "string" && target.endpoint !== state.endpoint) return ["endpoint"];
    return [];
}
