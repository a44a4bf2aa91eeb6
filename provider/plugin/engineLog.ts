/**
 * The plugin's progress lines and warnings, sent to the engine's Log service (the address the
 * engine passes the plugin on its command line), which shows them in the CLI output like any
 * provider's diagnostics. A plugin's stderr only reaches the engine's own log (unlike a dynamic
 * provider's, which the CLI prints), so without this users would never see "waiting up to 30 s
 * for agent instance …" or the warning that an instance was kicked.
 */
import * as grpc from "@grpc/grpc-js";
import * as enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineproto from "@pulumi/pulumi/proto/engine_pb";
import type { Logger } from "../lifecycle/log";

/** The engine's address among the plugin's arguments (the last `host:port`), if any. */
export function engineAddress(argv: readonly string[]): string | undefined {
    return [...argv].reverse().find((a) => /^[\w.[\]:-]+:\d+$/.test(a) && !a.startsWith("-"));
}

/** A logger that sends each line to the engine (lines starting "warning: " as warnings); `fallback` when the engine cannot take it. */
export function engineLogger(address: string, fallback: Logger): Logger {
    const client = new enginerpc.EngineClient(address, grpc.credentials.createInsecure());
    return (message) => {
        const warning = message.startsWith("warning: ");
        const req = new engineproto.LogRequest();
        req.setSeverity(warning ? engineproto.LogSeverity.WARNING : engineproto.LogSeverity.INFO);
        req.setMessage(`[pulumi-zego-aiagent] ${warning ? message.slice("warning: ".length) : message}`);
        client.log(req, (err) => {
            if (err) fallback(message);
        });
    };
}
