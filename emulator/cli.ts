#!/usr/bin/env node
/**
 * Run the ZEGO AI Agent emulator until SIGINT/SIGTERM:
 *
 *   node dist/emulator/cli.js [--port N] [--app-id N] [--server-secret S] [--concurrency-limit N]
 *                             [--rate-limit N] [--delete-mode async|wait] [--timestamp-window S]
 *                             [--latency-ms N] [--strict-uniqueness] [--max-idle-time]
 *                             [--callback-url URL] [--callback-secret S] [--verbose]
 *
 * The app defaults to ZEGO_APP_ID / ZEGO_SERVER_SECRET, else the local development pair
 * (DEFAULT_APP_ID, DEFAULT_SERVER_SECRET). Prints one line with the URL (never the secret).
 * A bad command line (syntax, unknown flag, or a value out of range) exits 2 with the usage; a
 * failure to start (the port is taken) exits 1.
 */
import { parseArgs as parseFlags } from "node:util";
import { checkOptions } from "./emulator";
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
  --callback-url URL       POST AgentInstanceCreated/Deleted callbacks there (default: none)
  --callback-secret S      CallbackSecret that signs them (default $ZEGO_CALLBACK_SECRET, else the local development one)
  --verbose                log every request and instance event to stderr
  --help                   this text

Control API: GET /_emulator/instances, /agents, /requests, /stats; POST /_emulator/reset,
/_emulator/instances/<id>/busy {status?, seconds}, /script {steps}, /_emulator/faults, /_emulator/options.`;

const FLAGS = {
    port: { type: "string" },
    "app-id": { type: "string" },
    "server-secret": { type: "string" },
    "concurrency-limit": { type: "string" },
    "rate-limit": { type: "string" },
    "delete-mode": { type: "string" },
    "timestamp-window": { type: "string" },
    "latency-ms": { type: "string" },
    "strict-uniqueness": { type: "boolean" },
    "max-idle-time": { type: "boolean" },
    "callback-url": { type: "string" },
    "callback-secret": { type: "string" },
    verbose: { type: "boolean" },
    help: { type: "boolean", short: "h" },
} as const;

/**
 * The options of a command line (node:util.parseArgs, strict). Throws on bad syntax, unknown flags
 * and out-of-range values alike (checkOptions), so every bad command line gets exit 2 and the usage.
 */
export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): EmulatorOptions & { verbose: boolean; help: boolean } {
    let values: Partial<Record<keyof typeof FLAGS, string | boolean>>;
    try {
        values = parseFlags({ args: argv, options: FLAGS, strict: true, allowPositionals: false }).values;
    } catch (err) {
        // node's messages name the flag: "Unknown option '--nope'", "Option '--port <value>' argument missing".
        throw new Error((err as Error).message.replace(/^Unknown option/, "unknown option"));
    }
    const options: EmulatorOptions & { verbose: boolean; help: boolean } = {
        appId: env.ZEGO_APP_ID ? integer("ZEGO_APP_ID", env.ZEGO_APP_ID) : DEFAULT_APP_ID,
        serverSecret: env.ZEGO_SERVER_SECRET || DEFAULT_SERVER_SECRET,
        port: 0,
        verbose: values.verbose === true,
        help: values.help === true,
    };
    const int = (flag: keyof typeof FLAGS): number | undefined => {
        const text = values[flag];
        return typeof text === "string" ? integer(`--${flag}`, text) : undefined;
    };
    const set = <K extends keyof EmulatorOptions>(key: K, value: EmulatorOptions[K] | undefined) => {
        if (value !== undefined) (options as EmulatorOptions)[key] = value;
    };
    set("port", int("port"));
    set("appId", int("app-id"));
    const secret = values["server-secret"];
    set("serverSecret", typeof secret === "string" ? secret : undefined);
    set("concurrencyLimit", int("concurrency-limit"));
    set("rateLimitPerSecond", int("rate-limit"));
    set("timestampWindowSeconds", int("timestamp-window"));
    set("latencyMs", int("latency-ms"));
    const mode = values["delete-mode"];
    if (mode !== undefined && mode !== "async" && mode !== "wait")
        throw new Error(`--delete-mode must be async or wait; got ${JSON.stringify(mode)}`);
    set("deleteMode", mode as DeleteMode | undefined);
    if (values["strict-uniqueness"]) options.strictUniqueness = true;
    if (values["max-idle-time"]) options.maxIdleTime = true;
    const callbackUrl = values["callback-url"];
    set("callbackUrl", typeof callbackUrl === "string" ? callbackUrl : undefined);
    const callbackSecret = values["callback-secret"];
    set("callbackSecret", typeof callbackSecret === "string" ? callbackSecret : env.ZEGO_CALLBACK_SECRET || undefined);
    const { verbose: _verbose, help: _help, ...emulatorOptions } = options;
    try {
        checkOptions(emulatorOptions, false);
    } catch (err) {
        // Name the flag, not the option: "Emulator option port must be ..." → "--port must be ...".
        throw new Error((err as Error).message.replace(/^Emulator option (\w+)/, (_m, name: string) => `${flagOf(name)}`));
    }
    return options;
}

/** The flag of an emulator option (appId → --app-id); options with no flag keep their name. */
function flagOf(option: string): string {
    const byOption: Record<string, string> = {
        port: "--port",
        appId: "--app-id (or ZEGO_APP_ID)",
        serverSecret: "--server-secret (or ZEGO_SERVER_SECRET)",
        concurrencyLimit: "--concurrency-limit",
        rateLimitPerSecond: "--rate-limit",
        timestampWindowSeconds: "--timestamp-window",
        latencyMs: "--latency-ms",
        callbackUrl: "--callback-url",
        callbackSecret: "--callback-secret (or ZEGO_CALLBACK_SECRET)",
    };
    return byOption[option] ?? option;
}

function integer(name: string, text: string): number {
    if (!/^\d+$/.test(text)) throw new Error(`${name} must be a whole number; got ${JSON.stringify(text)}`);
    return Number(text);
}

async function main(): Promise<void> {
    const argv = process.argv.slice(2);
    let parsed: ReturnType<typeof parseArgs>;
    try {
        parsed = parseArgs(argv, process.env);
    } catch (err) {
        process.stderr.write(`zego-ai-agent-emulator: ${(err as Error).message}\n\n${USAGE}\n`);
        process.exitCode = 2;
        return;
    }
    const { verbose, help, ...options } = parsed;
    if (help) {
        process.stdout.write(`${USAGE}\n`);
        return;
    }
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
