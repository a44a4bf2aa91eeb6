/**
 * `pulumi-zego-aiagent/testing`: helpers for testing your own stacks against the bundled emulator
 * (`pulumi-zego-aiagent/emulator`), with any test runner. Everything exported here is public API.
 */
export { assertNoSecrets, emulatorConfig, startTestEmulator } from "./emulator";
