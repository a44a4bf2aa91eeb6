import { expect } from "chai";
import { EmulatorControl, EmulatorControlError, startEmulator } from "../../../emulator";
import { rejectionOf } from "../../rejection";
import { APP_ID, createInstance, Emulator, LLM, registerAgent, SECRET, TTS, useEmulator, zego } from "./helpers";
import { must } from "../../must";

describe("emulator: control API over HTTP (EmulatorControl)", () => {
    const ctx = useEmulator();
    let control: EmulatorControl;
    beforeEach(async () => {
        control = new EmulatorControl(`${ctx.url}/`);
        await registerAgent(ctx.url);
    });

    it("health, instances, instance, agents, requests, stats and options", async () => {
        await control.waitUntilReady(1000);
        expect(await control.health()).to.deep.equal({ ok: true, appId: APP_ID, url: ctx.url });
        const id = await createInstance(ctx.url, 1);
        expect((await control.instances()).map((i) => i.agentInstanceId)).to.deep.equal([id]);
        expect((await control.liveInstances()).map((i) => i.agentInstanceId)).to.deep.equal([id]);
        expect(await control.instances("deleted")).to.deep.equal([]);
        expect((await control.instance(id)).state).to.equal("live");
        expect((await control.agents()).map((a) => a.AgentId)).to.deep.equal(["agent-1"]);
        const requests = await control.requests();
        expect(requests.map((r) => r.action)).to.deep.equal(["RegisterAgent", "CreateAgentInstance"]);
        expect((await control.requests({ since: 1 })).map((r) => r.seq)).to.deep.equal([2]);
        expect((await control.requests({ action: "RegisterAgent" })).map((r) => r.seq)).to.deep.equal([1]);
        const stats = await control.stats();
        expect(stats).to.include({ requests: 2, throttled: 0, faults: 0, duplicateCreations: 0, maxLive: 1 });
        expect(stats.byAction).to.deep.equal({ RegisterAgent: 1, CreateAgentInstance: 1 });
        const options = await control.options();
        expect(options).to.include({ appId: APP_ID, concurrencyLimit: 10, deleteMode: "async" });
        expect(JSON.stringify(options)).not.to.contain(SECRET);
    });

    it("busy and script make an agent busy, as QueryAgentInstanceStatus then says", async () => {
        const id = await createInstance(ctx.url, 1);
        const busy = await control.setBusy(id, { status: "THINKING", seconds: 30 });
        expect(busy.status).to.equal("THINKING");
        expect((await zego(ctx.url, "QueryAgentInstanceStatus", { AgentInstanceId: id })).data.Status).to.equal("THINKING");
        expect((await control.setBusy(id, { seconds: 30 })).status).to.equal("SPEAKING");
        await control.script(id, [
            { status: "LISTENING", seconds: 30 },
            { status: "SPEAKING", seconds: 1 },
        ]);
        expect((await zego(ctx.url, "QueryAgentInstanceStatus", { AgentInstanceId: id })).data.Status).to.equal("LISTENING");
        expect((await control.setBusy(id, { seconds: 0 })).status).to.equal("IDLE");
        expect((await control.setUserPresent(id, true)).userPresent).to.equal(true);
    });

    it("errors: 404 unknown instance or route, 400 bad input, 405 wrong method", async () => {
        const expectError = async (p: Promise<unknown>, status: number, pattern: RegExp) => {
            const err = await rejectionOf(p);
            expect(err).to.be.instanceOf(EmulatorControlError);
            expect((err as EmulatorControlError).status).to.equal(status);
            expect(err.message).to.match(pattern);
        };
        const id = await createInstance(ctx.url, 1);
        await expectError(control.setBusy("nope", { seconds: 1 }), 404, /no instance/);
        await expectError(control.instance("nope"), 404, /no instance/);
        await expectError(control.setBusy(id, { status: "IDLE" as never, seconds: 1 }), 400, /status/);
        await expectError(control.setBusy(id, { seconds: -1 }), 400, /seconds/);
        await expectError(control.script(id, [{ status: "NAPPING" as never, seconds: 1 }]), 400, /steps\[0\]\.status/);
        await expectError(control.setOptions({ concurrencyLimit: "x" as never }), 400, /concurrencyLimit/);
        await expectError(control.setOptions({ bogus: 1 } as never), 400, /bogus/);
        await expectError(control.setFaults({ resetRate: 5 }), 400, /resetRate/);
        expect((await fetch(`${ctx.url}/_emulator/nothing`)).status).to.equal(404);
        const wrong = await fetch(`${ctx.url}/_emulator/reset`);
        expect(wrong.status).to.equal(405);
        expect(wrong.headers.get("allow")).to.equal("POST");
        await zego(ctx.url, "DeleteAgentInstance", { AgentInstanceId: id });
        await expectError(control.setBusy(id, { seconds: 1 }), 404, /deleted/);
    });

    it("setOptions and setFaults over HTTP", async () => {
        const options = await control.setOptions({ concurrencyLimit: 1, deleteMode: "wait" });
        expect(options).to.include({ concurrencyLimit: 1, deleteMode: "wait" });
        await createInstance(ctx.url, 1);
        expect(
            (
                await zego(ctx.url, "CreateAgentInstance", {
                    AgentId: "agent-1",
                    UserId: "u2",
                    RTC: { RoomId: "r", AgentStreamId: "s2", AgentUserId: "a2", UserStreamId: "x" },
                })
            ).code,
        ).to.equal(410000011);
        const faults = await control.setFaults({ seed: 5, http5xxRate: 1, http5xxStatuses: [504] });
        expect(faults).to.deep.include({ seed: 5, http5xxRate: 1, http5xxStatuses: [504] });
        expect((await zego(ctx.url, "ListAgents")).status).to.equal(504);
        // The control API is neither faulted nor counted.
        const before = (await control.stats()).requests;
        await control.stats();
        expect((await control.stats()).requests).to.equal(before);
        await control.setFaults({});
        expect((await zego(ctx.url, "ListAgents")).code).to.equal(0);
    });

    it("reset forgets agents, instances, requests, stats and nonces, and keeps options and faults", async () => {
        await control.setOptions({ concurrencyLimit: 4 });
        await control.setFaults({ seed: 9, actions: ["Nothing"] });
        await createInstance(ctx.url, 1);
        await control.reset();
        expect(await control.instances()).to.deep.equal([]);
        expect(await control.agents()).to.deep.equal([]);
        expect(await control.requests()).to.deep.equal([]);
        expect(await control.stats()).to.include({ requests: 0, maxLive: 0 });
        expect(await control.options()).to.deep.include({ concurrencyLimit: 4 });
        expect(((await control.options()).faults as Record<string, unknown>).seed).to.equal(9);
        expect(ctx.em.instances()).to.deep.equal([]);
    });
});

describe("emulator: secrets in the request log and introspection", () => {
    const ctx = useEmulator();

    it("redacts LLM.ApiKey, TTS/ASR Params.app and keys like key/secret/token/password", async () => {
        await zego(ctx.url, "RegisterAgent", {
            AgentId: "a1",
            LLM: { ...LLM, Params: { max_tokens: 100, api_key: "pk-1", nested: { password: "pw-1" } } },
            TTS,
            ASR: { Vendor: "Tencent", Params: { app: { secret_id: "asr-1" }, hotwords: "x" } },
        });
        const entry = must(ctx.em.requests()[0], "ctx.em.requests()[0]");
        const body = entry.body as Record<string, any>;
        expect(body.LLM.ApiKey).to.equal("***");
        expect(body.LLM.Params).to.deep.equal({ max_tokens: 100, api_key: "***", nested: { password: "***" } });
        expect(body.TTS.Params).to.deep.equal({ app: "***", speaker: "x" });
        expect(body.ASR.Params).to.deep.equal({ app: "***", hotwords: "x" });
        const everything = JSON.stringify([ctx.em.requests(), ctx.em.agents(), ctx.em.instances()]);
        for (const secret of [LLM.ApiKey, "pk-1", "pw-1", "tts-secret", "asr-1"]) expect(everything).not.to.contain(secret);
    });

    it("a URL that does not parse is redacted by the same parameter names as one that does (?access_token=, &sig=, #cookie=)", async () => {
        // A space in the host: new URL() throws, so the parameters are read from the text.
        const broken = (query: string) => `https://llm example.com/v1${query}`;
        const params = {
            a: broken("?access_token=T-1"),
            b: broken("?page=2&sig=S-2"),
            c: broken("#cookie=C-3"),
            d: broken("?page=2&lang=en"),
            e: "https://user:P-4@llm example.com/v1",
        };
        await zego(ctx.url, "RegisterAgent", { AgentId: "a1", LLM: { ...LLM, Params: params } });
        const body = ctx.em.requests()[0]?.body as Record<string, any>;
        expect(body.LLM.Params).to.deep.equal({ a: "***", b: "***", c: "***", d: params.d, e: "***" });
    });

    it("keeps documented non-secret fields such as AdvancedConfig.LLMMetaInfo.SendMetaKeys", async () => {
        await registerAgent(ctx.url);
        await createInstance(ctx.url, 1, { AdvancedConfig: { LLMMetaInfo: { SendMetaKeys: ["emotion"] } } });
        const inst = must(ctx.em.instances()[0], "ctx.em.instances()[0]");
        expect((inst.body.AdvancedConfig as any).LLMMetaInfo.SendMetaKeys).to.deep.equal(["emotion"]);
    });

    it("the log option gets one line per request, without secrets", async () => {
        const lines: string[] = [];
        const em: Emulator = await startEmulator({ appId: APP_ID, serverSecret: SECRET, log: (l) => lines.push(l) });
        try {
            await zego(em.url, "RegisterAgent", { AgentId: "a1", LLM });
            expect(lines.some((l) => /#1 POST RegisterAgent → HTTP 200, Code 0/.test(l))).to.equal(true);
            expect(lines.join("\n")).not.to.contain(LLM.ApiKey);
            expect(lines.join("\n")).not.to.contain(SECRET);
        } finally {
            await em.close();
        }
    });
});

describe("emulator: every bad control request is a 4xx naming what was wrong", () => {
    const ctx = useEmulator();
    const raw = async (method: string, path: string, body?: string) => {
        const response = await fetch(`${ctx.url}/_emulator${path}`, {
            method,
            headers: body === undefined ? undefined : { "Content-Type": "application/json" },
            body,
        });
        const text = await response.text();
        return {
            status: response.status,
            type: response.headers.get("content-type") ?? "",
            error: (JSON.parse(text) as { error?: string }).error,
        };
    };

    it("a POST body over 1 MiB is a 413, never treated as {} (a large /faults must not clear every fault)", async () => {
        ctx.em.setFaults({ latencyMs: 5 });
        const big = JSON.stringify({ latencyMs: 7, pad: "x".repeat(1024 * 1024) });
        const r = await raw("POST", "/faults", big);
        expect(r.status).to.equal(413);
        expect(r.error).to.contain("exceeds 1048576 bytes");
        expect(ctx.em.options().faults.latencyMs, "the faults in force are unchanged").to.equal(5);
    });

    it("a malformed %-escape in an id is a 400 in JSON, not a plain-text 500", async () => {
        for (const path of ["/instances/%zz", "/instances/%E0%A4%A/busy"]) {
            const r = await raw(path.endsWith("busy") ? "POST" : "GET", path, path.endsWith("busy") ? "{}" : undefined);
            expect(r.status, path).to.equal(400);
            expect(r.type).to.contain("application/json");
            expect(r.error).to.contain("not validly percent-encoded");
        }
    });

    it("/faults rejects unknown keys like /options does (a typo must not inject nothing)", async () => {
        const r = await raw("POST", "/faults", JSON.stringify({ http5xxRatee: 1 }));
        expect(r.status).to.equal(400);
        expect(r.error).to.contain("faults.http5xxRatee is not a fault option").and.to.contain("http5xxRate");
        expect(() => ctx.em.setFaults({ resetrate: 1 } as never)).to.throw(RangeError, /faults\.resetrate is not a fault option/);
    });

    it("?state=bogus and ?since=abc are 400s, not []", async () => {
        const state = await raw("GET", "/instances?state=bogus");
        expect(state.status).to.equal(400);
        expect(state.error).to.contain("state must be one of live, shutting-down, deleted").and.to.contain('"bogus"');
        for (const since of ["abc", "-1", "1.5", ""]) {
            const r = await raw("GET", `/requests?since=${since}`);
            expect(r.status, `since=${since}`).to.equal(400);
            expect(r.error).to.contain("since must be a request sequence number");
        }
        expect((await raw("GET", "/instances?state=deleted")).status).to.equal(200);
        expect((await raw("GET", "/requests?since=0")).status).to.equal(200);
    });
});
