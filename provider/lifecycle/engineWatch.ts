/**
 * Ends the dynamic provider process once the engine that started it is gone. The Pulumi CLI kills
 * its plugins when it exits normally, but after a `kill -9` of the CLI (a CI job cancelled hard)
 * nothing would: the provider, in its own process group, kept running (and, before log.ts stopped
 * it, spun at 100% CPU on EPIPE).
 *
 * Two signs that the engine is gone, both robust to the `sh` wrapper between CLI and node (its
 * pid stays alive, so polling the parent pid would not do):
 * - stdin, a pipe whose only writer is the CLI, reaches end-of-file;
 * - stderr, a pipe the CLI reads, fails with EPIPE.
 */
import * as net from "net";
import { onStderrBroken } from "./log";

/** True in the process `@pulumi/pulumi/cmd/dynamic-provider` runs (not in tests or programs that import the package). */
export function isDynamicProviderProcess(argv: readonly string[] = process.argv): boolean {
    return /[\\/]cmd[\\/]dynamic-provider([\\/]index(\.js)?)?$/.test(argv[1] ?? "");
}

/**
 * True when stdin is a pipe or socket, so end-of-file there means the writer is gone (not /dev/null,
 * a file or a terminal). Told from the stream Node made for it, not by `fs.fstatSync(0)`: on Node 20
 * an fstat of a pipe made later `require`s resolve symlinked packages without their real path (a
 * package installed through a symlink then could not find its own dependencies).
 */
function stdinIsPipe(): boolean {
    return process.stdin instanceof net.Socket;
}

export function watchEngine(exit: (reason: string) => void): void {
    let exited = false;
    const once = (reason: string) => {
        if (exited) return;
        exited = true;
        exit(reason);
    };
    onStderrBroken(() => once("stderr is broken"));
    if (stdinIsPipe()) {
        const stdin = process.stdin;
        stdin.on("end", () => once("stdin closed"));
        stdin.on("error", () => once("stdin failed"));
        stdin.resume();
        // Reading stdin must not by itself keep the process alive.
        (stdin as { unref?: () => void }).unref?.();
    }
}

if (isDynamicProviderProcess()) {
    watchEngine(() => process.exit(1));
}
