/** The benchmarks' key management service (tests/harness/kms.ts), over real HTTP as the CLI's Vault client calls it. */
import { expect } from "chai";
import axios from "axios";
import { Kms, startKms } from "../harness/kms";

describe("tests/harness/kms: Vault transit's encrypt and decrypt", () => {
    let kms: Kms;
    beforeEach(async () => (kms = await startKms()));
    afterEach(() => kms.close());

    const call = (path: string, body: object, token = kms.stackOptions.envVars.VAULT_SERVER_TOKEN) =>
        axios.put(`${kms.stackOptions.envVars.VAULT_SERVER_URL}/v1/transit/${path}`, body, {
            headers: { "X-Vault-Token": token },
            validateStatus: () => true,
        });
    const key = "zego-stacks";

    it("names itself as the CLI expects: hashivault://<key>, and the URL and token the Vault client reads", () => {
        expect(kms.stackOptions.secretsProvider).to.equal(`hashivault://${key}`);
        expect(Object.keys(kms.stackOptions.envVars).sort()).to.deep.equal(["VAULT_SERVER_TOKEN", "VAULT_SERVER_URL"]);
    });

    it("decrypts what it encrypted; the ciphertext does not hold the plaintext and differs each time; it counts the calls", async () => {
        const plaintext = Buffer.from("a data key ü.with.dots").toString("base64");
        const first = await call(`encrypt/${key}`, { plaintext });
        const second = await call(`encrypt/${key}`, { plaintext });
        expect(first.status).to.equal(200);
        const ciphertext = first.data.data.ciphertext as string;
        expect(ciphertext).to.match(/^vault:v1:/);
        expect(ciphertext).to.not.include(plaintext);
        expect(ciphertext).to.not.equal(second.data.data.ciphertext);
        const back = await call(`decrypt/${key}`, { ciphertext });
        expect(back.status).to.equal(200);
        expect(back.data.data.plaintext).to.equal(plaintext);
        expect(kms.calls).to.deep.equal({ encrypt: 2, decrypt: 1 });
    });

    it("refuses a wrong token (403), another key or path (404) and a tampered ciphertext (400), and counts none of them", async () => {
        const { ciphertext } = (await call(`encrypt/${key}`, { plaintext: "eA==" })).data.data as { ciphertext: string };
        expect((await call(`decrypt/${key}`, { ciphertext }, "wrong")).status).to.equal(403);
        expect((await call(`decrypt/${key}`, { ciphertext }, "")).status).to.equal(403);
        expect((await call("decrypt/other-key", { ciphertext })).status).to.equal(404);
        expect((await call(`rewrap/${key}`, { ciphertext })).status).to.equal(404);
        const raw = Buffer.from(ciphertext.slice("vault:v1:".length), "base64");
        raw[14] = (raw[14] ?? 0) ^ 1;
        const tampered = await call(`decrypt/${key}`, { ciphertext: `vault:v1:${raw.toString("base64")}` });
        expect(tampered.status).to.equal(400);
        expect((await call(`decrypt/${key}`, { ciphertext: "not-vault" })).status).to.equal(400);
        expect(kms.calls).to.deep.equal({ encrypt: 1, decrypt: 0 });
    });
});
