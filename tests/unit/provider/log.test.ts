import { expect } from "chai";
import { spawn } from "child_process";
import * as path from "path";
import { LogStream, streamLogger } from "../../../provider/lifecycle/log";

describe("provider progress logger", () => {
    it("never throws: a failing write drops this and later lines and reports the break once", () => {
        const written: string[] = [];
        let fail = false;
        const stream: LogStream = {
            write(text: string) {
                if (fail) throw Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
                written.push(text);
            },
            on: () => undefined,
        };
        const breaks: Error[] = [];
        const log = streamLogger(stream, (e) => breaks.push(e));
        log("one");
        fail = true;
        log("two");
        fail = false;
        log("three");
        expect(written).to.deep.equal(["[pulumi-zego-aiagent] one\n"]);
        expect(breaks.map((e) => e.message)).to.deep.equal(["write EPIPE"]);
    });

    it("handles the stream's asynchronous 'error' event (unhandled, it is an uncaught exception)", () => {
        let listener: ((e: Error) => void) | undefined;
        const written: string[] = [];
        const stream: LogStream = {
            write: (text: string) => written.push(text),
            on: (_event, l) => (listener = l),
        };
        const breaks: string[] = [];
        const log = streamLogger(stream, (e) => breaks.push(e.message));
        expect(listener, "an error listener is installed").to.be.a("function");
        listener!(new Error("EPIPE"));
        listener!(new Error("EPIPE again"));
        log("after");
        expect(written).to.deep.equal([]);
        expect(breaks).to.deep.equal(["EPIPE"]);
    });

    it("a process whose stderr pipe was closed by its reader keeps running and exits normally (no EPIPE crash or loop)", async () => {
        const logModule = path.join(__dirname, "..", "..", "..", "provider", "lifecycle", "log.js");
        const script = `
            const { processLogger } = require(${JSON.stringify(logModule)});
            let n = 0;
            const timer = setInterval(() => {
                processLogger("line " + n);
                if (++n === 50) { clearInterval(timer); process.stdout.write("done\\n"); }
            }, 5);`;
        const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "pipe"] });
        child.stderr!.destroy(); // the reader is gone, as after a kill -9 of the Pulumi CLI
        let stdout = "";
        child.stdout!.on("data", (d) => (stdout += d));
        const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
        expect({ code, stdout }).to.deep.equal({ code: 0, stdout: "done\n" });
    });
});
