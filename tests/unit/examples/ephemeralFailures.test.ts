/**
 * examples/ephemeral-env/failures.ts: transient or permanent by error class and code, never by the
 * words of a message. The client's real errors give the notation the codes are read in.
 */
import { expect } from "chai";
import * as http from "http";
import { AddressInfo } from "net";
import { CommandError, ConcurrentUpdateError, StackAlreadyExistsError } from "@pulumi/pulumi/automation";
import { ZegoApiError, ZegoClient } from "../../../provider";
import { classifyFailure, stackInUseLine } from "../../../examples/ephemeral-env/failures";
import { rejectionOf } from "../../rejection";

/** A failed `pulumi up` whose engine output carries `text` (as the Automation API builds it: its message is the output). */
const upFailure = (text: string) => new CommandError(`code: 255\n stdout: \n stderr: error: ${text}\n`);

/** A real client error of the given kind, for its message. */
async function clientError(endpoint: string, timeoutMs = 2000): Promise<ZegoApiError> {
    const client = new ZegoClient({
        appId: 1,
        serverSecret: "0123456789abcdef0123456789abcdef",
        endpoint,
        timeoutMs,
        retry: { maxAttempts: 1 },
    });
    try {
        return (await rejectionOf(client.queryAgentInstanceStatus("1"))) as ZegoApiError;
    } finally {
        client.close();
    }
}

describe("ephemeral-env: failure classification", () => {
    it("a bad setting whose name contains TIMEOUT is permanent (the old text match took it for a timeout)", () => {
        const error = upFailure(
            "zego:index:AgentInstance resource 'alice': ZEGO_GRACEFUL_SHUTDOWN_TIMEOUT must be an integer from 1 to 120 (seconds); got \"999\". The request timed out? no.",
        );
        expect(classifyFailure(error)).to.deep.equal({ kind: "permanent" });
    });

    it("words without a code decide nothing: 'rate limit', 'socket hang up', 'timeout' are permanent", () => {
        for (const text of ["rate limit exceeded", "socket hang up", "operation timeout", "throttled"]) {
            expect(classifyFailure(upFailure(text)).kind, text).to.equal("permanent");
        }
    });

    it("ZEGO codes: the transient ones retry, any permanent one wins", () => {
        const busy = new ZegoApiError({ action: "CreateAgentInstance", code: 410000010, retryable: true, ambiguous: false });
        expect(classifyFailure(upFailure(busy.message))).to.deep.equal({ kind: "transient", reason: "ZEGO code 410000010" });
        expect(classifyFailure(busy)).to.deep.equal({ kind: "transient", reason: "ZEGO code 410000010" });
        const invalid = new ZegoApiError({ action: "CreateAgentInstance", code: 410000003, retryable: false, ambiguous: false });
        expect(classifyFailure(upFailure(invalid.message)).kind).to.equal("permanent");
        expect(classifyFailure(upFailure(`${busy.message}\n${invalid.message}`)).kind).to.equal("permanent");
    });

    it("HTTP 5xx and 429 retry (an ambiguous create fails with one), other statuses do not", () => {
        const lost = new ZegoApiError({
            action: "CreateAgentInstance",
            httpStatus: 500,
            problem: "HTTP 500 Internal Server Error",
            retryable: false,
            ambiguous: true,
        });
        expect(classifyFailure(upFailure(lost.message))).to.deep.equal({ kind: "transient", reason: "HTTP 500" });
        const throttled = new ZegoApiError({
            action: "RegisterAgent",
            httpStatus: 429,
            problem: "HTTP 429 Too Many Requests",
            retryable: true,
            ambiguous: false,
        });
        expect(classifyFailure(throttled)).to.deep.equal({ kind: "transient", reason: "HTTP 429 (throttled)" });
        const notFound = new ZegoApiError({
            action: "RegisterAgent",
            httpStatus: 404,
            problem: "HTTP 404 Not Found",
            retryable: false,
            ambiguous: false,
        });
        expect(classifyFailure(upFailure(notFound.message)).kind).to.equal("permanent");
    });

    it("network codes, read from the client's real errors: a refused connection and a timeout retry", async () => {
        const server = http.createServer(() => undefined); // never answers
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const port = (server.address() as AddressInfo).port;
        try {
            const timeout = await clientError(`http://127.0.0.1:${port}`, 100);
            expect(timeout.networkCode).to.equal("TIMEOUT");
            expect(classifyFailure(upFailure(timeout.message))).to.deep.equal({ kind: "transient", reason: "a timeout (TIMEOUT)" });
        } finally {
            server.closeAllConnections();
            await new Promise((resolve) => server.close(resolve));
        }
        const refused = await clientError(`http://127.0.0.1:${port}`);
        expect(refused.networkCode).to.equal("ECONNREFUSED");
        expect(classifyFailure(upFailure(refused.message))).to.deep.equal({ kind: "transient", reason: "a network error (ECONNREFUSED)" });
        expect(classifyFailure(Object.assign(new Error("read failed"), { code: "ECONNRESET" })).kind).to.equal("transient");
    });

    it("a locked stack or a taken name: not retried, and one line says it is locked by another run and what to do", () => {
        const locked = new ConcurrentUpdateError("code: 255\n stderr: error: the stack is currently locked by 1 lock(s)");
        expect(classifyFailure(locked)).to.deep.equal({ kind: "locked" });
        const taken = new StackAlreadyExistsError("code: -2\n stderr: error: stack 'ci-1' already exists");
        expect(classifyFailure(taken)).to.deep.equal({ kind: "stack-exists" });
        for (const error of [locked, taken]) {
            const line = stackInUseLine(error, "ci-1")!;
            expect(line).to.contain("ci-1").and.to.contain("locked by another run").and.to.contain("EPHEMERAL_RECOVER=1 STACK_NAME=ci-1");
            expect(line).to.not.contain("code: -2");
        }
        expect(stackInUseLine(upFailure("boom"), "ci-1")).to.equal(undefined);
    });
});
