/**
 * The settings as one pure function of their sources (issue 26): each key by its row in SETTINGS
 * (parser and order), into a frozen snapshot; validation is a look at its failures.
 */
import { expect } from "chai";
import { checkConfig } from "../../../provider/plugin/config";
import { defaultContext } from "../../../provider/runtime";
import { ENV_VARS, ORDER, resolveSettings, SETTINGS, SettingName, SettingSpec } from "../../../provider/lifecycle/settings";

const SECRET = "0123456789abcdef0123456789abcdef";

describe("resolveSettings", () => {
    it("derives each key's order from its row: envFirst ones environment, own, stack config, default; the rest stack config first", () => {
        for (const name of Object.keys(SETTINGS) as SettingName[]) {
            const spec: SettingSpec = SETTINGS[name];
            expect(ORDER[name], name).to.deep.equal(
                spec.envFirst ? ["env", "own", "stackConfig", "default"] : ["stackConfig", "env", "default"],
            );
        }
    });

    it("takes each value from the first source of its order, parsed, and says which", () => {
        const { values, sources } = resolveSettings({
            stackConfig: { appId: "1", gracefulShutdown: "true", gracefulShutdownTimeout: "40", deleteWaitMargin: "40" },
            env: { ZEGO_APP_ID: "2", ZEGO_SERVER_SECRET: SECRET, ZEGO_GRACEFUL_SHUTDOWN: "no", ZEGO_DELETE_WAIT_MARGIN: "" },
            own: { gracefulShutdown: true, gracefulShutdownTimeout: 50 },
        });
        expect(values).to.deep.equal({
            appId: 1,
            serverSecret: SECRET,
            gracefulShutdown: false,
            gracefulShutdownTimeout: 50,
            waitForDeletion: true,
            deleteWaitMargin: 40,
        });
        expect(sources).to.deep.equal({
            appId: "stackConfig",
            serverSecret: "env",
            gracefulShutdown: "env",
            gracefulShutdownTimeout: "own",
            waitForDeletion: "default",
            deleteWaitMargin: "stackConfig", // an empty variable is not set
        });
    });

    it("reads only the sources given (not process.env) and returns a frozen snapshot", () => {
        const saved = process.env[ENV_VARS.appId];
        process.env[ENV_VARS.appId] = "7";
        try {
            const snapshot = resolveSettings({ stackConfig: { get: () => undefined }, env: {} });
            expect(snapshot.values.appId).to.equal(undefined);
            for (const part of [snapshot, snapshot.values, snapshot.sources, snapshot.given, snapshot.given.appId, snapshot.failures])
                expect(Object.isFrozen(part)).to.equal(true);
        } finally {
            if (saved === undefined) delete process.env[ENV_VARS.appId];
            else process.env[ENV_VARS.appId] = saved;
        }
    });

    it("returns every refused value, in effect or not, naming the key or variable, what is allowed and what was given; never a secret", () => {
        const pasted = ` ${SECRET}`;
        const { failures } = resolveSettings({
            stackConfig: { get: (key) => ({ "zego:appId": "12ab", "zego:serverSecret": pasted, "zego:region": "mars" })[key] },
            env: { ZEGO_APP_ID: "x", ZEGO_REQUEST_TIMEOUT_MS: "1.5" },
        });
        expect(failures.map((f) => [f.key, f.source])).to.deep.equal([
            ["appId", "stackConfig"],
            ["appId", "env"],
            ["serverSecret", "stackConfig"],
            ["requestTimeoutMs", "env"],
            ["region", "stackConfig"],
        ]);
        expect(failures[0]?.message).to.equal(
            `stack config "zego:appId" must be a positive integer (your ZEGO AppID, up to 4294967295); got "12ab".`,
        );
        expect(failures[3]?.message).to.equal(`env ZEGO_REQUEST_TIMEOUT_MS must be an integer from 1 to 600000 (milliseconds); got "1.5".`);
        expect(failures[4]?.message).to.match(/^Invalid zego:region \/ ZEGO_REGION: must be one of .*; got "mars"\.$/);
        for (const f of failures) expect(f.message).to.not.include(SECRET);
    });
});

describe("the plugin's CheckConfig", () => {
    afterEach(() => defaultContext.settings.reset());

    it("validates a candidate config without touching the provider's configured settings", () => {
        // Configured as the dynamic provider's runtime does (runtime.ts configure), not through the plugin's Configure.
        const configured: Record<string, string> = { "zego:appId": "42", "zego:endpoint": "http://127.0.0.1:1" };
        defaultContext.settings.configure({ get: (key) => configured[key] });
        const failures = checkConfig({ appId: "12ab", endpoint: "ftp://x" });
        expect(failures.map((f) => f.property)).to.deep.equal(["appId", "endpoint"]);
        expect(defaultContext.settings.configuredTarget()).to.deep.equal({ appId: 42, endpoint: "http://127.0.0.1:1", region: undefined });
    });

    it("judges the candidate config alone: a bad ZEGO_* variable is not the config's failure", () => {
        const saved = process.env[ENV_VARS.endpoint];
        process.env[ENV_VARS.endpoint] = "ftp://x";
        try {
            expect(checkConfig({ appId: "1", region: "sgp" })).to.deep.equal([]);
        } finally {
            if (saved === undefined) delete process.env[ENV_VARS.endpoint];
            else process.env[ENV_VARS.endpoint] = saved;
        }
    });
});
