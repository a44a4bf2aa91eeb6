/**
 * Every setting of run.ts, read and checked before anything else happens: a bad value is reported
 * before a stack exists or a ZEGO call is made, naming the variable, what is allowed and what was given.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import { ZegoClient } from "pulumi-zego-aiagent";

export type SmokeStep = "command" | "direct" | "none";

export interface Settings {
    stackName: string;
    smokeStep: SmokeStep;
    upAttempts: number;
    gracefulShutdownTimeout: number;
    reportFile?: string;
    /** EPHEMERAL_RECOVER=1: recover the leftover stack STACK_NAME of a killed run instead of running. */
    recover: boolean;
    llmApiKey: string;
    ttsAppId: string;
    ttsToken: string;
    /** A client for the sweep (the provider reads the same variables itself). */
    client: () => ZegoClient;
}

export class SettingsError extends Error {}

export function defaultStackName(env: NodeJS.ProcessEnv = process.env): string {
    if (env.STACK_NAME) return env.STACK_NAME;
    if (env.GITHUB_RUN_ID) return `ci-${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? "1"}`;
    return `ci-${randomBytes(4).toString("hex")}`;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
    const text = env[name];
    if (text === undefined || text === "") return fallback;
    const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
    if (!(Number.isInteger(value) && value >= min && value <= max))
        throw new SettingsError(`${name} must be a whole number from ${min} to ${max}; got ${JSON.stringify(text)}`);
    return value;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
    const value = env[name];
    if (!value) throw new SettingsError(`${name} must be set (see README.md)`);
    return value;
}

/** The report file must be writable now, not found unwritable after the run (it would turn a pass into a failure). */
function checkWritable(file: string): void {
    try {
        fs.appendFileSync(file, "");
    } catch (e) {
        throw new SettingsError(`EPHEMERAL_REPORT ${JSON.stringify(file)} is not writable: ${(e as Error).message}`);
    }
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
    const smokeText = (env.SMOKE_STEP ?? "command").trim().toLowerCase();
    if (smokeText !== "command" && smokeText !== "direct" && smokeText !== "none")
        throw new SettingsError(`SMOKE_STEP must be command, direct or none; got ${JSON.stringify(env.SMOKE_STEP)}`);
    const recoverText = env.EPHEMERAL_RECOVER ?? "";
    if (!["", "0", "1"].includes(recoverText))
        throw new SettingsError(`EPHEMERAL_RECOVER must be 1 or unset; got ${JSON.stringify(recoverText)}`);
    const recover = recoverText === "1";
    if (recover && !env.STACK_NAME) throw new SettingsError("EPHEMERAL_RECOVER=1 needs STACK_NAME: the stack of the killed run");
    const settings: Settings = {
        stackName: defaultStackName(env),
        smokeStep: smokeText,
        upAttempts: integer(env, "UP_ATTEMPTS", 3, 1, 10),
        // The provider's own range for gracefulShutdownTimeout (provider/schema/resources.ts).
        gracefulShutdownTimeout: integer(env, "GRACEFUL_SHUTDOWN_TIMEOUT", 10, 1, 120),
        reportFile: env.EPHEMERAL_REPORT || undefined,
        recover,
        llmApiKey: recover ? "" : required(env, "LLM_API_KEY"),
        ttsAppId: recover ? "" : required(env, "TTS_APP_ID"),
        ttsToken: recover ? "" : required(env, "TTS_TOKEN"),
        client: () => undefined as never,
    };
    const appId = required(env, "ZEGO_APP_ID");
    const serverSecret = required(env, "ZEGO_SERVER_SECRET");
    const options = {
        appId,
        serverSecret,
        endpoint: env.ZEGO_ENDPOINT || undefined,
        region: (env.ZEGO_REGION || undefined) as ConstructorParameters<typeof ZegoClient>[0]["region"],
    };
    try {
        new ZegoClient(options).close();
    } catch (e) {
        // The client names the bad one (appId, region, endpoint); say which variable it came from.
        throw new SettingsError(`ZEGO_APP_ID / ZEGO_SERVER_SECRET / ZEGO_REGION / ZEGO_ENDPOINT: ${(e as Error).message}`);
    }
    settings.client = () => new ZegoClient(options);
    if (settings.reportFile) checkWritable(settings.reportFile);
    return settings;
}
