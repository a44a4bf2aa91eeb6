import { expect } from "chai";
import { LLM, TTS, useEmulator, zego } from "./helpers";
import { must } from "../../must";

describe("emulator: registered agents", () => {
    const ctx = useEmulator();

    it("RegisterAgent, then QueryAgents returns it", async () => {
        expect((await zego(ctx.url, "RegisterAgent", { AgentId: "a1", Name: "One", LLM, TTS })).code).to.equal(0);
        const r = await zego(ctx.url, "QueryAgents", { AgentIds: ["a1", "missing"] });
        expect(r.code).to.equal(0);
        expect(r.data.Agents).to.deep.equal([{ AgentId: "a1", Name: "One", LLM, TTS }]);
    });

    it("LLM and TTS are optional (docs 2026-07-17)", async () => {
        expect((await zego(ctx.url, "RegisterAgent", { AgentId: "bare" })).code).to.equal(0);
    });

    it("registering the same AgentId again → 410001008", async () => {
        await zego(ctx.url, "RegisterAgent", { AgentId: "a1" });
        const r = await zego(ctx.url, "RegisterAgent", { AgentId: "a1" });
        expect(r.code).to.equal(410001008);
    });

    it("UpdateAgent replaces LLM/TTS/ASR whole and keeps what is omitted", async () => {
        await zego(ctx.url, "RegisterAgent", { AgentId: "a1", Name: "One", LLM: { ...LLM, SystemPrompt: "old", Temperature: 1 }, TTS });
        const newLlm = { Url: LLM.Url, ApiKey: "sk-2", Model: "other" };
        expect((await zego(ctx.url, "UpdateAgent", { AgentId: "a1", LLM: newLlm })).code).to.equal(0);
        const r = await zego(ctx.url, "QueryAgents", { AgentIds: ["a1"] });
        expect(r.data.Agents[0]).to.deep.equal({ AgentId: "a1", Name: "One", LLM: newLlm, TTS });
    });

    it("UpdateAgent / UnregisterAgent of an unknown agent → 410001009", async () => {
        expect((await zego(ctx.url, "UpdateAgent", { AgentId: "nope", Name: "x" })).code).to.equal(410001009);
        expect((await zego(ctx.url, "UnregisterAgent", { AgentId: "nope" })).code).to.equal(410001009);
    });

    it("UnregisterAgent removes it", async () => {
        await zego(ctx.url, "RegisterAgent", { AgentId: "a1" });
        expect((await zego(ctx.url, "UnregisterAgent", { AgentId: "a1" })).code).to.equal(0);
        expect((await zego(ctx.url, "QueryAgents", { AgentIds: ["a1"] })).data.Agents).to.deep.equal([]);
        expect(ctx.em.agents()).to.deep.equal([]);
    });

    it("validation → 410000003 with a Message naming the field", async () => {
        const badTemp = await zego(ctx.url, "RegisterAgent", { AgentId: "a1", LLM: { ...LLM, Temperature: 3 } });
        expect(badTemp.code).to.equal(410000003);
        expect(badTemp.json!.Message).to.contain("LLM.Temperature");
        const noId = await zego(ctx.url, "RegisterAgent", { Name: "x" });
        expect(noId.code).to.equal(410000003);
        expect(noId.json!.Message).to.contain("AgentId");
        const badVendor = await zego(ctx.url, "RegisterAgent", { AgentId: "a1", TTS: { ...TTS, Vendor: "" } });
        expect(badVendor.json!.Message).to.contain("TTS.Vendor");
        // A name outside the TTS guide's list, as the docs' own examples send it, is not refused.
        const docsName = await zego(ctx.url, "RegisterAgent", { AgentId: "a2", TTS: { ...TTS, Vendor: "ByteDance" } });
        expect(docsName.code).to.equal(0);
        const noApp = await zego(ctx.url, "RegisterAgent", { AgentId: "a1", TTS: { Vendor: "MiniMax", Params: {} } });
        expect(noApp.json!.Message).to.contain("TTS.Params.app");
        const longName = await zego(ctx.url, "UpdateAgent", { AgentId: "a1", Name: "n".repeat(65) });
        expect(longName.code).to.equal(410000003);
        expect(longName.json!.Message).to.contain("Name");
    });

    it("a validation Message never echoes the ApiKey", async () => {
        const r = await zego(ctx.url, "RegisterAgent", { AgentId: "a1", LLM: { ApiKey: "sk-very-secret", Model: "m", Temperature: 5 } });
        expect(r.code).to.equal(410000003);
        expect(r.json!.Message).to.contain("LLM.Url").and.contain("LLM.Temperature");
        expect(r.json!.Message).not.to.contain("sk-very-secret");
        expect(JSON.stringify(ctx.em.requests())).not.to.contain("sk-very-secret");
    });

    it("QueryAgents takes at most 10 ids", async () => {
        const r = await zego(ctx.url, "QueryAgents", { AgentIds: Array.from({ length: 11 }, (_, i) => `a${i}`) });
        expect(r.code).to.equal(410000003);
        expect(r.json!.Message).to.contain("AgentIds");
        expect((await zego(ctx.url, "QueryAgents", {})).code).to.equal(410000003);
    });

    it("ListAgents pages with Limit (default 5) and Cursor, with Total", async () => {
        for (let i = 0; i < 12; i++) await zego(ctx.url, "RegisterAgent", { AgentId: `a${String(i).padStart(2, "0")}` });
        const first = await zego(ctx.url, "ListAgents", {});
        expect(first.data.Total).to.equal(12);
        expect(first.data.Agents.map((a: { AgentId: string }) => a.AgentId)).to.deep.equal(["a00", "a01", "a02", "a03", "a04"]);
        expect(first.data.Cursor).to.be.a("string").and.not.equal("");
        const zero = await zego(ctx.url, "ListAgents", { Limit: 0, Cursor: "" });
        expect(zero.data.Agents).to.have.length(5);

        const seen: string[] = [];
        let cursor = "";
        let pages = 0;
        do {
            const page = await zego(ctx.url, "ListAgents", { Limit: 4, Cursor: cursor });
            expect(page.code).to.equal(0);
            seen.push(...page.data.Agents.map((a: { AgentId: string }) => a.AgentId));
            cursor = page.data.Cursor;
            pages++;
        } while (cursor !== "");
        expect(pages).to.equal(3);
        expect(seen).to.have.length(12);
    });

    it("ListAgents: a cursor survives deletions; Limit out of range or a bad Cursor → 410000003", async () => {
        for (let i = 0; i < 6; i++) await zego(ctx.url, "RegisterAgent", { AgentId: `a${i}` });
        const first = await zego(ctx.url, "ListAgents", { Limit: 3 });
        await zego(ctx.url, "UnregisterAgent", { AgentId: "a2" });
        await zego(ctx.url, "UnregisterAgent", { AgentId: "a3" });
        const second = await zego(ctx.url, "ListAgents", { Limit: 3, Cursor: first.data.Cursor });
        expect(second.data.Agents.map((a: { AgentId: string }) => a.AgentId)).to.deep.equal(["a4", "a5"]);
        expect(second.data.Cursor).to.equal("");
        expect(second.data.Total).to.equal(4);

        const tooMany = await zego(ctx.url, "ListAgents", { Limit: 11 });
        expect(tooMany.code).to.equal(410000003);
        expect(tooMany.json!.Message).to.contain("Limit");
        expect((await zego(ctx.url, "ListAgents", { Limit: -1 })).code).to.equal(410000003);
        const badCursor = await zego(ctx.url, "ListAgents", { Cursor: "garbage" });
        expect(badCursor.code).to.equal(410000003);
        expect(badCursor.json!.Message).to.contain("Cursor");
    });

    it("agents() shows registrations with secrets redacted", async () => {
        await zego(ctx.url, "RegisterAgent", { AgentId: "a1", LLM, TTS });
        const agent = must(ctx.em.agents()[0], "ctx.em.agents()[0]");
        expect(agent.AgentId).to.equal("a1");
        expect((agent.LLM as Record<string, unknown>).ApiKey).to.equal("***");
        expect((agent.TTS as { Params: Record<string, unknown> }).Params.app).to.equal("***");
        expect((agent.TTS as { Params: Record<string, unknown> }).Params.speaker).to.equal("x");
    });
});
