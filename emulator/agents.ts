/**
 * Registered agents (RegisterAgent, UpdateAgent, UnregisterAgent, QueryAgents, ListAgents): the
 * configuration an instance falls back to for what its create request leaves out.
 */
import { redact } from "./redact";
import { ApiResult, asObject, failure, invalid, ok, Wire } from "./results";
import type { EmulatedAgent } from "./types";

/** What an instance reads of its agent. */
export interface RegisteredAgent {
    readonly AgentId: string;
    readonly LLM?: Wire;
    readonly TTS?: Wire;
    readonly ASR?: Wire;
}

interface AgentRecord extends RegisteredAgent {
    seq: number;
    Name?: string;
    LLM?: Wire;
    TTS?: Wire;
    ASR?: Wire;
    registeredAt: number;
    updatedAt: number;
}

const CONFIG_KEYS = ["LLM", "TTS", "ASR"] as const;

export function agentNotFound(id: unknown): ApiResult {
    return failure(410001009, `no agent with AgentId ${JSON.stringify(id)} is registered.`);
}

export class AgentRegistry {
    private readonly byId = new Map<string, AgentRecord>();
    private seq = 0;

    constructor(private readonly now: () => number) {}

    get(id: unknown): RegisteredAgent | undefined {
        return this.byId.get(id as string);
    }

    register(b: Wire): ApiResult {
        const id = b.AgentId as string;
        if (this.byId.has(id))
            return failure(410001008, `an agent with AgentId ${JSON.stringify(id)} is already registered (use UpdateAgent).`);
        const now = this.now();
        const agent: AgentRecord = { seq: ++this.seq, AgentId: id, Name: b.Name as string | undefined, registeredAt: now, updatedAt: now };
        for (const key of CONFIG_KEYS) agent[key] = structuredClone(asObject(b[key]));
        this.byId.set(id, agent);
        return ok();
    }

    update(b: Wire): ApiResult {
        const agent = this.byId.get(b.AgentId as string);
        if (!agent) return agentNotFound(b.AgentId);
        // LLM, TTS and ASR are replaced whole ("cover-up manner"); what is omitted is kept.
        if (b.Name !== undefined) agent.Name = b.Name as string;
        for (const key of CONFIG_KEYS) if (b[key] !== undefined) agent[key] = structuredClone(asObject(b[key]));
        agent.updatedAt = this.now();
        return ok();
    }

    unregister(b: Wire): ApiResult {
        if (!this.byId.delete(b.AgentId as string)) return agentNotFound(b.AgentId);
        return ok();
    }

    query(b: Wire): ApiResult {
        const seen = new Set<string>();
        const found: Wire[] = [];
        for (const id of b.AgentIds as string[]) {
            const agent = this.byId.get(id);
            if (agent && !seen.has(id)) {
                seen.add(id);
                found.push(agentWire(agent));
            }
        }
        return ok({ Agents: found });
    }

    list(b: Wire): ApiResult {
        const limit = (b.Limit as number | undefined) || 5;
        const cursor = (b.Cursor as string | undefined) ?? "";
        let after = 0;
        if (cursor !== "") {
            const decoded = decodeCursor(cursor);
            if (decoded === undefined)
                return invalid(`Cursor must be "" or a Cursor returned by ListAgents; got ${JSON.stringify(cursor.slice(0, 60))}.`);
            after = decoded;
        }
        const all = [...this.byId.values()];
        const rest = all.filter((a) => a.seq > after);
        const page = rest.slice(0, limit);
        const last = page.at(-1);
        const next = last && rest.length > page.length ? encodeCursor(last.seq) : "";
        return ok({ Total: all.length, Agents: page.map(agentWire), Cursor: next });
    }

    /** The introspection view (secrets redacted). */
    views(): EmulatedAgent[] {
        return [...this.byId.values()].map((a) => {
            const out: EmulatedAgent = { AgentId: a.AgentId, registeredAt: a.registeredAt, updatedAt: a.updatedAt };
            if (a.Name !== undefined) out.Name = a.Name;
            for (const key of CONFIG_KEYS) if (a[key] !== undefined) out[key] = redact(a[key]);
            return out;
        });
    }

    clear(): void {
        this.byId.clear();
        this.seq = 0;
    }
}

function agentWire(agent: AgentRecord): Wire {
    const out: Wire = { AgentId: agent.AgentId };
    if (agent.Name !== undefined) out.Name = agent.Name;
    for (const key of CONFIG_KEYS) if (agent[key] !== undefined) out[key] = structuredClone(agent[key]);
    return out;
}

function encodeCursor(seq: number): string {
    return Buffer.from(`agents-after:${seq}`).toString("base64url");
}

function decodeCursor(cursor: string): number | undefined {
    const match = /^agents-after:(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
    return match ? Number(match[1]) : undefined;
}
