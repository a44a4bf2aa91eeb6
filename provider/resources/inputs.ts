/** Helpers shared by the resource classes: Pulumi input types and secret hoisting. */
import * as pulumi from "@pulumi/pulumi";
import { SECRETS_PROPERTY, secretsOf, SecretValues, withoutSecrets } from "../schema/secrets";

/** Every field of T (deeply) may be a `pulumi.Input`. */
export type DeepInput<T> = T extends (infer U)[]
    ? pulumi.Input<pulumi.Input<DeepInput<U>>[]>
    : T extends object
      ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>
      : pulumi.Input<T>;

/** Objects whose secret values are hoisted into the `secrets` property. */
const HOISTED = ["llm", "tts", "asr"] as const;

/**
 * The props handed to the dynamic resource: secret values moved out of `llm`/`tts`/`asr` into one
 * secret `secrets` property, so state never holds them in plaintext while the rest stays visible.
 */
export function hoistSecrets(args: Record<string, unknown>): Record<string, pulumi.Input<unknown>> {
    const props: Record<string, pulumi.Input<unknown>> = { ...args };
    for (const key of HOISTED) {
        if (args[key] === undefined) continue;
        props[key] = pulumi.unsecret(pulumi.output(args[key]).apply((value) => withoutSecrets(key, value)));
    }
    const sources = Object.fromEntries(HOISTED.map((key) => [key, args[key]]));
    props[SECRETS_PROPERTY] = pulumi.secret(
        pulumi.output(sources).apply((values) => {
            const found: SecretValues = {};
            for (const key of HOISTED) Object.assign(found, secretsOf(key, (values as Record<string, unknown>)[key]));
            return found;
        }),
    );
    return props;
}

/** Resource options with our secret outputs added to the caller's. */
export function withSecretOutputs(opts: pulumi.CustomResourceOptions | undefined, names: string[]): pulumi.CustomResourceOptions {
    return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...names] };
}
