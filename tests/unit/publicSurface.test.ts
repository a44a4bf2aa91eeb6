import { expect } from "chai";
import * as path from "node:path";
import ts from "typescript";

/**
 * Every name the package root exports is frozen by semver. This pins the list, types included,
 * so an accidental export (an `export *` of a helper module) fails here instead of shipping.
 */
const PUBLIC_VALUES = [
    "Agent",
    "AgentInstance",
    "CONFIG_KEYS",
    "Code",
    "DEFAULTS",
    "DigitalHumanAgentInstance",
    "ENV_VARS",
    "LiveDigitalHumanAgentInstance",
    "UNKNOWN",
    "ZegoAbortError",
    "ZegoApiError",
    "ZegoClient",
    "ZegoConfigError",
    "ZegoError",
    "ZegoValidationError",
    "computeSignature",
    "getAgent",
    "getAgentInstanceStatus",
    "isZegoApiError",
    "listAgents",
];

const PUBLIC_TYPES = [
    "AbortPhase",
    "AdaptivePacingOptions",
    "AddAgentInstanceMsgRequest",
    "AdvancedConfig",
    "AgentArgs",
    "AgentConfig",
    "AgentInstanceArgs",
    "AgentStatus",
    "Asr",
    "CallbackConfig",
    "ClientEvent",
    "ClientEventListener",
    "ClientEventType",
    "ClientStats",
    "Clock",
    "CreateAgentInstanceRequest",
    "CreateDigitalHumanAgentInstanceRequest",
    "CreateLiveDigitalHumanAgentInstanceRequest",
    "DeleteAgentInstanceRequest",
    "DeletionSettings",
    "DigitalHuman",
    "DigitalHumanAgentInstanceArgs",
    "FunctionOptions",
    "GetAgentArgs",
    "GetAgentInstanceStatusArgs",
    "GetAgentInstanceStatusResult",
    "GetAgentResult",
    "KnownTtsVendor",
    "ListAgentsPage",
    "ListeningRequest",
    "LiveDigitalHumanAgentInstanceArgs",
    "ListAgentsResult",
    "LiveRtc",
    "Llm",
    "Message",
    "MessageHistory",
    "MessageList",
    "Priority",
    "Region",
    "RequestOptions",
    "RetryBudgetOptions",
    "RetryPolicy",
    "RoundResult",
    "Rtc",
    "SamePriorityOption",
    "SendLlmRequest",
    "SendTtsRequest",
    "TextFilter",
    "Tts",
    "UpdateAgentInstanceRequest",
    "Vad",
    "VendorParams",
    "ZegoApiErrorDetails",
    "ZegoClientOptions",
    // A resource's own ZEGO app (the `connection` argument, issue 29).
    "ZegoConnection",
];

const ROOT = path.resolve(__dirname, "../../..");

/** The names a module exports as the compiler sees them: values and types alike. */
function exportedNames(file: string): string[] {
    const program = ts.createProgram([file], { noEmit: true, skipLibCheck: true, types: [] });
    const source = program.getSourceFile(file);
    if (source === undefined) throw new Error(`not compiled: ${file}`);
    const checker = program.getTypeChecker();
    const moduleSymbol = checker.getSymbolAtLocation(source);
    if (moduleSymbol === undefined) throw new Error(`not a module: ${file}`);
    return checker
        .getExportsOfModule(moduleSymbol)
        .map((s) => s.getName())
        .sort();
}

/** `pulumi-zego-aiagent/testing`: emulator-side helpers for testing stacks (testing/index.ts). */
const TESTING_VALUES = ["assertNoSecrets", "emulatorConfig", "startTestEmulator"];

/** `pulumi-zego-aiagent/callbacks`: verify and parse ZEGO's agent callbacks (provider/callbacks.ts). */
const CALLBACKS_NAMES = [
    "AgentInstanceCreatedEvent",
    "AgentInstanceDeletedEvent",
    "AgentInstanceMetaInfoEvent",
    "AgentInstanceStatusEvent",
    "AsrResultEvent",
    "CallbackEnvelope",
    "CallbackEvent",
    "CallbackVerificationError",
    "DELETED_REASONS",
    "DeletedCode",
    "DeletedReason",
    "ExceptionEvent",
    "InterruptedEvent",
    "LatencyData",
    "LlmResultEvent",
    "UnknownCallbackEvent",
    "UserAudioDataEvent",
    "UserSpeakActionEvent",
    "VerifyCallbackOptions",
    "callbackSignature",
    "verifyCallback",
];
const CALLBACKS_VALUES = ["CallbackVerificationError", "DELETED_REASONS", "callbackSignature", "verifyCallback"];

describe("public surface", () => {
    it("the package root exports exactly the pinned names, types included", function () {
        this.timeout(120000);
        const expected = [...PUBLIC_VALUES, ...PUBLIC_TYPES].sort();
        expect(exportedNames(path.join(ROOT, "provider/index.ts"))).to.deep.equal(expected);
    });

    it("at run time, the package root has exactly the pinned values", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const root = require("../../provider") as Record<string, unknown>;
        expect(Object.keys(root).sort()).to.deep.equal([...PUBLIC_VALUES].sort());
    });

    it("pulumi-zego-aiagent/testing exports exactly the pinned names, and at run time nothing else", function () {
        this.timeout(120000);
        expect(exportedNames(path.join(ROOT, "testing/index.ts"))).to.deep.equal(TESTING_VALUES);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const testing = require("../../testing") as Record<string, unknown>;
        expect(Object.keys(testing).sort()).to.deep.equal(TESTING_VALUES);
    });

    it("pulumi-zego-aiagent/callbacks exports exactly the pinned names, and at run time only its values", function () {
        this.timeout(120000);
        expect(exportedNames(path.join(ROOT, "provider/callbacks.ts"))).to.deep.equal([...CALLBACKS_NAMES].sort());
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const callbacks = require("../../provider/callbacks") as Record<string, unknown>;
        expect(Object.keys(callbacks).sort()).to.deep.equal(CALLBACKS_VALUES);
    });
});
