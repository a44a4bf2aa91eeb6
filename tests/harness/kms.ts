/**
 * A key management service on this machine for the engine's stacks: the two calls of HashiCorp
 * Vault's transit engine that the CLI's `hashivault://` secrets provider makes (gocloud.dev/secrets/hashivault:
 * `PUT /v1/transit/encrypt/<key>` and `/decrypt/<key>`). A stack created with `secretsProvider`
 * keeps its data key encrypted under a key held only here, as a stack on Pulumi Cloud or a cloud
 * KMS does; each CLI command then costs one HTTP call instead of the passphrase provider's 1,000,000
 * PBKDF2 iterations (tests/bench/cliReads.ts measures both). Repo tooling for the benchmarks, not public.
 */
import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from "crypto";
import * as http from "http";
import { AddressInfo } from "net";

export interface Kms {
    /**
     * For `withStack`: the secrets provider (`hashivault://<key>`), and for the CLI's environment
     * where the service is and its token.
     */
    readonly stackOptions: { readonly secretsProvider: string; readonly envVars: Record<string, string> };
    /** Encrypt and decrypt calls answered so far. */
    readonly calls: { encrypt: number; decrypt: number };
    close(): Promise<void>;
}

const KEY_NAME = "zego-stacks";
const PREFIX = "vault:v1:";

/** AES-256-GCM under a key that never leaves this process: nonce, ciphertext and tag, base64. */
function sealer(key: Buffer) {
    return {
        encrypt(plaintext: Buffer): string {
            const nonce = randomBytes(12);
            const cipher = createCipheriv("aes-256-gcm", key, nonce);
            const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
            return PREFIX + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString("base64");
        },
        decrypt(ciphertext: string): Buffer {
            if (!ciphertext.startsWith(PREFIX)) throw new Error(`ciphertext does not start with ${PREFIX}`);
            const raw = Buffer.from(ciphertext.slice(PREFIX.length), "base64");
            const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
            decipher.setAuthTag(raw.subarray(raw.length - 16));
            return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
        },
    };
}

export async function startKms(): Promise<Kms> {
    const token = randomBytes(16).toString("hex");
    const seal = sealer(randomBytes(32));
    const calls = { encrypt: 0, decrypt: 0 };
    const answer = (res: http.ServerResponse, status: number, body: object) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
    };
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const given = Buffer.from(String(req.headers["x-vault-token"] ?? ""));
            if (given.length !== token.length || !timingSafeEqual(given, Buffer.from(token)))
                return answer(res, 403, { errors: ["permission denied"] });
            const op = new RegExp(`^/v1/transit/(encrypt|decrypt)/${KEY_NAME}$`).exec(req.url ?? "")?.[1] as keyof typeof calls | undefined;
            if ((req.method !== "PUT" && req.method !== "POST") || op === undefined)
                return answer(res, 404, { errors: [`no handler for ${req.method} ${req.url}`] });
            try {
                const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
                const data =
                    op === "encrypt"
                        ? { ciphertext: seal.encrypt(Buffer.from(String(body.plaintext), "base64")) }
                        : { plaintext: seal.decrypt(String(body.ciphertext)).toString("base64") };
                calls[op]++;
                return answer(res, 200, { data });
            } catch (e) {
                return answer(res, 400, { errors: [(e as Error).message] });
            }
        });
    });
    // Longer than Go's idle-connection timeout (90 s): a CLI reuses an idle connection to the KMS, and
    // one that Node closed at its default 5 s meanwhile fails that CLI's request ("connection reset by peer").
    server.keepAliveTimeout = 120_000;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
        stackOptions: { secretsProvider: `hashivault://${KEY_NAME}`, envVars: { VAULT_SERVER_URL: url, VAULT_SERVER_TOKEN: token } },
        calls,
        close: () =>
            new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
            }),
    };
}
