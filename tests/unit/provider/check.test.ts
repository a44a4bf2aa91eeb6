import { expect } from "chai";
import { ZegoClient } from "../../../provider/client/client";
import { createLifecycleContext } from "../../../provider/lifecycle/context";
import { lifecycleProviders } from "../../../provider/lifecycle/providers";
import { Settings } from "../../../provider/lifecycle/settings";
import { countingEndpoint } from "./countingEndpoint";
import { providers } from "../../../provider/runtime";
import { UNKNOWN } from "../../../provider/schema/unknown";
import { splitSecrets } from "../../../provider/schema/secrets";
import { BAD_INPUTS, badArgs, isAbout } from "../../fixtures/badInputs";
import { LLM_API_KEY, TTS_TOKEN, ASR_SECRET, validInstanceArgs } from "../../harness/fixtures";

/** Inputs as the resource class hands them to the provider: secrets hoisted into `secrets`. */
function asProps(args: Record<string, unknown>): Record<string, unknown> {
    const { publicArgs, secrets } = splitSecrets(args);
    return { ...publicArgs, secrets };
}

describe("AgentInstance check", () => {
    const check = providers.AgentInstance.check;

    it("accepts valid arguments", async () => {
        const result = await check({}, asProps(validInstanceArgs()));
        expect(result.failures).to.deep.equal([]);
    });

    it(`rejects each of ${BAD_INPUTS.length} bad inputs with a message naming the field, what is allowed and what was given`, async () => {
        expect(BAD_INPUTS.length).to.be.at.least(25);
        for (const bad of BAD_INPUTS) {
            const { failures = [] } = await check({}, asProps(badArgs(bad)));
            const failure = failures.find((f) => isAbout(f, bad.property));
            expect(failure, `${bad.name}: no failure for ${bad.property}; got ${JSON.stringify(failures)}`).to.not.equal(undefined);
            for (const fragment of bad.expect) {
                expect(failure!.reason, bad.name).to.contain(fragment);
            }
            expect(failure!.reason, bad.name).to.contain(bad.property);
        }
    });

    it("never echoes a secret in a failure", async () => {
        const args = validInstanceArgs();
        const bad = { ...args, llm: { ...(args.llm as object), apiKey: `${LLM_API_KEY} with spaces`, temperature: 9 }, userId: "" };
        const { failures = [] } = await check({}, asProps(bad));
        const text = JSON.stringify(failures);
        expect(text).to.contain("llm.temperature").and.contain("userId");
        for (const secret of [LLM_API_KEY, TTS_TOKEN, ASR_SECRET]) expect(text).to.not.contain(secret);
        const empty = await check({}, asProps({ ...args, llm: { ...(args.llm as object), apiKey: "" } }));
        expect(JSON.stringify(empty.failures)).to.contain("llm.apiKey").and.contain("a secret string of 0 characters");
    });

    it("tolerates unknown values during preview", async () => {
        const args = validInstanceArgs();
        const props = asProps({
            ...args,
            agentId: UNKNOWN,
            rtc: { ...(args.rtc as object), roomId: UNKNOWN },
            gracefulShutdownTimeout: UNKNOWN,
        });
        // 0.1.0 hoisted the credentials into `secrets`; now they are unknown where they are.
        delete props.secrets;
        props.llm = { ...(props.llm as object), apiKey: UNKNOWN };
        props.tts = { ...(props.tts as object), params: { app: UNKNOWN } };
        const { failures } = await check({}, props);
        expect(failures).to.deep.equal([]);
    });

    it("returns the inputs unchanged (no defaults that would show up as diffs)", async () => {
        const props = asProps(validInstanceArgs());
        const result = await check({}, props);
        expect(result.inputs).to.deep.equal(props);
    });

    it("makes no network call", async () => {
        // Credentials and an endpoint are configured, so a call could be made; no client may be.
        const { env, connections, close } = await countingEndpoint();
        let clientsMade = 0;
        const context = createLifecycleContext({
            settings: new Settings(env),
            createClient: (options) => {
                clientsMade++;
                return new ZegoClient(options);
            },
        });
        const own = lifecycleProviders(context).AgentInstance;
        try {
            await own.check({}, asProps(validInstanceArgs()));
            await own.diff("id", { ...asProps(validInstanceArgs()), agentInstanceId: "id" }, asProps(validInstanceArgs("2")));
        } finally {
            context.clients.clear();
            close();
        }
        expect(clientsMade, "clients made").to.equal(0);
        expect(connections()).to.equal(0);
    });
});

describe("Agent check", () => {
    it("rejects a bad agentId and an unknown field", async () => {
        const { failures = [] } = await providers.Agent.check({}, { agentId: "bad id", nmae: "x", secrets: {} });
        expect(failures.map((f) => f.property)).to.deep.equal(["", ""]);
        expect(failures.some((f) => isAbout(f, "agentId"))).to.equal(true);
        expect(failures.some((f) => isAbout(f, "nmae"))).to.equal(true);
    });
});

describe("server secret check", () => {
    // A pasted secret with a newline signs every call wrongly: the client refuses it, so preview must too.
    const pasted = "0123456789abcdef0123456789abcdef\n";

    for (const [where, settings] of [
        ["env ZEGO_SERVER_SECRET", new Settings({ ZEGO_APP_ID: "1", ZEGO_SERVER_SECRET: pasted })],
        [
            'stack config "zego:serverSecret"',
            (() => {
                const s = new Settings({});
                s.configure({ get: (key) => ({ "zego:appId": "1", "zego:serverSecret": ` ${pasted.trim()}` })[key] });
                return s;
            })(),
        ],
    ] as const) {
        it(`fails check, naming ${where}, when the secret has surrounding whitespace (never printing it)`, async () => {
            const own = lifecycleProviders(createLifecycleContext({ settings })).AgentInstance;
            let message = "";
            await own.check({}, asProps(validInstanceArgs())).catch((e: Error) => (message = e.message));
            expect(message).to.include(where);
            expect(message).to.include("leading or trailing whitespace");
            expect(message).to.not.include(pasted.trim());
        });
    }
});
