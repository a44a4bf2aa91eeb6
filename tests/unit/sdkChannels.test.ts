/** testing/sdkChannels.ts: why the harness gives the SDK's gRPC clients their own subchannel pools. */
import { expect } from "chai";
import * as path from "path";
import { isolateSdkChannels, LOCAL_SUBCHANNEL_POOL, sdkClientOptions } from "../../testing/sdkChannels";

// The grpc-js the SDK itself uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const grpc = require(
    require.resolve("@grpc/grpc-js", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] }),
) as typeof import("@grpc/grpc-js");

const ping = {
    ping: {
        path: "/test.T/Ping",
        requestStream: false,
        responseStream: false,
        requestSerialize: (s: string) => Buffer.from(s),
        requestDeserialize: (b: Buffer) => b.toString(),
        responseSerialize: (s: string) => Buffer.from(s),
        responseDeserialize: (b: Buffer) => b.toString(),
    },
};
const Client = grpc.makeGenericClientConstructor(ping, "T");
type PingClient = InstanceType<typeof Client> & {
    ping(req: string, cb: (err: { code: number; details: string } | null, res?: string) => void): void;
};

const call = (c: PingClient) =>
    new Promise<string>((resolve) => c.ping("hi", (err, res) => resolve(err ? `${err.code} ${err.details}` : `ok ${res}`)));

const bind = (server: InstanceType<typeof grpc.Server>, port: number) =>
    new Promise<number>((resolve, reject) =>
        server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );

/**
 * An engine that has exited, a client of it still open in this process (as the SDK leaves an
 * inline run's), then a new engine on the same port and a new client with `options`: what its
 * first call gets.
 */
async function firstCallToReusedPort(options: object): Promise<{ stale: string; fresh: string }> {
    const gone = new grpc.Server();
    const port = await bind(gone, 0);
    gone.forceShutdown();
    const staleClient = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), options) as PingClient;
    const stale = await call(staleClient);
    const engine = new grpc.Server();
    engine.addService(ping, { ping: (_: unknown, cb: (e: null, r: string) => void) => cb(null, "pong") });
    await bind(engine, port);
    const freshClient = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), options) as PingClient;
    try {
        return { stale, fresh: await call(freshClient) };
    } finally {
        freshClient.close();
        staleClient.close();
        engine.forceShutdown();
    }
}

describe("testing/sdkChannels: the SDK's gRPC clients get their own subchannel pools", () => {
    it("with grpc-js's shared pool, a stale client of an exited engine fails the first call to a new engine on its port (CI's error)", async () => {
        const { stale, fresh } = await firstCallToReusedPort({});
        expect(stale).to.match(/^14 .*ECONNREFUSED/);
        expect(fresh).to.equal("14 No connection established. Last error: null. Resolution note: ");
    });

    it("with the SDK's client options after isolateSdkChannels(), the new engine answers", async () => {
        isolateSdkChannels();
        const options = sdkClientOptions();
        expect(options[LOCAL_SUBCHANNEL_POOL]).to.equal(1);
        const { stale, fresh } = await firstCallToReusedPort(options);
        expect(stale).to.match(/^14 .*ECONNREFUSED/);
        expect(fresh).to.equal("ok pong");
    });
});
