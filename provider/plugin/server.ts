/**
 * The `zego` resource-provider gRPC service over the lifecycle of the dynamic resources
 * (provider/runtime.ts `providers`, as lifecycle/pluginHost.ts serves them to the plugin), modelled on
 * Pulumi's dynamic-provider host (@pulumi/pulumi cmd/dynamic-provider). It only translates: protobuf to
 * lifecycle calls and back, secrets unwrapped on the way in and marked on the way out. Differences that
 * make it a native provider: it serves a schema, takes provider config through
 * CheckConfig/DiffConfig/Configure, accepts secrets (and re-marks them, and every credential, on outputs
 * at their own paths, so state is encrypted) and supports preview (DryRun) creates and updates.
 */
import * as grpc from "@grpc/grpc-js";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as anyproto from "google-protobuf/google/protobuf/any_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { FUNCTION_NAMES, isFunctionName, runFunction } from "../lifecycle/functions";
import { pluginLifecycles } from "../lifecycle/pluginHost";
import { PartialCreateError } from "../lifecycle/provider";
import { pluginDebug } from "../lifecycle/settings";
import { configure, defaultContext, providers } from "../runtime";
import type { FunctionName } from "../schema/functions";
import { ResourceKind, secretOutputs } from "../schema/resources";
import { withCredentialsSecret } from "../schema/secrets";
import { checkConfig, configReader, sameSetting, SECRET_CONFIG } from "./config";
import { markSecrets, Path, Props, unwrapSecrets } from "./values";

export const PACKAGE = "zego";
/** Every kind's lifecycle as the plugin serves it: this module only translates gRPC requests to its calls. */
const lifecycle = pluginLifecycles(providers);
const KINDS = Object.keys(lifecycle) as ResourceKind[];

/** `urn:pulumi:stack::project::[parent$]zego:index:Agent::name` → "Agent". */
export function kindOfUrn(urn: string): ResourceKind {
    const type = urn.split("::")[2]?.split("$").pop() ?? "";
    const kind = KINDS.find((k) => type === `${PACKAGE}:index:${k}`);
    if (!kind)
        throw new Error(
            `unknown resource type ${JSON.stringify(type)}; the zego provider has ${KINDS.map((k) => `${PACKAGE}:index:${k}`).join(", ")}`,
        );
    return kind;
}

/** `zego:index:getAgent` → "getAgent". */
export function functionOfToken(token: string): FunctionName {
    const name = token.startsWith(`${PACKAGE}:index:`) ? token.slice(`${PACKAGE}:index:`.length) : "";
    if (!isFunctionName(name))
        throw new Error(
            `unknown function ${JSON.stringify(token)}; the zego provider has ${FUNCTION_NAMES.map((f) => `${PACKAGE}:index:${f}`).join(", ")}`,
        );
    return name;
}

function plain(struct: structproto.Struct | undefined): { props: Props; secretPaths: Path[] } {
    const { value, secretPaths } = unwrapSecrets(struct ? struct.toJavaScript() : {});
    return { props: value as Props, secretPaths };
}

/**
 * Outputs stored encrypted, of any kind (`secretOutputs`, which the dynamic resources' `additionalSecretOutputs`
 * use too; an output absent from a kind's properties is not marked): the digital human's client config, 0.1.0's `secrets`.
 */
const SECRET_OUTPUTS: readonly Path[] = [...new Set(KINDS.flatMap(secretOutputs))].map((key) => [key]);

/**
 * Outgoing properties, secret where the dynamic resources make them secret (provider/resources/inputs.ts):
 * every credential (`isCredential`), the secret outputs and everything the program marked secret,
 * each at its own path; a `secrets` property of state written by 0.1.0 stays secret too.
 */
function toStruct(props: Props, secretPaths: readonly Path[] = []): structproto.Struct {
    const clean: Props = {};
    for (const [k, v] of Object.entries(props)) if (v !== undefined) clean[k] = v;
    // Values the lifecycle already marked (a read-back credential) are unwrapped first, so nothing is marked twice.
    const { value, secretPaths: markedPaths } = unwrapSecrets(clean);
    const marked = markSecrets(withCredentialsSecret(value) as Props, [...secretPaths, ...markedPaths, ...SECRET_OUTPUTS]);
    return structproto.Struct.fromJavaScript(marked as never);
}

type Handler<Req, Res> = (req: Req) => Promise<Res>;

function unary<Req, Res>(name: string, fn: Handler<Req, Res>) {
    return (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => {
        fn(call.request).then(
            (res) => callback(null, res),
            (e: unknown) => {
                const err = e instanceof Error ? e : new Error(String(e));
                if (pluginDebug()) console.error(`${name}: ${err.stack}`);
                const response = errorResponse(err);
                callback(response, null, response.metadata);
            },
        );
    };
}

/** A create that made the remote object but failed later: the engine keeps the id (ErrorResourceInitFailed), so destroy can clean up. */
function errorResponse(e: Error): grpc.ServiceError {
    const metadata = new grpc.Metadata();
    if (e instanceof PartialCreateError) {
        const status = new statusproto.Status();
        status.setCode(grpc.status.UNKNOWN);
        status.setMessage(e.message);
        const detail = new provproto.ErrorResourceInitFailed();
        detail.setId(e.id);
        detail.setProperties(toStruct(e.properties));
        detail.setReasonsList(e.reasons);
        const any = new anyproto.Any();
        any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
        status.addDetails(any);
        metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
    }
    return Object.assign(new Error(e.message), { code: grpc.status.UNKNOWN, details: e.message, metadata });
}

function failuresList(failures: { property: string; reason: string }[]): provproto.CheckFailure[] {
    return failures.map((f) => {
        const failure = new provproto.CheckFailure();
        failure.setProperty(f.property);
        failure.setReason(f.reason);
        return failure;
    });
}

function diffChanges(changes: boolean | undefined) {
    const C = provproto.DiffResponse.DiffChanges;
    return changes === true ? C.DIFF_SOME : changes === false ? C.DIFF_NONE : C.DIFF_UNKNOWN;
}

function unimplemented(what: string) {
    return (_call: unknown, callback: grpc.sendUnaryData<never>) =>
        callback(
            { code: grpc.status.UNIMPLEMENTED, details: `${what} is not implemented by the zego provider` } as grpc.ServiceError,
            null,
        );
}

export interface ServiceOptions {
    version: string;
    schema: () => string;
}

export function providerService(options: ServiceOptions): grpc.UntypedServiceImplementation {
    let cancelled = false;
    return {
        getPluginInfo: unary("GetPluginInfo", async () => {
            const info = new plugproto.PluginInfo();
            info.setVersion(options.version);
            return info;
        }),
        getSchema: unary("GetSchema", async (_req: provproto.GetSchemaRequest) => {
            const res = new provproto.GetSchemaResponse();
            res.setSchema(options.schema());
            return res;
        }),
        checkConfig: unary("CheckConfig", async (req: provproto.CheckRequest) => {
            const { props, secretPaths } = plain(req.getNews());
            const res = new provproto.CheckResponse();
            res.setInputs(toStruct(props, [...secretPaths, ...SECRET_CONFIG.map((k) => [k])]));
            res.setFailuresList(failuresList(checkConfig(props)));
            return res;
        }),
        diffConfig: unary("DiffConfig", async (req: provproto.DiffRequest) => {
            const olds = plain(req.getOldInputs() ?? req.getOlds()).props;
            const news = plain(req.getNews()).props;
            const changed = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((k) => !sameSetting(olds[k], news[k]));
            const res = new provproto.DiffResponse();
            // No replaces: a change of app or endpoint is a diff of each resource (lifecycle diff), not of the provider.
            // The engine also asks this when a resource moves here by an alias from the dynamic resources, with the
            // pulumi-nodejs provider's config as olds (step_generator.go providerChanged): a replace there would
            // replace every moved resource.
            res.setChanges(diffChanges(changed.length > 0));
            res.setDiffsList(changed);
            return res;
        }),
        configure: unary("Configure", async (req: provproto.ConfigureRequest) => {
            const variables: Record<string, string> = {};
            req.getVariablesMap().forEach((v, k) => (variables[k] = v));
            configure(configReader(plain(req.getArgs()).props, variables));
            const res = new provproto.ConfigureResponse();
            res.setAcceptsecrets(true);
            res.setSupportspreview(true);
            res.setAcceptresources(false);
            return res;
        }),
        check: unary("Check", async (req: provproto.CheckRequest) => {
            const kind = kindOfUrn(req.getUrn());
            const olds = plain(req.getOlds()).props;
            const { props, secretPaths } = plain(req.getNews());
            const result = await lifecycle[kind].check(olds, props);
            const res = new provproto.CheckResponse();
            res.setInputs(toStruct((result.inputs ?? props) as Props, secretPaths));
            res.setFailuresList(failuresList(result.failures ?? []));
            return res;
        }),
        diff: unary("Diff", async (req: provproto.DiffRequest) => {
            const kind = kindOfUrn(req.getUrn());
            const result = await lifecycle[kind].diff(req.getId(), plain(req.getOlds()).props, plain(req.getNews()).props);
            const res = new provproto.DiffResponse();
            res.setChanges(diffChanges(result.changes));
            res.setReplacesList(result.replaces ?? []);
            // The changed properties: the engine needs them to apply a replaceOnChanges option.
            res.setDiffsList(result.diffs ?? []);
            res.setDeletebeforereplace(result.deleteBeforeReplace ?? false);
            return res;
        }),
        create: unary("Create", async (req: provproto.CreateRequest) => {
            const kind = kindOfUrn(req.getUrn());
            const { props, secretPaths } = plain(req.getProperties());
            const res = new provproto.CreateResponse();
            if (req.getPreview()) {
                res.setId("");
                res.setProperties(toStruct(lifecycle[kind].preview(props), secretPaths));
                return res;
            }
            if (cancelled) throw new Error("the zego provider was cancelled; not creating");
            const result = await lifecycle[kind].create(props, { timeoutSeconds: req.getTimeout() });
            res.setId(result.id);
            res.setProperties(toStruct(result.outs ?? {}, secretPaths));
            return res;
        }),
        read: unary("Read", async (req: provproto.ReadRequest) => {
            const kind = kindOfUrn(req.getUrn());
            const { props, secretPaths } = plain(req.getProperties());
            const result = await lifecycle[kind].read(req.getId(), props);
            const res = new provproto.ReadResponse();
            // An empty result means the object is gone: the engine then drops it from state.
            res.setId(result.id ?? "");
            if (result.props) res.setProperties(toStruct(result.props as Props, secretPaths));
            if (result.inputs) res.setInputs(toStruct(result.inputs as Props, secretPaths));
            return res;
        }),
        update: unary("Update", async (req: provproto.UpdateRequest) => {
            const kind = kindOfUrn(req.getUrn());
            const olds = plain(req.getOlds()).props;
            const { props: news, secretPaths } = plain(req.getNews());
            const res = new provproto.UpdateResponse();
            if (req.getPreview()) {
                res.setProperties(toStruct(lifecycle[kind].preview(news, olds), secretPaths));
                return res;
            }
            const result = await lifecycle[kind].update(req.getId(), olds, news, { timeoutSeconds: req.getTimeout() });
            res.setProperties(toStruct((result.outs ?? news) as Props, secretPaths));
            return res;
        }),
        delete: unary("Delete", async (req: provproto.DeleteRequest) => {
            const kind = kindOfUrn(req.getUrn());
            // The resource's customTimeouts (seconds, 0: none) bound each operation (lifecycle/timeouts.ts).
            await lifecycle[kind].delete(req.getId(), plain(req.getProperties()).props, { timeoutSeconds: req.getTimeout() });
            return new emptyproto.Empty();
        }),
        cancel: unary("Cancel", async () => {
            // Operations already running finish (a graceful delete is bounded by its own timeout); no new create starts.
            cancelled = true;
            return new emptyproto.Empty();
        }),
        invoke: unary("Invoke", async (req: provproto.InvokeRequest) => {
            // Called at preview as at update (req.getPreview()), like registry providers' functions: a read is safe, and
            // the engine refuses unknown values in a function's result (provider_plugin.go Invoke: RejectUnknowns), so
            // there is no "unknown at preview" to return; without credentials it fails, naming the settings to set.
            const name = functionOfToken(req.getTok());
            const res = new provproto.InvokeResponse();
            // toStruct marks every credential in the result secret (withCredentialsSecret).
            res.setReturn(toStruct((await runFunction(defaultContext, name, plain(req.getArgs()).props)) as Props));
            return res;
        }),
        call: unimplemented("Call"),
        construct: unimplemented("Construct"),
        parameterize: unimplemented("Parameterize"),
        attach: unimplemented("Attach"),
        getMapping: unimplemented("GetMapping"),
        getMappings: unimplemented("GetMappings"),
        handshake: unimplemented("Handshake"),
        list: (call: grpc.ServerWritableStream<unknown, unknown>) =>
            call.emit("error", { code: grpc.status.UNIMPLEMENTED, details: "List is not implemented by the zego provider" }),
    };
}

/** Start the service on a loopback port; resolves to the server and its port. */
export async function startServer(options: ServiceOptions): Promise<{ server: grpc.Server; port: number }> {
    const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
    server.addService(provrpc.ResourceProviderService, providerService(options));
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    return { server, port };
}
