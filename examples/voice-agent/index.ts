// The Pulumi program (`pulumi up` in this directory runs it): the stack is defined in stack.ts.
import * as pulumi from "@pulumi/pulumi";
import { voiceAgentStack } from "./stack";

const stack = voiceAgentStack(new pulumi.Config());

export const agentId = stack.agentId;
export const roomId = stack.roomId;
export const instanceIds = stack.instanceIds;
export const statuses = stack.statuses;
export const endpoint = stack.endpoint;
