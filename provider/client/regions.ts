/**
 * Where requests go: the documented regional hosts ("Accessing Server APIs"), or an explicit
 * endpoint (the local emulator, a test peer, a future host). HTTPS only, except on loopback, where
 * the emulator runs plain HTTP: the query carries the Signature, which must not cross a network
 * in clear text.
 */
import { ZegoConfigError } from "./errors";

export const REGION_ENDPOINTS = {
    sha: "https://aigc-aiagent-api-sha.zegotech.cn",
    hkg: "https://aigc-aiagent-api-hkg.zegotech.cn",
    fra: "https://aigc-aiagent-api-fra.zegotech.cn",
    lax: "https://aigc-aiagent-api-lax.zegotech.cn",
    bom: "https://aigc-aiagent-api-bom.zegotech.cn",
    sgp: "https://aigc-aiagent-api-sgp.zegotech.cn",
} as const;

export type Region = keyof typeof REGION_ENDPOINTS;
export const REGIONS = Object.keys(REGION_ENDPOINTS) as Region[];

/** The unified host: routes to any region (the docs advise the regional host nearest the caller). */
export const UNIFIED_ENDPOINT = "https://aigc-aiagent-api.zegotech.cn";

export interface EndpointOptions {
    /** Full base URL; overrides `region` and the default. */
    readonly endpoint?: string;
    readonly region?: string;
}

/** The base URL (no trailing slash) requests go to. Throws ZegoConfigError for a bad option. */
export function resolveEndpoint(options: EndpointOptions): string {
    // The region is checked even when an endpoint overrides it: a typo is still worth reporting.
    const region = options.region === undefined ? undefined : resolveRegion(options.region);
    if (options.endpoint !== undefined) return checkEndpoint(options.endpoint);
    return region ? REGION_ENDPOINTS[region] : UNIFIED_ENDPOINT;
}

function resolveRegion(given: unknown): Region {
    const allowed = `one of ${REGIONS.map((r) => `"${r}"`).join(", ")} (or omit it for the unified host ${UNIFIED_ENDPOINT})`;
    if (typeof given !== "string") {
        throw new ZegoConfigError("region", `Invalid ZEGO client option "region": must be ${allowed}; got ${describeValue(given)}.`);
    }
    const region = given.trim().toLowerCase();
    if (!(REGIONS as string[]).includes(region)) {
        throw new ZegoConfigError("region", `Invalid ZEGO client option "region": must be ${allowed}; got ${JSON.stringify(given)}.`);
    }
    return region as Region;
}

function checkEndpoint(given: unknown): string {
    const allowed =
        "an https:// URL such as https://aigc-aiagent-api.zegotech.cn (http:// is allowed only for loopback hosts: 127.0.0.0/8, localhost, [::1])";
    const reject = (what: string): never => {
        throw new ZegoConfigError("endpoint", `Invalid ZEGO client option "endpoint": must be ${allowed}; got ${what}.`);
    };
    if (typeof given !== "string") return reject(describeValue(given));
    let url: URL;
    try {
        url = new URL(given.trim());
    } catch {
        return reject(`${JSON.stringify(given)}, which is not a URL`);
    }
    // Credentials in a URL end up in logs; don't echo them.
    if (url.username || url.password) return reject("a URL with user credentials in it (not shown)");
    const shown = JSON.stringify(url.origin + url.pathname);
    if (url.protocol !== "https:" && url.protocol !== "http:") return reject(`${shown} (scheme ${url.protocol.replace(/:$/, "")})`);
    if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) return reject(`${shown}, a plain-http URL for a non-loopback host`);
    if (url.search || url.hash) return reject(`${shown} with a query or fragment (the client adds the query)`);
    return (url.origin + url.pathname).replace(/\/+$/, "");
}

/** 127.0.0.0/8, localhost and [::1], as the WHATWG URL parser normalises them. */
export function isLoopbackHost(hostname: string): boolean {
    const host = hostname.toLowerCase();
    return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The endpoint is a loopback URL (the emulator): no proxy applies. */
export function isLoopbackEndpoint(endpoint: string): boolean {
    return isLoopbackHost(new URL(endpoint).hostname);
}

function describeValue(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "a list";
    if (typeof value === "string") return JSON.stringify(value);
    return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}
