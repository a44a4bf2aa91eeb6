/** pulumi-zego-aiagent/testing: the public helpers for testing stacks against the emulator. */
import { expect } from "chai";
import { assertNoSecrets, emulatorConfig, startTestEmulator } from "../../testing";
import { DEFAULT_APP_ID, DEFAULT_SERVER_SECRET } from "../../emulator";

describe("pulumi-zego-aiagent/testing", () => {
    it("assertNoSecrets throws on a secret at any position, showing only what precedes it; passes clean texts", () => {
        const secret = "sk-LEAK-123";
        expect(() => assertNoSecrets(["clean", "also clean"], [secret])).to.not.throw();
        let message = "";
        try {
            assertNoSecrets(["clean", `"apiKey": "${secret}" and after`], [secret]);
        } catch (e) {
            message = (e as Error).message;
        }
        expect(message).to.contain("secret leaked in plaintext near").and.contain('\\"apiKey\\": \\"');
        expect(message).to.not.contain(secret).and.not.contain("and after");
    });

    it("startTestEmulator + emulatorConfig: stack config for that emulator, the server secret marked secret", async () => {
        const emulator = await startTestEmulator();
        try {
            expect(emulator.appId).to.equal(DEFAULT_APP_ID);
            expect(emulatorConfig(emulator)).to.deep.equal({
                "zego:appId": { value: String(DEFAULT_APP_ID) },
                "zego:serverSecret": { value: DEFAULT_SERVER_SECRET, secret: true },
                "zego:endpoint": { value: emulator.url },
            });
            expect(emulatorConfig(emulator, "other")["zego:serverSecret"]).to.deep.equal({ value: "other", secret: true });
        } finally {
            await emulator.close();
        }
    });
});
