import assert from "node:assert/strict";
import { terminalProgress } from "../../../../provider/apps/cli/progress";

function sink(isTTY: boolean) {
    const writes: string[] = [];
    return { isTTY, writes, write: (t: string) => writes.push(t) };
}

describe("cli/progress", () => {
    it("nothing on a terminal while a read is fast", () => {
        let t = 0;
        const s = sink(true);
        const p = terminalProgress(s, { now: () => t });
        p.onInventory({ phase: "actions", type: "Isolate", page: 1, actions: 10_000 });
        t = 1000;
        p.onInventory({ phase: "actions", type: "Isolate", page: 2, actions: 20_000 });
        p.done();
        assert.deepEqual(s.writes, []);
    });

    it("one line rewritten in place once the read is slow, rate-limit waits included, cleared at the end", () => {
        let t = 0;
        const s = sink(true);
        const p = terminalProgress(s, { now: () => t });
        p.onInventory({ phase: "actions", type: "Isolate", page: 1, actions: 10_000 });
        t = 2000;
        p.onInventory({ phase: "actions", type: "Unisolate", page: 3, actions: 25_000 });
        t = 2500;
        p.onClient({ type: "pacingWait", bucket: "machines.read", waitMs: 42_000, queued: 100, cause: "window" });
        t = 3000;
        p.onInventory({ phase: "devices", done: 150, total: 3000 });
        p.done();
        assert.deepEqual(s.writes, [
            "\r\x1b[2Kdefender-isolation: Isolate actions: 10,000 (page 1), Unisolate actions: 25,000 (page 3)…",
            "\r\x1b[2Kdefender-isolation: Isolate actions: 10,000 (page 1), Unisolate actions: 25,000 (page 3) (rate limit: next machines.read call in 42 s, 100 queued)…",
            "\r\x1b[2Kdefender-isolation: Isolate actions: 10,000 (page 1), Unisolate actions: 25,000 (page 3), devices looked up: 150/3,000…",
            "\r\x1b[2K",
        ]);
    });

    it("cut to the terminal's width", () => {
        let t = 0;
        const s = { ...sink(true), columns: 40 };
        const p = terminalProgress(s, { now: () => t });
        t = 2000;
        p.onInventory({ phase: "devices", done: 150, total: 3000 });
        assert.deepEqual(s.writes, ["\r\x1b[2Kdefender-isolation: devices looked up:…"]);
        assert.equal(s.writes[0].length - "\r\x1b[2K".length, 39);
    });

    it("nothing at all when stderr is not a terminal", () => {
        let t = 0;
        const s = sink(false);
        const p = terminalProgress(s, { now: () => t });
        t = 5000;
        p.onInventory({ phase: "devices", done: 1, total: 2 });
        p.onClient({ type: "retry", method: "GET", path: "/api/machines?$filter=x", attempt: 1, cause: "rateLimited", status: 429, delayMs: 3000 });
        p.done();
        assert.deepEqual(s.writes, []);
    });
});
