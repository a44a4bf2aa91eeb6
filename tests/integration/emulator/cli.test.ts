import { expect } from "chai";
import { spawn } from "child_process";
import * as path from "path";
import { parseArgs } from "../../../emulator/cli";
import { DEFAULT_APP_ID, DEFAULT_SERVER_SECRET } from "../../../emulator";
import { zego } from "./helpers";

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
                    if (stdout.includes("\n")) resolve(stdout.split("\n")[0]);
                });
                child.on("exit", () => reject(new Error(`exited early: ${stdout}`)));
            });
            const match = /^ZEGO AI Agent emulator listening on (http:\/\/127\.0\.0\.1:\d+) \(appId 777\)$/.exec(line);
            expect(match, line).to.not.equal(null);
            expect(stdout).not.to.contain(secret);
            const r = await zego(match![1], "ListAgents", {}, { appId: 777, secret });
            expect(r.code).to.equal(0);
        } finally {
            child.kill("SIGTERM");
        }
        expect(await exited).to.equal(0);
    });
});
