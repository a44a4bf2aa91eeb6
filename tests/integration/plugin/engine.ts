/**
 * The engine's side of the provider protocol, for tests: launch the built plugin process
 * (dist/provider/plugin/main.js) as the engine does, read the port from its stdout, and call it
 * with grpc-js, encoding properties the way the engine does with keepSecrets / keepUnknowns.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { isSecret, Props } from "../../../provider/plugin/values";

export const MAIN = path.resolve(__dirname, "../../../provider/plugin/main.js");

export function urn(kind: string, name = "r"): string {
    return `urn:pulumi:test::proj::zego:index:${kind}::${name}`;
}

export const struct = (props: Props) => structproto.Struct.fromJavaScript(props as never);
export const js = (s: structproto.Struct | undefined): Props => (s ? (s.toJavaScript() as Props) : {});

/** The value with every secret-marked subtree replaced by "[secret]": what may appear in plaintext. */
export function visible(value: unknown): unknown {
    if (isSecret(value)) return "[secret]";
    if (Array.isArray(value)) return value.map(visible);
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visible(v)]));
    return value;
}

export class EngineClient {
    private constructor(
        readonly process: ChildProcess,
        readonly client: provrpc.ResourceProviderClient,
        readonly stderr: string[],
    ) {}

    static async launch(env: NodeJS.ProcessEnv = {}): Promise<EngineClient> {
        const clean: NodeJS.ProcessEnv = {};
        for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("ZEGO_")) clean[k] = v;
        const child = spawn(process.execPath, [MAIN, "127.0.0.1:1"], { env: { ...clean, ...env }, stdio: ["ignore", "pipe", "pipe"] });
        const stderr: string[] = [];
        child.stderr!.on("data", (d: Buffer) => stderr.push(d.toString()));
        const port = await new Promise<number>((resolve, reject) => {
            let out = "";
            child.stdout!.on("data", (d: Buffer) => {
                out += d.toString();
                const line = out.split("\n");
                if (line.length > 1) resolve(Number(line[0]));
            });
            child.on("exit", (code) => reject(new Error(`plugin exited with ${code}: ${stderr.join("")}`)));
        });
        const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        return new EngineClient(child, client, stderr);
    }

    call<Req, Res>(method: string, req: Req): Promise<Res> {
        return new Promise((resolve, reject) => {
            const fn = (this.client as unknown as Record<string, (r: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => void>)[
                method
            ];
            if (!fn) throw new Error(`the provider client has no method ${method}`);
            fn.call(this.client, req, (e, r) => (e ? reject(e) : resolve(r)));
        });
    }

    async configure(args: Props): Promise<provproto.ConfigureResponse> {
        const req = new provproto.ConfigureRequest();
        req.setArgs(struct(args));
        req.setAcceptsecrets(true);
        req.setAcceptresources(true);
        return this.call("configure", req);
    }

    async checkConfig(news: Props): Promise<provproto.CheckResponse> {
        const req = new provproto.CheckRequest();
        req.setUrn("urn:pulumi:test::proj::pulumi:providers:zego::default");
        req.setOlds(struct({}));
        req.setNews(struct(news));
        return this.call("checkConfig", req);
    }

    async check(kind: string, news: Props, olds: Props = {}): Promise<provproto.CheckResponse> {
        const req = new provproto.CheckRequest();
        req.setUrn(urn(kind));
        req.setOlds(struct(olds));
        req.setNews(struct(news));
        return this.call("check", req);
    }

    async diff(kind: string, id: string, olds: Props, news: Props): Promise<provproto.DiffResponse> {
        const req = new provproto.DiffRequest();
        req.setUrn(urn(kind));
        req.setId(id);
        req.setOlds(struct(olds));
        req.setNews(struct(news));
        return this.call("diff", req);
    }

    async create(kind: string, props: Props, preview = false): Promise<provproto.CreateResponse> {
        const req = new provproto.CreateRequest();
        req.setUrn(urn(kind));
        req.setProperties(struct(props));
        req.setPreview(preview);
        return this.call("create", req);
    }

    async read(kind: string, id: string, props: Props = {}, inputs: Props = {}): Promise<provproto.ReadResponse> {
        const req = new provproto.ReadRequest();
        req.setUrn(urn(kind));
        req.setId(id);
        req.setProperties(struct(props));
        req.setInputs(struct(inputs));
        return this.call("read", req);
    }

    async update(kind: string, id: string, olds: Props, news: Props, preview = false): Promise<provproto.UpdateResponse> {
        const req = new provproto.UpdateRequest();
        req.setUrn(urn(kind));
        req.setId(id);
        req.setOlds(struct(olds));
        req.setNews(struct(news));
        req.setPreview(preview);
        return this.call("update", req);
    }

    async delete(kind: string, id: string, props: Props): Promise<emptyproto.Empty> {
        const req = new provproto.DeleteRequest();
        req.setUrn(urn(kind));
        req.setId(id);
        req.setProperties(struct(props));
        return this.call("delete", req);
    }

    async invoke(tok: string, args: Props, preview = false): Promise<provproto.InvokeResponse> {
        const req = new provproto.InvokeRequest();
        req.setTok(tok);
        req.setArgs(struct(args));
        req.setPreview(preview);
        return this.call("invoke", req);
    }

    async close(): Promise<void> {
        this.client.close();
        if (this.process.exitCode === null) {
            const exited = new Promise((r) => this.process.once("exit", r));
            this.process.kill("SIGTERM");
            await exited;
        }
    }
}
