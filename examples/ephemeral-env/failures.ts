/**
 * Why a step of run.ts failed, decided by error types and codes, never by the words of a message
 * (a setting named ZEGO_GRACEFUL_SHUTDOWN_TIMEOUT is not a timeout):
 *
 *   - the Automation API's error classes: ConcurrentUpdateError (the stack is locked by another
 *     pulumi operation), StackAlreadyExistsError (the name is taken: by a run in progress, or left by
 *     a killed one), StackNotFoundError;
 *   - errors of the ZEGO client in this process (ZegoApiError: `code`, `httpStatus`, `networkCode`)
 *     and Node system errors (`code`: ECONNRESET, ...);
 *   - for a failed `pulumi up` (a CommandError), the codes the provider's errors carry in the engine's
 *     output, in the client's notation: `ZEGO code <n>`, `HTTP <status>`, `(<NETWORK CODE>: ...)`.
 *
 * Transient: worth another `up` (throttling, a busy service, a 5xx, a dropped connection, a timeout;
 * also a create whose outcome is unknown, which fails with one of those). Everything else, and any
 * failure that also carries a permanent ZEGO code, fails at once: retrying cannot fix it.
 */
import { CommandError, ConcurrentUpdateError, StackAlreadyExistsError, StackNotFoundError } from "@pulumi/pulumi/automation";
import { Code, isZegoApiError } from "pulumi-zego-aiagent";

export type FailureKind =
    { kind: "transient"; reason: string } | { kind: "locked" } | { kind: "stack-exists" } | { kind: "permanent"; reason?: string };

/** ZEGO codes that may pass: an internal fault, a busy service, a limit that frees up, a clock the client corrects. */
export const TRANSIENT_ZEGO_CODES: ReadonlySet<number> = new Set<number>([
    Code.GatewayInternal,
    Code.SystemError,
    Code.InternalCallFailed,
    Code.InsufficientResources,
    Code.ConcurrencyLimit,
    Code.DigitalHumanFrequencyLimit,
    Code.SignatureExpired,
]);

/** System error codes of a connection that failed or dropped, and the client's TIMEOUT. */
export const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
    "ECONNRESET",
    "ECONNREFUSED",
    "ECONNABORTED",
    "ETIMEDOUT",
    "EPIPE",
    "EAI_AGAIN",
    "ENOTFOUND",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "TIMEOUT",
]);

function transientHttp(status: number): boolean {
    return status === 429 || (status >= 500 && status <= 599);
}

/** The failure codes in a failed command's output, as the provider's ZEGO client writes them. */
export interface FailureCodes {
    zego: number[];
    http: number[];
    network: string[];
}

export function failureCodes(text: string): FailureCodes {
    const all = (pattern: RegExp) => [...text.matchAll(pattern)].map((m) => m[1]!);
    return {
        zego: all(/\bZEGO code (\d+)\b/g).map(Number),
        http: all(/\bHTTP (\d{3})\b/g).map(Number),
        network: all(/\(([A-Z][A-Z_]+)[:)]/g).filter((code) => TRANSIENT_NETWORK_CODES.has(code)),
    };
}

function fromCodes(codes: FailureCodes): FailureKind {
    const permanent = codes.zego.filter((c) => !TRANSIENT_ZEGO_CODES.has(c));
    if (permanent.length > 0) return { kind: "permanent", reason: `ZEGO code ${permanent[0]}` };
    const zego = codes.zego.find((c) => TRANSIENT_ZEGO_CODES.has(c));
    if (zego !== undefined) return { kind: "transient", reason: `ZEGO code ${zego}` };
    const http = codes.http.find(transientHttp);
    if (http !== undefined) return { kind: "transient", reason: `HTTP ${http}${http === 429 ? " (throttled)" : ""}` };
    const network = codes.network[0];
    if (network !== undefined)
        return { kind: "transient", reason: network === "TIMEOUT" ? "a timeout (TIMEOUT)" : `a network error (${network})` };
    return { kind: "permanent" };
}

export function classifyFailure(error: unknown): FailureKind {
    // Subclasses of CommandError first.
    if (error instanceof ConcurrentUpdateError) return { kind: "locked" };
    if (error instanceof StackAlreadyExistsError) return { kind: "stack-exists" };
    if (error instanceof StackNotFoundError) return { kind: "permanent", reason: "no such stack" };
    if (error instanceof CommandError) return fromCodes(failureCodes(error.message));
    if (isZegoApiError(error)) {
        return fromCodes({
            zego: error.code !== undefined ? [error.code] : [],
            http: error.httpStatus !== undefined ? [error.httpStatus] : [],
            network: error.networkCode !== undefined && TRANSIENT_NETWORK_CODES.has(error.networkCode) ? [error.networkCode] : [],
        });
    }
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === "string" && TRANSIENT_NETWORK_CODES.has(code)) return { kind: "transient", reason: `a network error (${code})` };
    return { kind: "permanent" };
}

/** One console line saying why a stack could not be used (lock or name taken), and what to do; undefined for other failures. */
export function stackInUseLine(error: unknown, stackName: string): string | undefined {
    const kind = classifyFailure(error).kind;
    if (kind === "locked") {
        return (
            `the stack ${stackName} is locked by another run (another pulumi operation on it is in progress), so this run left it alone. ` +
            `Wait for that run to finish, or use another STACK_NAME; if no run is using it (a killed run left the lock), ` +
            `recover it with EPHEMERAL_RECOVER=1 STACK_NAME=${stackName}.`
        );
    }
    if (kind === "stack-exists") {
        return (
            `the stack ${stackName} already exists: it is locked by another run in progress, or a killed run left it, so this run left it alone. ` +
            `Wait for that run to finish, or use another STACK_NAME; if no run is using it, ` +
            `recover it with EPHEMERAL_RECOVER=1 STACK_NAME=${stackName}.`
        );
    }
    return undefined;
}
