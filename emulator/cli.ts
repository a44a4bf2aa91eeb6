#!/usr/bin/env node
/**
 * Run the ZEGO AI Agent emulator until SIGINT/SIGTERM:
 *
 *   node dist/emulator/cli.js [--port N] [--app-id N] [--server-secret S] [--concurrency-limit N]
 *                             [--rate-limit N] [--delete-mode async|wait] [--timestamp-window S]
 *                             [--latency-ms N] [--strict-uniqueness] [--max-idle-time] [--verbose]
 *
 * The app defaults to ZEGO_APP_ID / ZEGO_SERVER_SECRET, else the local development pair
 * (DEFAULT_APP_ID, DEFAULT_SERVER_SECRET). Prints one line with the URL (never the secret).
 */
import { DEFAULT_APP_ID, DEFAULT_SERVER_SECRET, DeleteMode, EmulatorOptions, startEmulator } from "./index";

const USAGE = `Usage: node dist/emulator/cli.js [options]

  --port N                 port on 127.0.0.1 (default 0: ephemeral; see the printed URL)
  --app-id N               AppId (default $ZEGO_APP_ID, else ${DEFAULT_APP_ID})
  --server-secret S        ServerSecret (default $ZEGO_SERVER_SECRET, else the local development secret)
  --concurrency-limit N    live + shutting-down instances allowed (default 10)
  --rate-limit N           requests per second per action (default 10; 0 = off)
  --delete-mode MODE       async (default) or wait: when a graceful DeleteAgentInstance answers
  --timestamp-window S     allowed clock skew in seconds (default 600)
  --latency-ms N           added to every API request (default 0)
  --strict-uniqueness      reject reused AgentUserId / AgentStreamId with 410000003
  --max-idle-time          auto-delete instances after AdvancedConfig.MaxIdleTime without a user
  --verbose                log every request and instance event to stderr
  --help                   this text

Control API: GET /_emulator/instances, /agents, /requests, /stats; POST /_emulator/reset,
/_emulator/instances/<id>/busy {status?, seconds}, /script {steps}, /_emulator/faults, /_emulator/options.`;

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): EmulatorOptions & { verbose: boolean } {
    const options: EmulatorOptions & { verbose: boolean } = {
        appId: env.ZEGO_APP_ID ? integer("ZEGO_APP_ID", env.ZEGO_APP_ID) : DEFAULT_APP_ID,
        serverSecret: env.ZEGO_SERVER_SECRET || DEFAULT_SERVER_SECRET,
        port: 0,
        verbose: false,
    };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const [flag, inline] =
            arg.startsWith("--") && arg.includes("=")
                ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
                : [arg, undefined];
        const value = (): string => {
            const v = inline ?? argv[++i];
            if (v === undefined) throw new Error(`${flag} needs a value`);
            return v;
        };
        switch (flag) {
            case "--port":
                options.port = integer(flag, value());
                break;
            case "--app-id":
                options.appId = integer(flag, value());
                break;
            case "--server-secret":
                options.serverSecret = value();
                break;
            case "--concurrency-limit":
                options.concurrencyLimit = integer(flag, value());
                break;
            case "--rate-limit":
                options.rateLimitPerSecond = integer(flag, value());
                break;
            case "--delete-mode": {
                const mode = value();
                if (mode !== "async" && mode !== "wait") throw new Error(`--delete-mode must be async or wait; got ${mode}`);
                options.deleteMode = mode as DeleteMode;
                break;
            }
            case "--timestamp-window":
                options.timestampWindowSeconds = integer(flag, value());
                break;
            case "--latency-ms":
                options.latencyMs = integer(flag, value());
                break;
            case "--strict-uniqueness":
                options.strictUniqueness = true;
                break;
            case "--max-idle-time":
                options.maxIdleTime = true;
                break;
            case "--verbose":
                options.verbose = true;
                break;
            default:
                throw new Error(`unknown option ${arg}`);
        }
    }
    return options;
}

function integer(name: string, text: string): number {
    if (!/^\d+$/.test(text)) throw new Error(`${name} must be a whole number; got ${JSON.stringify(text)}`);
    return Number(text);
}

async function main(): Promise<void> {
    const argv = process.argv.slice(2);
    if (argv.includes("--help") || argv.includes("-h")) {
        process.stdout.write(`${USAGE}\n`);
        return;
    }
    let parsed: ReturnType<typeof parseArgs>;
    try {
        parsed = parseArgs(argv, process.env);
    } catch (err) {
        process.stderr.write(`zego-ai-agent-emulator: ${(err as Error).message}\n\n${USAGE}\n`);
        process.exitCode = 2;
        return;
    }
    const { verbose, ...options } = parsed;
    if (verbose) options.log = (line) => process.stderr.write(`[emulator] ${line}\n`);
    const emulator = await startEmulator(options);
    process.stdout.write(`ZEGO AI Agent emulator listening on ${emulator.url} (appId ${emulator.appId})\n`);
    let stopping = false;
    const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        if (verbose) process.stderr.write(`[emulator] ${signal}: stopping\n`);
        emulator.close().then(
            () => process.exit(0),
            () => process.exit(1),
        );
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
}

if (require.main === module) {
    main().catch((err: unknown) => {
        process.stderr.write(`zego-ai-agent-emulator: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
    });
}
