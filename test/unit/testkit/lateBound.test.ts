// The suite-scoped stand-in that useWorld() and useTestEmulator() return.
import assert from "node:assert/strict";
import { lateBound } from "../../../testkit/lateBound";

class Counter {
    count = 0;
    label = "first";
    add(n: number): number {
        this.count += n;
        return this.count;
    }
}

describe("testkit: lateBound", () => {
    it("refuses a use before the thing is started, naming it", () => {
        const counter = lateBound<Counter>("the counter", () => undefined);
        assert.throws(() => counter.count, /the counter is not started/);
        assert.throws(() => {
            counter.label = "x";
        }, /the counter is not started/);
    });

    it("reads, writes and calls through to whatever is current, methods bound to it", () => {
        let current: Counter | undefined = new Counter();
        const counter = lateBound("the counter", () => current);
        // eslint-disable-next-line @typescript-eslint/unbound-method -- detached on purpose: the stand-in binds it
        const add = counter.add;
        assert.equal(add(2), 2);
        counter.label = "second";
        assert.equal(current.label, "second");
        current = new Counter();
        assert.equal(counter.count, 0, "a new one, not the first");
        assert.equal(counter.label, "first");
    });
});
