/**
 * customTimeouts on the TypeScript resources: Pulumi's dynamic provider host (cmd/dynamic-provider)
 * drops the engine's per-operation timeout, so the provider never sees it. Rather than ignore the
 * option silently, the resource warns and says what bounds its operations instead.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ResourceKind } from "../schema/resources";

/** The warning for a resource given customTimeouts, or undefined when it has none. */
export function ignoredTimeoutsWarning(
    kind: ResourceKind,
    name: string,
    opts: pulumi.CustomResourceOptions | undefined,
): string | undefined {
    const given = Object.entries(opts?.customTimeouts ?? {}).filter(([, v]) => v !== undefined && v !== "");
    if (given.length === 0) return undefined;
    return (
        `${kind} ${JSON.stringify(name)}: customTimeouts (${given.map(([k, v]) => `${k}: ${String(v)}`).join(", ")}) is not honoured by ` +
        `the TypeScript resources of pulumi-zego-aiagent, as Pulumi's dynamic provider host does not pass it on. A delete is bounded by ` +
        `its gracefulShutdownTimeout plus zego:deleteWaitMargin, and every API call by zego:requestTimeoutMs and the client's retry limits. ` +
        `For customTimeouts, use the zego provider plugin (its generated Node SDK, YAML, Go or Python).`
    );
}
