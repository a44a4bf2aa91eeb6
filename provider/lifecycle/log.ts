/**
 * Progress lines from inside the provider process. The engine shows a dynamic provider's stderr
 * in the CLI output; stdout is reserved for the plugin handshake. Never pass secrets here.
 */
export type Logger = (message: string) => void;

/** What a logger writes to: process.stderr, or a stand-in in tests. */
export interface LogStream {
    write(text: string): unknown;
    on(event: "error", listener: (error: Error) => void): unknown;
}

/**
 * A logger that never throws and never loops. Once a write fails (EPIPE: whoever read the stream,
 * the engine, is gone), later lines are dropped and `onBroken` runs once. The stream's "error"
 * event is handled too: unhandled, it becomes an uncaught exception, which Pulumi's handler prints
 * with console.error to the same broken stream, raising EPIPE again, forever.
 */
export function streamLogger(stream: LogStream, onBroken: (error: Error) => void = () => undefined): Logger {
    let broken = false;
    const breakOnce = (error: Error) => {
        if (broken) return;
        broken = true;
        try {
            onBroken(error);
        } catch {
            // Nothing is left to report it to.
        }
    };
    stream.on("error", breakOnce);
    return (message) => {
        if (broken) return;
        try {
            stream.write(`[pulumi-zego-aiagent] ${message}\n`);
        } catch (e) {
            breakOnce(e instanceof Error ? e : new Error(String(e)));
        }
    };
}

const stderrBroken: ((error: Error) => void)[] = [];

/** Runs `listener` once stderr is found broken (see engineWatch.ts). */
export function onStderrBroken(listener: (error: Error) => void): void {
    stderrBroken.push(listener);
}

const toStderr: Logger = streamLogger(process.stderr, (error) => {
    for (const listener of stderrBroken) listener(error);
});

/** Where the provider process's lines go: stderr, or what `routeProcessLog` set (the plugin: the engine). */
let processLog: Logger = toStderr;

/** The provider process's logger (the default context's): stderr unless routeProcessLog sent it elsewhere. */
export const processLogger: Logger = (message) => processLog(message);

/** Send the process's lines to `route(stderr)` from now on (the plugin's main: the engine's Log service). */
export function routeProcessLog(route: (stderr: Logger) => Logger): void {
    processLog = route(toStderr);
}
