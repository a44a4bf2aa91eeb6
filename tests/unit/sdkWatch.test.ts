/** testing/sdkWatch.ts: which program runs an incident counts for (through the engine: tests/e2e/sdkWatch.test.ts). */
import { expect } from "chai";
import * as settings from "@pulumi/pulumi/runtime/settings";
import * as runtimeState from "@pulumi/pulumi/runtime/state";
import { watchSdk } from "../../testing/sdkWatch";

/** The SDK's async-local store of a program run (internal to the SDK). */
const state = runtimeState as unknown as { withLocalStorage<T>(fn: () => T): T; getLocalStore(): object | undefined };
const storage = (globalThis as unknown as { asyncLocalStorage: { run<T>(store: object, fn: () => T): T } }).asyncLocalStorage;

/** Starts a program run as the Automation API does (its own store, options reset), here with no monitor address. */
function startRun(): { register(): void } {
    const store = state.withLocalStorage(() => {
        settings.resetOptions("project", "stack", 1, "", "", true, "");
        return state.getLocalStore()!;
    });
    return { register: () => void storage.run(store, () => settings.getMonitor()) };
}

describe("harness: the Pulumi SDK watch", () => {
    it("counts a registration that finds no monitor in a run started while watched", () => {
        const watch = watchSdk();
        startRun().register();
        expect(watch.stop().map((i) => i.kind)).to.deep.equal(["no monitor"]);
    });

    it("does not count one in a run started before it (what is left of a run whose CLI a test killed)", () => {
        const leftover = startRun();
        const watch = watchSdk();
        leftover.register();
        expect(watch.stop()).to.deep.equal([]);
    });

    it("counts a registration outside any run's store; nothing after stop", () => {
        const watch = watchSdk();
        settings.getMonitor();
        const seen = watch.stop();
        expect(seen.map((i) => i.kind)).to.include("outside the run's async context");
        startRun().register();
        expect(watch.stop()).to.equal(seen).and.to.have.length(seen.length);
    });
});
