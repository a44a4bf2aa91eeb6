import { expect } from "chai";
import { CallbackVerificationError, DELETED_REASONS, callbackSignature, verifyCallback } from "../../provider/callbacks";
import { docCallbacks } from "../fixtures/docs";

const SECRET = "test-callback-secret";

/** A docs example re-signed by the documented algorithm with SECRET (the docs do not give their example's secret). */
/** The docs' examples are from 2025: verify them at their own time (the default window is 10 minutes). */
const DOCS_TIME = { now: () => 1745502313000 };

function signed(body: Record<string, unknown>, secret = SECRET): Record<string, unknown> {
    return { ...body, Signature: callbackSignature(secret, body.Timestamp as number, body.Nonce as string) };
}

const example = (tab: string) => {
    const found = docCallbacks().find((c) => c.source.tab === tab);
    if (!found) throw new Error(`no docs callback example ${tab}`);
    return found.body;
};

function rejection(fn: () => unknown): CallbackVerificationError {
    try {
        fn();
    } catch (err) {
        expect(err).to.be.instanceOf(CallbackVerificationError);
        return err as CallbackVerificationError;
    }
    throw new Error("expected a CallbackVerificationError");
}

describe("callbacks: verifyCallback", () => {
    it("computes the signature of the docs' own worked example (SignatureVerificationEN.mdx)", () => {
        // "nonce 123412, timestamp 1470820198, secret 'secret' ... 1234121470820198secret ... 5bd59fd6..."
        expect(callbackSignature("secret", 1470820198, "123412")).to.equal("5bd59fd62953a8059fb7eaba95720f66d19e4517");
    });

    it("the docs' callback examples carry a placeholder signature that no known secret produces", () => {
        // Every example has Signature fd9c1ce5... with Timestamp 1745502313000 and Nonce 7450395512627324902;
        // the secret behind it is not given, so those bodies verify only re-signed (below).
        const body = example("AgentInstanceCreated");
        expect(body.Signature).to.equal("fd9c1ce54e85bd92f48b0a805e82a52b0c0c6445");
        for (const guess of ["secret", "callbacksecret", "CallbackSecret"]) {
            expect(callbackSignature(guess, body.Timestamp as number, body.Nonce as string)).to.not.equal(body.Signature);
        }
    });

    it("verifies every docs example, re-signed, and parses it into its kind", () => {
        const kinds = docCallbacks().map(
            (c) => verifyCallback(JSON.stringify(signed(c.body)), { ...DOCS_TIME, callbackSecret: SECRET }).kind,
        );
        expect(kinds).to.deep.equal([
            "ASRResult",
            "LLMResult",
            "Exception",
            "Interrupted",
            "UserSpeakAction",
            "AgentInstanceStatus", // the docs' example sends the deprecated "AgentSpeakAction"
            "UserAudioData",
            "AgentInstanceCreated",
            "AgentInstanceDeleted",
            "AgentInstanceMetaInfo",
        ]);
    });

    it("parses AgentInstanceCreated and AgentInstanceDeleted with the documented fields and reason", () => {
        const created = verifyCallback(signed(example("AgentInstanceCreated")), { ...DOCS_TIME, callbackSecret: SECRET, appId: 1234567 });
        expect(created.kind).to.equal("AgentInstanceCreated");
        if (created.kind !== "AgentInstanceCreated") return;
        expect(created.Data.CreatedTimestamp).to.equal(1745502312982);
        expect([created.AgentInstanceId, created.AgentUserId, created.RoomId]).to.deep.equal([
            "1912124734317838336",
            "agent_user_1",
            "room_1",
        ]);

        const deleted = verifyCallback(signed(example("AgentInstanceDeleted")), { ...DOCS_TIME, callbackSecret: SECRET });
        if (deleted.kind !== "AgentInstanceDeleted") throw new Error(deleted.kind);
        expect(deleted.reason).to.equal("deleted-by-api");
        expect(deleted.Data.LatencyData?.LLMTPS).to.equal(11.493);
    });

    it("maps every documented deletion code, and an undocumented one to unknown", () => {
        const base = example("AgentInstanceDeleted");
        const reasonOf = (code: number) => {
            const e = verifyCallback(signed({ ...base, Data: { ...(base.Data as object), Code: code } }), {
                ...DOCS_TIME,
                callbackSecret: SECRET,
            });
            return e.kind === "AgentInstanceDeleted" ? e.reason : e.kind;
        };
        expect(Object.keys(DELETED_REASONS).map((c) => reasonOf(Number(c)))).to.deep.equal([
            "deleted-by-api",
            "rtc-error",
            "idle-timeout",
            "kicked",
            "join-failed",
            "disconnected",
            "stream-failed",
        ]);
        expect(reasonOf(1299)).to.equal("unknown");
    });

    it("accepts URL-encoded JSON (receiving-callback.mdx: 'perform UrlDecode') and a Buffer", () => {
        const body = JSON.stringify(signed(example("AgentInstanceCreated")));
        expect(verifyCallback(encodeURIComponent(body), { ...DOCS_TIME, callbackSecret: SECRET }).kind).to.equal("AgentInstanceCreated");
        expect(verifyCallback(Buffer.from(body), { ...DOCS_TIME, callbackSecret: SECRET }).kind).to.equal("AgentInstanceCreated");
    });

    it("delivers an Event it does not know as kind unknown, with the raw body", () => {
        const e = verifyCallback(signed({ ...example("AgentInstanceCreated"), Event: "AgentInstanceFuture", Extra: 1 }), {
            ...DOCS_TIME,
            callbackSecret: SECRET,
        });
        expect([e.kind, e.Event, e.raw.Extra]).to.deep.equal(["unknown", "AgentInstanceFuture", 1]);
    });

    describe("rejects", () => {
        const good = () => signed(example("AgentInstanceDeleted"));

        it("a changed Timestamp", () => {
            const err = rejection(() => verifyCallback({ ...good(), Timestamp: 1745502313001 }, { ...DOCS_TIME, callbackSecret: SECRET }));
            expect(err.field).to.equal("Signature");
        });

        it("a changed Nonce", () => {
            expect(rejection(() => verifyCallback({ ...good(), Nonce: "1" }, { ...DOCS_TIME, callbackSecret: SECRET })).field).to.equal(
                "Signature",
            );
        });

        it("a wrong CallbackSecret (e.g. the ServerSecret), without printing either", () => {
            const err = rejection(() => verifyCallback(good(), { callbackSecret: "0123456789abcdef0123456789abcdef" }));
            expect(err.field).to.equal("Signature");
            expect(err.message).to.not.include(SECRET).and.not.include("0123456789abcdef");
        });

        it("a changed Signature, and one of the wrong length", () => {
            const sig = good().Signature as string;
            const flipped = (sig[0] === "a" ? "b" : "a") + sig.slice(1);
            expect(
                rejection(() => verifyCallback({ ...good(), Signature: flipped }, { ...DOCS_TIME, callbackSecret: SECRET })).field,
            ).to.equal("Signature");
            expect(
                rejection(() => verifyCallback({ ...good(), Signature: sig + "0" }, { ...DOCS_TIME, callbackSecret: SECRET })).field,
            ).to.equal("Signature");
        });

        for (const field of ["Signature", "Timestamp", "Nonce", "Event", "AppId"]) {
            it(`a callback without ${field}`, () => {
                const body = good();
                delete body[field];
                const err = rejection(() => verifyCallback(body, { ...DOCS_TIME, callbackSecret: SECRET }));
                expect(err.field).to.equal(field);
                expect(err.message).to.include(field);
            });
        }

        it("an AgentInstanceDeleted without Data.Code", () => {
            const body = good();
            body.Data = { DeletedTimestamp: 1 };
            expect(rejection(() => verifyCallback(body, { ...DOCS_TIME, callbackSecret: SECRET })).field).to.equal("Data.Code");
        });

        it("another AppId, when appId is given", () => {
            expect(rejection(() => verifyCallback(good(), { ...DOCS_TIME, callbackSecret: SECRET, appId: 7 })).field).to.equal("AppId");
        });

        it("by default, a Nonce's digits moved into the Timestamp (the same signature) are refused: the Timestamp is far off", () => {
            const secret = "secretAbc";
            const body = { ...good(), Timestamp: "17455023130007", Nonce: "450395512627324902" };
            const orig = callbackSignature(secret, "1745502313000", "7450395512627324902");
            expect(callbackSignature(secret, body.Timestamp, body.Nonce), "the concatenation is ambiguous").to.equal(orig);
            const err = rejection(() => verifyCallback({ ...body, Signature: orig }, { ...DOCS_TIME, callbackSecret: secret }));
            expect(err.field).to.equal("Timestamp");
            expect(() => verifyCallback({ ...body, Signature: orig }, { callbackSecret: secret, maxAgeMs: Infinity })).to.not.throw();
        });

        it("a Timestamp not written as canonical digits, and a maxAgeMs that is not a positive number, are refused", () => {
            const t = "01745502313000";
            const forged = { ...good(), Timestamp: t, Signature: callbackSignature(SECRET, t, String(good().Nonce)) };
            expect(rejection(() => verifyCallback(forged, { ...DOCS_TIME, callbackSecret: SECRET })).field).to.equal("Timestamp");
            expect(() => verifyCallback(good(), { ...DOCS_TIME, callbackSecret: SECRET, maxAgeMs: NaN })).to.throw(TypeError, /maxAgeMs/);
            expect(() => verifyCallback(good(), { ...DOCS_TIME, callbackSecret: SECRET, maxAgeMs: 0 })).to.throw(TypeError, /maxAgeMs/);
        });

        it("a Timestamp outside maxAgeMs, when given (both directions)", () => {
            const t = good().Timestamp as number;
            const opts = (now: number) => ({ ...DOCS_TIME, callbackSecret: SECRET, maxAgeMs: 70_000, now: () => now });
            expect(verifyCallback(good(), opts(t + 70_000)).kind).to.equal("AgentInstanceDeleted");
            expect(rejection(() => verifyCallback(good(), opts(t + 70_001))).field).to.equal("Timestamp");
            expect(rejection(() => verifyCallback(good(), opts(t - 70_001))).field).to.equal("Timestamp");
        });

        it("a body that is not a JSON object", () => {
            expect(rejection(() => verifyCallback("not json%", { ...DOCS_TIME, callbackSecret: SECRET })).field).to.equal("body");
            expect(rejection(() => verifyCallback("[1]", { ...DOCS_TIME, callbackSecret: SECRET })).field).to.equal("body");
        });
    });

    it("does NOT detect a changed Data: the documented signature covers only secret, Timestamp and Nonce", () => {
        // Pinned so that nobody reads more into a verified callback than the docs' algorithm gives.
        const body = signed(example("AgentInstanceDeleted"));
        body.Data = { Code: 1203, DeletedTimestamp: 1 };
        const e = verifyCallback(body, { ...DOCS_TIME, callbackSecret: SECRET });
        expect(e.kind === "AgentInstanceDeleted" && e.reason).to.equal("kicked");
    });

    it("refuses to run without a CallbackSecret", () => {
        expect(() => verifyCallback(signed(example("AgentInstanceCreated")), { callbackSecret: "" })).to.throw(TypeError, /callbackSecret/);
    });
});
