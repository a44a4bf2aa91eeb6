/** An HTTP endpoint that counts connections, with provider settings (env) pointing at it: for tests that no call is made. */
import * as http from "http";

export async function countingEndpoint(): Promise<{ env: Record<string, string>; connections: () => number; close: () => void }> {
    let connections = 0;
    const server = http.createServer((_req, res) => res.end()).on("connection", () => connections++);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    // Credentials and an endpoint are configured, so a call could be made.
    const env = {
        ZEGO_APP_ID: "1234",
        ZEGO_SERVER_SECRET: "0123456789abcdef0123456789abcdef",
        ZEGO_ENDPOINT: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    };
    return { env, connections: () => connections, close: () => server.close() };
}
