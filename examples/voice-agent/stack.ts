/**
 * A voice AI agent on ZEGOCLOUD: one registered agent (its default LLM/TTS/ASR settings) and one agent
 * instance per user, all in one RTC room. `index.ts` runs it as a Pulumi program; the ephemeral-env
 * example and the repository's e2e tests run the same function as an Automation API inline program.
 *
 * Stack config read here (project namespace, i.e. `zego-voice-agent:<key>` for this project):
 *
 *   llmApiKey        secret, required   API key of the OpenAI-compatible LLM endpoint
 *   ttsAppId         required           ByteDance (Volcano Engine) TTS app id
 *   ttsToken         secret, required   ByteDance TTS access token
 *   llmUrl, llmModel, systemPrompt, ttsVoice, asrVendor      optional, see defaults below
 *   roomId           default "voice_room"
 *   users            default ["alice", "bob"]: one agent instance per user
 *   namePrefix       default "": prepended to every ZEGO id (agent, room, streams, users), so several
 *                    stacks can share one ZEGO app (the ephemeral-env example uses "ci-<run id>-")
 *   adoptExistingAgent  default false: take over the AgentId if it is already registered
 *   gracefulShutdown, gracefulShutdownTimeout, waitForDeletion
 *                    optional per-instance deletion settings; unset ones fall back to the
 *                    zego:gracefulShutdown / zego:gracefulShutdownTimeout / zego:waitForDeletion stack
 *                    config, then to the defaults (graceful, 30 s, wait until gone)
 *
 * Provider config (`zego:appId`, `zego:serverSecret`, `zego:region`, ...) is read by the provider itself,
 * not here: see docs/installation-configuration.md.
 */
import * as pulumi from "@pulumi/pulumi";
import { Agent, AgentInstance, Asr } from "pulumi-zego-aiagent";

export interface VoiceAgentOutputs {
    /** The registered AgentId. */
    agentId: pulumi.Output<string>;
    roomId: string;
    /** user -> AgentInstanceId */
    instanceIds: pulumi.Output<Record<string, string>>;
    /** user -> status at the last up/refresh (IDLE, LISTENING, THINKING, SPEAKING) */
    statuses: pulumi.Output<Record<string, string>>;
    /** The ZEGO API endpoint the instances were created at (region, or zego:endpoint). */
    endpoint: pulumi.Output<string>;
}

const DEFAULT_LLM_URL = "https://ark.cn-beijing.volces.com/api/v3/chat/completions";
const DEFAULT_LLM_MODEL = "doubao-1-5-pro-32k-250115";
const DEFAULT_VOICE = "zh_female_wanwanxiaohe_moon_bigtts";

export function voiceAgentStack(config: pulumi.Config = new pulumi.Config()): VoiceAgentOutputs {
    const prefix = config.get("namePrefix") ?? "";
    const roomId = `${prefix}${config.get("roomId") ?? "voice_room"}`;
    const users = config.getObject<string[]>("users") ?? ["alice", "bob"];

    // Secrets come from encrypted stack config: `pulumi config set --secret llmApiKey ...`. The provider
    // keeps them encrypted in state, each at its own path, and out of the preview diff.
    const llm = {
        url: config.get("llmUrl") ?? DEFAULT_LLM_URL,
        apiKey: config.requireSecret("llmApiKey"),
        model: config.get("llmModel") ?? DEFAULT_LLM_MODEL,
        systemPrompt: config.get("systemPrompt") ?? "You are a friendly voice assistant. Answer in one or two short sentences.",
        temperature: 0.7,
        params: { max_tokens: 512 },
    };
    const tts = {
        vendor: "ByteDanceV3" as const,
        // `params.app` holds the vendor credentials: the provider treats the whole object as secret.
        params: {
            app: { appid: config.require("ttsAppId"), token: config.requireSecret("ttsToken"), cluster: "volcano_tts" },
            audio: { voice_type: config.get("ttsVoice") ?? DEFAULT_VOICE, speed_ratio: 1.0 },
        },
    };
    const asr = { vendor: (config.get("asrVendor") ?? "Tencent") as Asr["vendor"] };

    // The agent's registered defaults. Changing llm/tts/asr here updates it in place (UpdateAgent).
    const agent = new Agent("assistant", {
        agentId: `${prefix}voice_assistant`,
        name: "Voice assistant",
        llm,
        tts,
        asr,
        adoptExisting: config.getBoolean("adoptExistingAgent") ?? false,
    });

    // A Map, in `users` order: every user has an instance, and the first one gives the endpoint.
    const instances = new Map<string, AgentInstance>();
    for (const user of users) {
        instances.set(
            user,
            new AgentInstance(`agent-${user}`, {
                agentId: agent.agentId,
                userId: `${prefix}${user}`,
                // Room and stream ids: a change replaces the instance (delete first, since the AgentUserId is reused).
                rtc: {
                    roomId,
                    agentStreamId: `${prefix}agent_${user}_stream`,
                    agentUserId: `${prefix}agent_${user}`,
                    userStreamId: `${prefix}${user}_stream`,
                },
                // LLM, TTS (except vendor/filters) and ASR update in place (UpdateAgentInstance).
                llm,
                tts,
                asr,
                vad: { turnDetectConfig: { silenceSegmentation: 500 } },
                messageHistory: { syncMode: 1, messages: [], windowSize: 10 },
                // Deletion: DeleteAgentInstance lets the agent finish its sentence (docs/guide.md, "Graceful shutdown").
                gracefulShutdown: config.getBoolean("gracefulShutdown"),
                gracefulShutdownTimeout: config.getNumber("gracefulShutdownTimeout"),
                waitForDeletion: config.getBoolean("waitForDeletion"),
            }),
        );
    }

    const byUser = <T>(pick: (instance: AgentInstance) => pulumi.Output<T>): pulumi.Output<Record<string, T>> =>
        pulumi.all(Object.fromEntries([...instances].map(([user, instance]) => [user, pick(instance)]))) as pulumi.Output<
            Record<string, T>
        >;

    const [first] = instances.values();
    return {
        agentId: agent.agentId,
        roomId,
        instanceIds: byUser((i) => i.agentInstanceId),
        statuses: byUser((i) => i.status),
        endpoint: first ? first.endpoint : agent.endpoint,
    };
}
