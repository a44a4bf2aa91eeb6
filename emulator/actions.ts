/**
 * ZEGO actions → emulator state: validate the wire body against the action's documented request
 * spec (provider/schema/api.ts), then apply it.
 */
import { ACTIONS, ActionSpec, INSTANCE_UPDATE_WHOLE, RTC_UPDATABLE } from "../provider/schema/api";
import { FieldSpec } from "../provider/schema/spec";
import { validate } from "../provider/schema/validate";
import { CONVERSATION } from "./conversation";
import { ApiResult, failure, Wire } from "./results";
import { EmulatorState } from "./state";

/**
 * The documented actions. They are all ones the client speaks too; an action only the emulator
 * answered would be declared here, not in the provider's field table.
 */
const SPECS: Readonly<Record<string, ActionSpec>> = ACTIONS;

/** Every documented action the emulator answers. */
export const EMULATED_ACTIONS: readonly string[] = Object.keys(SPECS);

export function isKnownAction(action: string): boolean {
    return Object.prototype.hasOwnProperty.call(SPECS, action);
}

type Handler = (state: EmulatorState, body: Wire) => ApiResult;

const HANDLERS: Record<string, Handler> = {
    RegisterAgent: (s, b) => s.agents.register(b),
    UpdateAgent: (s, b) => s.agents.update(b),
    UnregisterAgent: (s, b) => s.agents.unregister(b),
    QueryAgents: (s, b) => s.agents.query(b),
    ListAgents: (s, b) => s.agents.list(b),
    CreateAgentInstance: (s, b) => s.instances.create("CreateAgentInstance", b),
    CreateDigitalHumanAgentInstance: (s, b) => s.instances.create("CreateDigitalHumanAgentInstance", b),
    CreateLiveDigitalHumanAgentInstance: (s, b) => s.instances.create("CreateLiveDigitalHumanAgentInstance", b),
    UpdateAgentInstance: (s, b) => s.instances.update(b),
    DeleteAgentInstance: (s, b) => s.instances.delete(b),
    ...Object.fromEntries(
        Object.entries(CONVERSATION).map(([action, conversation]): [string, Handler] => [
            action,
            (s, b) => s.instances.converse(b, conversation),
        ]),
    ),
};

/**
 * What UpdateAgentInstance may carry, in wire names, derived from its request spec (api.ts states
 * the rule once): the top-level fields, and of RTC only the fields `RTC_UPDATABLE` names.
 */
const UPDATE_FIELDS = ACTIONS.UpdateAgentInstance.request.fields;
const wireName = (spec: FieldSpec, key: string): string => {
    if (spec.wire === undefined) throw new Error(`UpdateAgentInstance field ${key} has no wire name`);
    return spec.wire;
};
const UPDATABLE = new Set(Object.entries(UPDATE_FIELDS).map(([key, spec]) => wireName(spec, key)));
const RTC_WIRE = wireName(UPDATE_FIELDS.rtc, "rtc");
const RTC_UPDATABLE_WIRE = new Set(RTC_UPDATABLE.map((key) => wireName(UPDATE_FIELDS.rtc.fields[key], `rtc.${key}`)));
const RTC_CHANGEABLE = [...RTC_UPDATABLE_WIRE].map((w) => `${RTC_WIRE}.${w}`).join(", ");
/** "LLM, TTS, ASR and RTC.UserStreamId" */
const CHANGEABLE = `${INSTANCE_UPDATE_WHOLE.map((key) => wireName(UPDATE_FIELDS[key], key)).join(", ")} and ${RTC_CHANGEABLE}`;

function updateRestrictions(body: Wire): string | undefined {
    for (const key of Object.keys(body)) {
        if (!UPDATABLE.has(key)) {
            return `${key} cannot be updated by UpdateAgentInstance: only ${CHANGEABLE} can change; got ${key}.`;
        }
    }
    const rtc = body[RTC_WIRE];
    if (rtc !== null && typeof rtc === "object" && !Array.isArray(rtc)) {
        for (const key of Object.keys(rtc)) {
            if (!RTC_UPDATABLE_WIRE.has(key))
                return `${RTC_WIRE}.${key} cannot be updated by UpdateAgentInstance: only ${RTC_CHANGEABLE} can change; got ${RTC_WIRE}.${key}.`;
        }
    }
    return undefined;
}

/** Validate and apply one action (the gateway has accepted it; the body is a JSON object). */
export function dispatch(state: EmulatorState, action: string, body: Wire): ApiResult {
    const spec = SPECS[action];
    const handler = HANDLERS[action];
    if (!spec || !handler) return failure(410000001, `action ${action} is not emulated.`);
    const failures = validate(spec.request, body, { naming: "wire" });
    if (failures.length > 0) return failure(410000003, failures.map((f) => f.reason).join(" "));
    if (action === "UpdateAgentInstance") {
        const restricted = updateRestrictions(body);
        if (restricted) return failure(410000003, restricted);
    }
    state.settle();
    return handler(state, body);
}
