// The repo's own Pulumi program (see Pulumi.yaml and demo/stack.ts): `npm run demo` runs it.
import { voiceAgentStack } from "./demo/stack";

const outputs = voiceAgentStack();
export const agentId = outputs.agentId;
export const aliceInstanceId = outputs.aliceInstanceId;
export const bobInstanceId = outputs.bobInstanceId;
export const aliceStatus = outputs.aliceStatus;
export const endpoint = outputs.endpoint;
