/**
 * The bases of the resource classes: what every resource registers, and the outputs the instance
 * kinds share, declared once. Output names and types come from the outputs table
 * (schema/resources.ts RESOURCE_OUTPUTS); tests/unit/schema/types.test.ts checks each class declares them all.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as t from "../schema/types";
import { Outputs, ResourceKind, secretOutputs } from "../schema/resources";
import { ZegoResource } from "../shim";
import { refuseImport, resourceProps, withReplaceRules, withSecretOutputs } from "./inputs";
import { ignoredTimeoutsWarning } from "./timeouts";

/** A resource of `kind`: refuses `import`, deletes before it replaces (withReplaceRules), registers the arguments and every output, marks the secret outputs. */
export abstract class ZegoResourceBase extends ZegoResource {
    /** The ZEGO app the object lives in. */
    declare readonly appId: pulumi.Output<number>;
    /** The ZEGO API endpoint it was created at. */
    declare readonly endpoint: pulumi.Output<string>;
    /** Version of the stored state shape. */
    declare readonly stateVersion: pulumi.Output<number>;

    protected constructor(kind: ResourceKind, name: string, args: object, opts: pulumi.CustomResourceOptions | undefined) {
        refuseImport(kind, opts);
        super(kind, name, resourceProps(kind, args), withSecretOutputs(withReplaceRules(kind, opts), secretOutputs(kind)));
        const ignored = ignoredTimeoutsWarning(kind, name, opts);
        if (ignored) void pulumi.log.warn(ignored, this);
    }
}

/**
 * The status in state: the last one ZEGO reported, SHUTTING_DOWN while a graceful delete runs, or
 * UNKNOWN after a create whose status query failed (until the next up or refresh).
 */
export type InstanceStatus = Outputs<"AgentInstance">["status"];

/** The outputs every instance kind has. */
export abstract class InstanceResourceBase extends ZegoResourceBase {
    /** ZEGO's AgentInstanceId (also the resource id). */
    declare readonly agentInstanceId: pulumi.Output<string>;
    /** IDLE | LISTENING | THINKING | SPEAKING at the last create/update/refresh (SHUTTING_DOWN while a graceful delete runs). */
    declare readonly status: pulumi.Output<InstanceStatus>;
    declare readonly agentId: pulumi.Output<string>;
    /** Deletion settings in effect at the last create/update (environment overrides apply at delete time). */
    declare readonly deletion: pulumi.Output<Outputs<"AgentInstance">["deletion"]>;
}

/** The outputs both digital-human kinds have. */
export abstract class DigitalHumanResourceBase extends InstanceResourceBase {
    declare readonly digitalHuman: pulumi.Output<t.DigitalHuman>;
    /** Base64 configuration for the digital-human client SDK (stored as a secret). */
    declare readonly digitalHumanConfig: pulumi.Output<string>;
}
