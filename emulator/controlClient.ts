/**
 * A client of the control API (controlRouter.ts lists the routes), for processes other than the
 * one running the emulator: a Pulumi provider under test, a demo, a test runner.
 */
import { CONTROL_PREFIX } from "./server";
import type {
    BusyOptions,
    EmulatedAgent,
    EmulatedInstance,
    EmulatorOptionsView,
    EmulatorStats,
    FaultOptions,
    InstanceState,
    MutableOptions,
    RequestLogEntry,
    ScriptStep,
} from "./types";

/** Thrown by EmulatorControl when the control API answers with an error. */
export class EmulatorControlError extends Error {
    constructor(
        message: string,
        readonly status: number,
    ) {
        super(message);
        this.name = "EmulatorControlError";
    }
}

/**
 * A client of the control API, for processes other than the one running the emulator:
 *
 *   const control = new EmulatorControl("http://127.0.0.1:4000");
 *   await control.setBusy(instanceId, { status: "SPEAKING", seconds: 5 });
 */
export class EmulatorControl {
    readonly baseUrl: string;

    /** `url`: the emulator's URL (as printed by the CLI, or handle.url). */
    constructor(url: string) {
        this.baseUrl = url.replace(/\/+$/, "");
    }

    health(): Promise<{ ok: boolean; appId: number; url: string }> {
        return this.call("GET", "/health");
    }

    /** Poll /health until it answers (for an emulator started as another process). */
    async waitUntilReady(timeoutMs = 10000, intervalMs = 50): Promise<void> {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            try {
                await this.health();
                return;
            } catch (err) {
                if (Date.now() >= deadline)
                    throw new Error(`ZEGO AI Agent emulator at ${this.baseUrl} not ready after ${timeoutMs} ms: ${(err as Error).message}`);
                await new Promise((resolve) => setTimeout(resolve, intervalMs));
            }
        }
    }

    instances(state?: InstanceState): Promise<EmulatedInstance[]> {
        return this.call("GET", state ? `/instances?state=${encodeURIComponent(state)}` : "/instances");
    }

    instance(agentInstanceId: string): Promise<EmulatedInstance> {
        return this.call("GET", `/instances/${encodeURIComponent(agentInstanceId)}`);
    }

    liveInstances(): Promise<EmulatedInstance[]> {
        return this.instances("live");
    }

    agents(): Promise<EmulatedAgent[]> {
        return this.call("GET", "/agents");
    }

    requests(filter: { since?: number; action?: string } = {}): Promise<RequestLogEntry[]> {
        const q = new URLSearchParams();
        if (filter.since !== undefined) q.set("since", String(filter.since));
        if (filter.action !== undefined) q.set("action", filter.action);
        const query = q.toString();
        return this.call("GET", `/requests${query ? `?${query}` : ""}`);
    }

    stats(): Promise<EmulatorStats> {
        return this.call("GET", "/stats");
    }

    options(): Promise<EmulatorOptionsView> {
        return this.call("GET", "/options");
    }

    async reset(): Promise<void> {
        await this.call("POST", "/reset", {});
    }

    setBusy(agentInstanceId: string, busy: BusyOptions): Promise<EmulatedInstance> {
        return this.call("POST", `/instances/${encodeURIComponent(agentInstanceId)}/busy`, busy);
    }

    script(agentInstanceId: string, steps: ScriptStep[]): Promise<EmulatedInstance> {
        return this.call("POST", `/instances/${encodeURIComponent(agentInstanceId)}/script`, { steps });
    }

    setUserPresent(agentInstanceId: string, present: boolean): Promise<EmulatedInstance> {
        return this.call("POST", `/instances/${encodeURIComponent(agentInstanceId)}/user`, { present });
    }

    setFaults(faults: FaultOptions): Promise<FaultOptions> {
        return this.call("POST", "/faults", faults);
    }

    /** JSON-safe options only (not `now` or `log`). */
    setOptions(partial: Partial<Omit<MutableOptions, "now" | "log">>): Promise<EmulatorOptionsView> {
        return this.call("POST", "/options", partial);
    }

    private async call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
        const response = await fetch(`${this.baseUrl}${CONTROL_PREFIX}${path}`, {
            method,
            headers: body === undefined ? undefined : { "Content-Type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        let value: unknown;
        try {
            value = text ? JSON.parse(text) : undefined;
        } catch {
            value = undefined;
        }
        if (!response.ok) {
            const error = (value as { error?: string } | undefined)?.error ?? text;
            throw new EmulatorControlError(`${method} ${CONTROL_PREFIX}${path}: HTTP ${response.status}: ${error}`, response.status);
        }
        return value as T;
    }
}
