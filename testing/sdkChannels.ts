/**
 * Gives each gRPC client the Pulumi Node SDK creates in this process (an inline program's resource
 * monitor and engine clients) a subchannel pool of its own. By default grpc-js shares one
 * connection ("subchannel") per address among every client in the process, and the SDK never
 * closes an inline run's clients (`disconnectSync` closes only its global ones). Once a call of a
 * client whose engine has exited fails, that shared connection stays failing and retrying. When a
 * later engine listens on the same port, the new run's client is handed it and every call fails at
 * once with `14 UNAVAILABLE: No connection established. Last error: null` (seen once in CI, in the
 * contention test's convergence preview; tests/unit/sdkChannels.test.ts reproduces it with grpc-js
 * alone). The harness runs hundreds of engines in one process, several at once, so ports recur.
 * A process running one stack at a time has far fewer stale clients. Test tooling: it
 * edits the SDK's client options object, which the SDK reads each time it creates a client.
 */
import * as settings from "@pulumi/pulumi/runtime/settings";

export const LOCAL_SUBCHANNEL_POOL = "grpc.use_local_subchannel_pool";

/** The options object the SDK passes to each monitor and engine client it creates (internal to the SDK, so not in its types). */
export function sdkClientOptions(): Record<string, unknown> {
    const options = (settings as unknown as { grpcClientOptions?: Record<string, unknown> }).grpcClientOptions;
    if (options === undefined)
        throw new Error("@pulumi/pulumi/runtime/settings no longer exports grpcClientOptions: revisit testing/sdkChannels.ts");
    return options;
}

/** Idempotent; affects clients created afterwards. */
export function isolateSdkChannels(): void {
    sdkClientOptions()[LOCAL_SUBCHANNEL_POOL] = 1;
}
