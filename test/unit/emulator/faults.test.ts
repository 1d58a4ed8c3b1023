// Fault injection: answers, delays and dropped connections on the next N matching calls.
import assert from "assert";
import { DEFAULT_DEVICES } from "../../../emulator";
import { send } from "../../../testkit/http/send";
import { EmulatorClient, startTestEmulator, useTestEmulator } from "./helpers/fixtures";

const { finLaptop, hrLaptop } = DEFAULT_DEVICES;

describe("emulator: faults", () => {
    const { emu, client } = useTestEmulator({}, { clearRequests: true });

    it("answers a Defender-shaped status on the next call of a route name, then behaves", async () => {
        emu.injectFault({ route: "isolate", kind: "status", status: 503, retryAfterSeconds: 2 });
        const r = await client.isolate(finLaptop.id);
        assert.strictEqual(r.status, 503);
        assert.strictEqual(r.json.error.code, "ServiceUnavailable");
        assert.strictEqual(r.headers["retry-after"], "2");
        assert.strictEqual(emu.state().actions.length, 0);
        assert.strictEqual((await client.isolate(finLaptop.id)).status, 201);
        assert.deepStrictEqual(
            emu.requests().map((e) => [e.status, e.fault]),
            [
                [503, "status"],
                [201, null],
            ],
        );
    });

    it("shortPage: a listing answers 200 with only keepItems of its items and no nextLink", async () => {
        emu.injectFault({ route: "listMachines", kind: "shortPage", keepItems: 1 });
        const filter = `id in ('${finLaptop.id}','${hrLaptop.id}')`;
        const short = await client.listMachines(`?$filter=${encodeURIComponent(filter)}`);
        assert.deepStrictEqual([short.status, short.json.value.length, short.json["@odata.nextLink"]], [200, 1, undefined]);
        const full = await client.listMachines(`?$filter=${encodeURIComponent(filter)}`);
        assert.strictEqual(full.json.value.length, 2);
        assert.deepStrictEqual(
            emu.requests().map((e) => e.fault),
            ["shortPage", null],
        );
    });

    it("matches METHOD /path patterns with * for one segment, for count calls", async () => {
        emu.injectFault({ route: "POST /api/machines/*/isolate", kind: "status", status: 500, count: 2, code: "InternalServerError" });
        assert.strictEqual((await client.getMachine(finLaptop.id)).status, 200, "other routes are untouched");
        assert.strictEqual((await client.isolate(finLaptop.id)).status, 500);
        assert.strictEqual((await client.isolate(hrLaptop.id)).json.error.code, "InternalServerError");
        assert.strictEqual((await client.isolate(finLaptop.id)).status, 201);
        assert.deepStrictEqual(emu.faults(), []);
    });

    it("lists pending faults with what remains, and clears them", async () => {
        const f = emu.injectFault({ route: "listActions", kind: "status", status: 500, count: 3 });
        await client.listActions();
        assert.deepStrictEqual(
            emu.faults().map((x) => [x.id, x.remaining]),
            [[f.id, 2]],
        );
        emu.clearFaults();
        assert.strictEqual((await client.listActions()).status, 200);
    });

    it("delays a call and then performs it normally", async () => {
        emu.injectFault({ route: "isolate", kind: "delay", delayMs: 300 });
        const slow = client.isolate(finLaptop.id);
        const quick = await client.getMachine(finLaptop.id);
        assert.strictEqual(quick.status, 200);
        assert.strictEqual(emu.state().actions.length, 0, "the delayed isolate has not run yet");
        assert.strictEqual((await slow).status, 201);
        assert.strictEqual(emu.state().actions.length, 1);
    });

    it("dropAfterPerform: the action exists but the client gets a socket error", async () => {
        emu.injectFault({ route: "isolate", kind: "dropAfterPerform" });
        await assert.rejects(
            client.isolate(finLaptop.id),
            (e: NodeJS.ErrnoException) => ["ECONNRESET", "EPIPE"].includes(e.code ?? "") || /socket hang up/.test(e.message),
        );
        const actions = emu.state().actions;
        assert.strictEqual(actions.length, 1);
        assert.strictEqual(actions[0].status, "Pending");
        const [entry] = emu.requests();
        assert.deepStrictEqual([entry.status, entry.fault], [null, "dropAfterPerform"]);
        const dup = await client.isolate(finLaptop.id);
        assert.strictEqual(dup.json.error.code, "ActiveRequestAlreadyExists", "a blind retry would be a duplicate");
    });

    it("dropBeforePerform: no action, and the client gets a socket error", async () => {
        emu.injectFault({ route: "POST /api/machines/*/unisolate", kind: "dropBeforePerform" });
        await assert.rejects(client.unisolate(finLaptop.id));
        assert.strictEqual(emu.state().actions.length, 0);
        assert.strictEqual(emu.requests()[0].fault, "dropBeforePerform");
    });

    it("tokenFailure: the token endpoint answers an Entra error once", async () => {
        emu.injectFault({ kind: "tokenFailure", error: "temporarily_unavailable", errorCode: 50001, status: 503 });
        const r = await client.requestToken();
        assert.strictEqual(r.status, 503);
        assert.strictEqual(r.json.error, "temporarily_unavailable");
        assert.deepStrictEqual(r.json.error_codes, [50001]);
        assert.strictEqual((await client.requestToken()).status, 200);
    });

    it("answers status faults on Entra routes in Entra's shape", async () => {
        emu.injectFault({ route: "discovery", kind: "status", status: 500 });
        const r = await client.call("/t/v2.0/.well-known/openid-configuration");
        assert.strictEqual(r.status, 500);
        assert.strictEqual(r.json.error, "temporarily_unavailable");
    });

    it("injects over HTTP and rejects invalid faults with field messages", async () => {
        const ok = await client.control("POST", "/faults", { route: "cancelAction", kind: "status", status: 429 });
        assert.strictEqual(ok.status, 200);
        assert.strictEqual((await client.control("GET", "/faults")).json.length, 1);
        const bad = await client.control("POST", "/faults", { route: "nowhere", kind: "explode" });
        assert.strictEqual(bad.status, 400);
        assert.match(bad.json.error.message, /fault\.kind/);
        assert.match(bad.json.error.message, /fault\.route/);
        const noStatus = await client.control("POST", "/faults", { route: "isolate", kind: "status" });
        assert.match(noStatus.json.error.message, /fault\.status: required/);
        assert.strictEqual((await client.control("DELETE", "/faults")).status, 200);
        assert.deepStrictEqual(emu.faults(), []);
    });

    it("stop() ends a pending delay and closes the connection", async () => {
        const own = await startTestEmulator();
        const c = new EmulatorClient(own, own.issueToken());
        own.injectFault({ route: "getMachine", kind: "delay", delayMs: 600_000 });
        const pending = c.getMachine(finLaptop.id);
        await new Promise((r) => setTimeout(r, 50));
        await own.stop();
        await assert.rejects(pending);
        await assert.rejects(send(own.url, "/api/machines", {}, own.caCertPath), "no longer listening");
    });
});
