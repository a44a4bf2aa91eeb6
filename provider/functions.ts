/**
 * The provider's functions (data sources) for TypeScript programs: read what ZEGO holds without
 * managing it. A dynamic provider has no Invoke, so they run in the program's process, with the
 * same settings as the resources (stack config `zego:*`, then ZEGO_*: lifecycle/settings.ts) and
 * the logic the plugin's Invoke uses (lifecycle/functions.ts).
 *
 * Each returns a `pulumi.Output`, as registry providers' `get*Output` forms do: arguments may be
 * Outputs, an unknown argument at preview gives an unknown result without a call, and a result
 * holding a credential is secret. At `pulumi preview` without credentials the result is unknown and
 * nothing is called; during an update, missing credentials fail with the settings to set.
 */
import * as pulumi from "@pulumi/pulumi";
import { createLifecycleContext } from "./lifecycle/context";
import { runFunction } from "./lifecycle/functions";
import { ConfigReader, Settings } from "./lifecycle/settings";
import { markCredentials } from "./resources/inputs";
import type { FunctionArgs, FunctionName, FunctionResult } from "./schema/functions";

export interface GetAgentArgs {
    /** The AgentId of a registered agent. */
    agentId: pulumi.Input<string>;
}
export type GetAgentResult = FunctionResult<"getAgent">;

export type ListAgentsResult = FunctionResult<"listAgents">;

export interface GetAgentInstanceStatusArgs {
    /** An AgentInstanceId (an instance resource's `agentInstanceId`). */
    agentInstanceId: pulumi.Input<string>;
}
export type GetAgentInstanceStatusResult = FunctionResult<"getAgentInstanceStatus">;

/** The program's stack config as the settings read it (`runtime.getConfig`: a secret is read without the SDK's warning). */
const programConfig: ConfigReader = { get: (key) => pulumi.runtime.getConfig(key) };

/**
 * Run `name` in the program's process. Each call has its own client, closed when it ends: an open
 * keep-alive socket would keep the program's process from finishing.
 */
async function call<F extends FunctionName>(name: F, args: FunctionArgs<F>): Promise<unknown> {
    const settings = new Settings();
    settings.configure(programConfig);
    if (!settings.hasCredentials() && pulumi.runtime.isDryRun()) return pulumi.unknown;
    const context = createLifecycleContext({ settings });
    try {
        // pulumi.output lifts the secrets markCredentials puts inside: the result is secret if it holds one.
        return pulumi.output(markCredentials(await runFunction(context, name, args)));
    } finally {
        context.clients.clear();
    }
}

/** As registry providers' `InvokeOutputOptions`: the read waits for these resources, and is unknown at a preview that creates or replaces one. */
export interface FunctionOptions {
    dependsOn?: pulumi.Resource[];
}

/** What a resource's completion looks like as a value: a custom resource's id (unknown until created), else its URN. */
function completion(resource: pulumi.Resource): pulumi.Output<unknown> {
    return pulumi.CustomResource.isInstance(resource) ? resource.id : resource.urn;
}

function invoke<F extends FunctionName>(name: F, args: pulumi.Input<object>, opts: FunctionOptions = {}): pulumi.Output<FunctionResult<F>> {
    const after = (opts.dependsOn ?? []).map(completion);
    return pulumi.all([args, ...after]).apply(([plain]) => call(name, plain as FunctionArgs<F>)) as pulumi.Output<FunctionResult<F>>;
}

/** A registered agent's configuration (QueryAgents); secret when it holds a credential. Fails, naming the id, when not registered. */
export function getAgent(args: GetAgentArgs, opts?: FunctionOptions): pulumi.Output<GetAgentResult> {
    return invoke("getAgent", args, opts);
}

/** Every agent registered with the app (ListAgents, every page); secret when one holds a credential. */
export function listAgents(opts?: FunctionOptions): pulumi.Output<ListAgentsResult> {
    return invoke("listAgents", {}, opts);
}

/** An instance's status (QueryAgentInstanceStatus), e.g. a smoke check after `up`. Fails, naming the id, when it does not exist. */
export function getAgentInstanceStatus(
    args: GetAgentInstanceStatusArgs,
    opts?: FunctionOptions,
): pulumi.Output<GetAgentInstanceStatusResult> {
    return invoke("getAgentInstanceStatus", args, opts);
}
