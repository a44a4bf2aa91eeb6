import { expect } from "chai";
import * as grpc from "@grpc/grpc-js";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineproto from "@pulumi/pulumi/proto/engine_pb";
import { engineAddress, engineLogger } from "../../../provider/plugin/engineLog";

describe("plugin: lines to the engine's Log service", () => {
    it("finds the engine's address among the plugin's arguments", () => {
        expect(engineAddress(["--logtostderr", "-v=9", "127.0.0.1:41234"])).to.equal("127.0.0.1:41234");
        expect(engineAddress(["localhost:5000", "--tracing", "x"])).to.equal("localhost:5000");
        expect(engineAddress([])).to.equal(undefined);
    });

    it("sends each line to a real gRPC Engine service, warnings as warnings; falls back to stderr when the engine is gone", async () => {
        const received: { severity: number; message: string }[] = [];
        const server = new grpc.Server();
        server.addService(enginerpc.EngineService, {
            log: (call: grpc.ServerUnaryCall<engineproto.LogRequest, emptyproto.Empty>, cb: grpc.sendUnaryData<emptyproto.Empty>) => {
                received.push({ severity: call.request.getSeverity(), message: call.request.getMessage() });
                cb(null, new emptyproto.Empty());
            },
        } as never);
        const port = await new Promise<number>((resolve, reject) =>
            server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
        );
        const fallback: string[] = [];
        const log = engineLogger(`127.0.0.1:${port}`, (m) => fallback.push(m));
        log("waiting up to 30 s");
        log("warning: kicked");
        for (let i = 0; i < 100 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
        expect(received).to.deep.equal([
            { severity: engineproto.LogSeverity.INFO, message: "[pulumi-zego-aiagent] waiting up to 30 s" },
            { severity: engineproto.LogSeverity.WARNING, message: "[pulumi-zego-aiagent] kicked" },
        ]);
        await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
        server.forceShutdown();
        log("after the engine is gone");
        for (let i = 0; i < 250 && fallback.length < 1; i++) await new Promise((r) => setTimeout(r, 20));
        expect(fallback).to.deep.equal(["after the engine is gone"]);
    });
});
