import { expect } from "chai";
import { spawn } from "child_process";
import * as path from "path";
import { parseArgs } from "../../../emulator/cli";
import { DEFAULT_APP_ID, DEFAULT_SERVER_SECRET } from "../../../emulator";
import { zego } from "./helpers";
import { must } from "../../must";

const CLI = path.resolve(__dirname, "../../../emulator/cli.js");

describe("emulator: CLI", () => {
    it("parses flags, with env and the local development pair as defaults", () => {
        expect(parseArgs([], {})).to.include({ appId: DEFAULT_APP_ID, serverSecret: DEFAULT_SERVER_SECRET, port: 0 });
        expect(parseArgs([], { ZEGO_APP_ID: "42", ZEGO_SERVER_SECRET: "s" })).to.include({ appId: 42, serverSecret: "s" });
        const all = parseArgs(
            [
                "--port",
                "9",
                "--app-id=7",
                "--server-secret",
                "x",
                "--concurrency-limit",
                "3",
                "--rate-limit",
                "0",
                "--delete-mode",
                "wait",
                "--verbose",
            ],
            {},
        );
        expect(all).to.include({
            port: 9,
            appId: 7,
            serverSecret: "x",
            concurrencyLimit: 3,
            rateLimitPerSecond: 0,
            deleteMode: "wait",
            verbose: true,
        });
        expect(() => parseArgs(["--delete-mode", "later"], {})).to.throw(/delete-mode/);
        expect(() => parseArgs(["--port", "abc"], {})).to.throw(/port/);
        expect(() => parseArgs(["--nope"], {})).to.throw(/unknown option/);
    });

    it("every bad command line exits 2 with a message naming the flag and the usage: bad syntax and out-of-range values alike", async function () {
        this.timeout(30000);
        for (const [args, message] of [
            [["--nope"], "unknown option '--nope'"],
            [["--port"], "'--port <value>' argument missing"],
            [["--port", "abc"], '--port must be a whole number; got "abc"'],
            [["--port", "70000"], "--port must be an integer from 0 to 65535; got 70000"],
            [["--app-id", "99999999999"], "--app-id (or ZEGO_APP_ID) must be an integer from 0 to 4294967295"],
            [["--delete-mode", "later"], '--delete-mode must be async or wait; got "later"'],
            [["--rate-limit=-1"], '--rate-limit must be a whole number; got "-1"'],
            [["stray"], "Unexpected argument 'stray'"],
        ] as const) {
            const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
            let stderr = "";
            child.stderr!.on("data", (d) => (stderr += d));
            const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
            expect({ args, code }).to.deep.equal({ args, code: 2 });
            expect(stderr, args.join(" ")).to.contain(message).and.to.contain("Usage: node dist/emulator/cli.js");
        }
    });

    it("prints one line with the URL (never the secret), serves signed requests, stops on SIGTERM", async function () {
        this.timeout(10000);
        const secret = "feedfacefeedfacefeedfacefeedface";
        const child = spawn(process.execPath, [CLI, "--port", "0", "--app-id", "777", "--rate-limit", "0"], {
            env: { ...process.env, ZEGO_SERVER_SECRET: secret },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
        try {
            const line = await new Promise<string>((resolve, reject) => {
                child.stdout.on("data", (chunk: Buffer) => {
                    stdout += chunk.toString();
                    if (stdout.includes("\n")) resolve(must(stdout.split("\n")[0], 'stdout.split("\n")[0]'));
                });
                child.on("exit", () => reject(new Error(`exited early: ${stdout}`)));
            });
            const match = /^ZEGO AI Agent emulator listening on (http:\/\/127\.0\.0\.1:\d+) \(appId 777\)$/.exec(line);
            expect(match, line).to.not.equal(null);
            expect(stdout).not.to.contain(secret);
            const r = await zego(must(match![1], "match![1]"), "ListAgents", {}, { appId: 777, secret });
            expect(r.code).to.equal(0);
        } finally {
            child.kill("SIGTERM");
        }
        expect(await exited).to.equal(0);
    });
});
