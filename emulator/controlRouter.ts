/**
 * The control API: the handle's methods over HTTP, under /_emulator/ (JSON, no signing, never
 * faulted or rate limited), so a process other than the one running the emulator (a Pulumi
 * provider under test, a demo) can inspect it and make agents busy; EmulatorControl
 * (controlClient.ts) is their client.
 *
 *   GET  /_emulator/health                       {ok, appId, url}
 *   GET  /_emulator/instances[?state=S]          EmulatedInstance[]
 *   GET  /_emulator/instances/<id>               EmulatedInstance (404 if unknown)
 *   GET  /_emulator/agents                       EmulatedAgent[]
 *   GET  /_emulator/requests[?since=SEQ&action=A] RequestLogEntry[]
 *   GET  /_emulator/stats                        EmulatorStats
 *   GET  /_emulator/options                      the options in force (no secret)
 *   POST /_emulator/reset                        {ok: true}
 *   POST /_emulator/instances/<id>/busy          {status?, seconds}      → the instance
 *   POST /_emulator/instances/<id>/script        {steps: [{status, seconds}]} → the instance
 *   POST /_emulator/instances/<id>/user          {present}               → the instance
 *   POST /_emulator/faults                       FaultOptions            → the fault options in force
 *   POST /_emulator/options                      Partial<MutableOptions> → the options in force
 *
 * Errors, as {error} naming what was wrong: 400 (bad input: a bad query value, an unknown option or
 * fault key, a malformed %-escape in an id), 404 (unknown route or instance), 405 (wrong method),
 * 413 (a body over 1 MiB: it is never treated as `{}`).
 */
import type * as http from "http";
import { EmulatorRequestError } from "./results";
import { CONTROL_PREFIX, MAX_BODY_BYTES, sendJson } from "./server";
import type { BusyOptions, EmulatorHandle, EmulatorInspector, FaultOptions, InstanceState, MutableOptions, ScriptStep } from "./types";

/** What the control routes act on: the handle. */
export type ControlTarget = Pick<EmulatorHandle, "url" | "appId"> & EmulatorInspector;

type Route = { method: "GET" | "POST"; pattern: RegExp; run: (t: ControlTarget, m: RegExpExecArray, url: URL, body: unknown) => unknown };

const ID = "([^/]+)";
const INSTANCE_STATES: readonly InstanceState[] = ["live", "shutting-down", "deleted"];
const ROUTES: Route[] = [
    { method: "GET", pattern: /^\/health$/, run: (t) => ({ ok: true, appId: t.appId, url: t.url }) },
    {
        method: "GET",
        pattern: /^\/instances$/,
        run: (t, _m, url) => {
            const state = url.searchParams.get("state");
            if (state !== null && !(INSTANCE_STATES as readonly string[]).includes(state))
                throw new EmulatorRequestError(`state must be one of ${INSTANCE_STATES.join(", ")}; got ${JSON.stringify(state)}.`, 400);
            return state ? t.instances().filter((i) => i.state === state) : t.instances();
        },
    },
    {
        method: "GET",
        pattern: new RegExp(`^/instances/${ID}$`),
        run: (t, m) => t.instance(pathId(m)) ?? notFound(`no instance ${JSON.stringify(pathId(m))}.`),
    },
    { method: "GET", pattern: /^\/agents$/, run: (t) => t.agents() },
    {
        method: "GET",
        pattern: /^\/requests$/,
        run: (t, _m, url) => {
            const sinceText = url.searchParams.get("since") ?? "0";
            if (!/^\d+$/.test(sinceText))
                throw new EmulatorRequestError(
                    `since must be a request sequence number (0 or more); got ${JSON.stringify(sinceText)}.`,
                    400,
                );
            const since = Number(sinceText);
            const action = url.searchParams.get("action");
            return t.requests().filter((r) => r.seq > since && (action === null || r.action === action));
        },
    },
    { method: "GET", pattern: /^\/stats$/, run: (t) => t.stats() },
    { method: "GET", pattern: /^\/options$/, run: (t) => t.options() },
    {
        method: "POST",
        pattern: /^\/reset$/,
        run: (t) => {
            t.reset();
            return { ok: true };
        },
    },
    {
        method: "POST",
        pattern: new RegExp(`^/instances/${ID}/busy$`),
        run: (t, m, _u, body) => {
            const id = pathId(m);
            t.setBusy(id, objectBody(body) as unknown as BusyOptions);
            return t.instance(id);
        },
    },
    {
        method: "POST",
        pattern: new RegExp(`^/instances/${ID}/script$`),
        run: (t, m, _u, body) => {
            const id = pathId(m);
            t.script(id, objectBody(body).steps as ScriptStep[]);
            return t.instance(id);
        },
    },
    {
        method: "POST",
        pattern: new RegExp(`^/instances/${ID}/user$`),
        run: (t, m, _u, body) => {
            const id = pathId(m);
            t.setUserPresent(id, objectBody(body).present as boolean);
            return t.instance(id);
        },
    },
    {
        method: "POST",
        pattern: /^\/faults$/,
        run: (t, _m, _u, body) => {
            t.setFaults(objectBody(body) as FaultOptions);
            return t.options().faults;
        },
    },
    {
        method: "POST",
        pattern: /^\/options$/,
        run: (t, _m, _u, body) => {
            t.setOptions(objectBody(body) as Partial<MutableOptions>);
            return t.options();
        },
    },
];

/** The route's id segment (its first group), percent-decoded; a malformed escape (`%zz`) is a 400, not a crash. */
function pathId(m: RegExpExecArray): string {
    const segment = m[1];
    if (segment === undefined) throw new Error(`control route for ${m[0]} has no id group`);
    try {
        return decodeURIComponent(segment);
    } catch {
        throw new EmulatorRequestError(`the id ${JSON.stringify(segment)} is not validly percent-encoded.`, 400);
    }
}

function notFound(message: string): never {
    throw new EmulatorRequestError(message, 404);
}

function objectBody(body: unknown): Record<string, unknown> {
    if (body === null || typeof body !== "object" || Array.isArray(body))
        throw new EmulatorRequestError("the body must be a JSON object.", 400);
    return body as Record<string, unknown>;
}

/** Serve one control request. */
export async function handleControl(
    target: ControlTarget,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    raw: Buffer,
    tooLarge = false,
): Promise<void> {
    const path = url.pathname.slice(CONTROL_PREFIX.length) || "/";
    const matching = ROUTES.filter((r) => r.pattern.test(path));
    if (matching.length === 0) return sendJson(res, 404, { error: `no control route ${url.pathname}` });
    const route = matching.find((r) => r.method === req.method);
    if (!route) {
        res.setHeader("Allow", matching.map((r) => r.method).join(", "));
        return sendJson(res, 405, { error: `${url.pathname} takes ${matching.map((r) => r.method).join(" or ")}` });
    }
    if (tooLarge) return sendJson(res, 413, { error: `the body exceeds ${MAX_BODY_BYTES} bytes` });
    let body: unknown = {};
    if (route.method === "POST" && raw.length > 0) {
        try {
            body = JSON.parse(raw.toString("utf8"));
        } catch {
            return sendJson(res, 400, { error: "the body is not JSON" });
        }
    }
    try {
        const result = route.run(target, route.pattern.exec(path)!, url, body);
        sendJson(res, 200, result ?? null);
    } catch (err) {
        if (err instanceof EmulatorRequestError) return sendJson(res, err.status, { error: err.message });
        if (err instanceof RangeError || err instanceof TypeError) return sendJson(res, 400, { error: err.message });
        throw err;
    }
}
