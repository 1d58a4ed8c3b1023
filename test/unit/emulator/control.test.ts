// The control API under /_emulator/ over HTTP (the in-process methods share the same operations).
import assert from "assert";
import { DEFAULT_DEVICES, DEFAULT_FLEET, EmulatorControlError } from "../../../emulator";
import { CLIENT_ID, EmulatorClient, deviceSpec, useTestEmulator } from "./helpers/fixtures";

const { finLaptop, offlineLaptop, hrLaptop } = DEFAULT_DEVICES;

describe("emulator: control API", () => {
    const { emu, client } = useTestEmulator({ actionDelays: { toInProgressMs: 60_000, toSucceededMs: 60_000 } }, { clearRequests: true });

    it("GET /state lists machines with their isolation state and all actions", async () => {
        const a = await client.isolate(finLaptop.id);
        const r = await client.control("GET", "/state");
        assert.strictEqual(r.status, 200);
        assert.strictEqual(r.json.machines.length, DEFAULT_FLEET.length);
        const m = r.json.machines.find((x: { id: string }) => x.id === finLaptop.id);
        assert.deepStrictEqual([m.online, m.managed, m.isolation], [true, true, { isolated: false, isolationType: null, changedAt: null, byActionId: null }]);
        assert.deepStrictEqual(
            r.json.actions.map((x: { id: string }) => x.id),
            [a.json.id],
        );
    });

    it("GET /requests returns the raw log of API and token calls, and DELETE clears it", async () => {
        await client.requestToken();
        await client.isolate(finLaptop.id, { Comment: "log me", IsolationType: "Full" });
        await client.control("GET", "/state");
        const r = await client.control("GET", "/requests");
        assert.deepStrictEqual(
            r.json.map((e: { seq: number; method: string; path: string; route: string; status: number; clientId: string }) => [
                e.seq,
                e.method,
                e.path,
                e.route,
                e.status,
                e.clientId,
            ]),
            [
                [1, "POST", `/11111111-2222-3333-4444-555555555555/oauth2/v2.0/token`, "token", 200, CLIENT_ID],
                [2, "POST", `/api/machines/${finLaptop.id}/isolate`, "isolate", 201, CLIENT_ID],
            ],
        );
        const isolate = r.json[1];
        assert.strictEqual(isolate.body, JSON.stringify({ Comment: "log me", IsolationType: "Full" }));
        assert.strictEqual(isolate.headers.authorization, `Bearer ${client.token}`);
        assert.strictEqual(isolate.headers["content-type"], "application/json");
        assert.ok(isolate.rawHeaders.includes("authorization"));
        assert.strictEqual(isolate.fault, null);
        assert.match(r.json[0].body, /client_secret=emulator-test-secret-value/);

        assert.strictEqual((await client.control("DELETE", "/requests")).status, 200);
        assert.deepStrictEqual((await client.control("GET", "/requests")).json, []);
    });

    it("records decoded query parameters next to the raw url", async () => {
        await client.listActions("?$filter=status%20eq%20'Pending'&$top=5");
        const [e] = emu.requests();
        // The test client's URL parser escapes the quotes; the log keeps the target exactly as it arrived.
        assert.strictEqual(e.url, "/api/machineactions?$filter=status%20eq%20%27Pending%27&$top=5");
        assert.deepStrictEqual(e.query, { $filter: "status eq 'Pending'", $top: "5" });
    });

    it("POST /reset drops actions and restores devices and config", async () => {
        await client.isolate(finLaptop.id);
        await client.control("POST", `/machines/${finLaptop.id}/online`, { online: false });
        await client.control("PATCH", "/config", { duplicates: "returnExisting" });
        assert.strictEqual((await client.control("POST", "/reset")).status, 200);
        const s = emu.state();
        assert.deepStrictEqual(s.actions, []);
        assert.strictEqual(s.machines.find((m) => m.id === finLaptop.id)?.online, true);
        assert.strictEqual(emu.config().duplicates, "reject");
        assert.strictEqual((await client.getMachine(finLaptop.id)).status, 200, "tokens survive a reset");
    });

    describe("out-of-band isolation", () => {
        it("isolates as from the portal: a Succeeded action the API lists", async () => {
            const r = await client.control("POST", `/machines/${finLaptop.id}/isolate`, { isolationType: "Selective" });
            assert.strictEqual(r.status, 200);
            assert.strictEqual(r.json.action.status, "Succeeded");
            assert.strictEqual(r.json.action.requestor, "portal-user@contoso.com");
            assert.strictEqual(r.json.action.requestSource, "Portal");
            assert.strictEqual(r.json.action.scope, "Selective");
            assert.deepStrictEqual([r.json.machine.isolation.isolated, r.json.machine.isolation.byActionId], [true, r.json.action.id]);
            const listed = await client.listActions(`?$filter=machineId%20eq%20'${finLaptop.id}'`);
            assert.deepStrictEqual(
                listed.json.value.map((a: { id: string }) => a.id),
                [r.json.action.id],
            );
        });

        it("releases as from the portal with a chosen requestor", async () => {
            emu.isolateOutOfBand(finLaptop.id);
            const r = await client.control("POST", `/machines/${finLaptop.id}/release`, { requestor: "soc-lead@contoso.com", comment: "done" });
            assert.deepStrictEqual(
                [r.json.action.type, r.json.action.requestor, r.json.action.requestorComment],
                ["Unisolate", "soc-lead@contoso.com", "done"],
            );
            assert.strictEqual(r.json.machine.isolation.isolated, false);
        });

        it("changes the device without any action when traceless", async () => {
            emu.isolateOutOfBand(finLaptop.id);
            const r = await client.control("POST", `/machines/${finLaptop.id}/release`, { traceless: true });
            assert.strictEqual(r.json.action, null);
            assert.deepStrictEqual([r.json.machine.isolation.isolated, r.json.machine.isolation.byActionId], [false, null]);
            assert.strictEqual(emu.state().actions.length, 1, "only the portal isolation is listed");
        });

        it("answers 404 for an unknown machine and 400 for a bad body", async () => {
            assert.strictEqual((await client.control("POST", "/machines/ffffffffffffffffffffffffffffffffffffffff/isolate", {})).status, 404);
            const bad = await client.control("POST", `/machines/${finLaptop.id}/isolate`, { isolationType: "Half" });
            assert.strictEqual(bad.status, 400);
            assert.match(bad.json.error.message, /isolationType/);
        });
    });

    describe("forcing actions", () => {
        for (const status of ["Failed", "TimeOut", "Cancelled"] as const) {
            it(`forces a Pending action to ${status}`, async () => {
                const a = await client.isolate(finLaptop.id);
                const r = await client.control("POST", `/actions/${a.json.id}/force`, { status, comment: "forced" });
                assert.strictEqual(r.status, 200);
                assert.strictEqual(r.json.status, status);
                assert.strictEqual((await client.getAction(a.json.id)).json.status, status);
                assert.strictEqual(emu.machine(finLaptop.id)?.isolation.isolated, false);
            });
        }

        it("forces Succeeded, which isolates the device; a finished action cannot be forced again", async () => {
            const a = await client.isolate(finLaptop.id);
            emu.forceAction(a.json.id, "Succeeded");
            assert.strictEqual(emu.machine(finLaptop.id)?.isolation.isolated, true);
            const again = await client.control("POST", `/actions/${a.json.id}/force`, { status: "Failed" });
            assert.strictEqual(again.status, 409);
            assert.throws(
                () => emu.forceAction(a.json.id, "Failed"),
                (e: unknown) => e instanceof EmulatorControlError && e.status === 409,
            );
        });

        it("rejects an unknown status or action", async () => {
            const a = await client.isolate(finLaptop.id);
            assert.strictEqual((await client.control("POST", `/actions/${a.json.id}/force`, { status: "Done" })).status, 400);
            assert.strictEqual((await client.control("POST", "/actions/nope/force", { status: "Failed" })).status, 404);
        });
    });

    describe("machines", () => {
        it("deletes a machine: the API then answers 404, its actions stay readable", async () => {
            const a = await client.isolate(hrLaptop.id);
            assert.strictEqual((await client.control("DELETE", `/machines/${hrLaptop.id}`)).status, 200);
            assert.strictEqual((await client.getMachine(hrLaptop.id)).status, 404);
            assert.strictEqual((await client.isolate(hrLaptop.id)).status, 404);
            assert.strictEqual((await client.getAction(a.json.id)).status, 200);
            assert.strictEqual((await client.control("DELETE", `/machines/${hrLaptop.id}`)).status, 404);
        });

        it("sets a device offline and online", async () => {
            const off = await client.control("POST", `/machines/${finLaptop.id}/online`, { online: false });
            assert.deepStrictEqual([off.json.online, off.json.healthStatus], [false, "Inactive"]);
            const on = await client.control("POST", `/machines/${offlineLaptop.id}/online`, { online: true });
            assert.deepStrictEqual([on.json.online, on.json.healthStatus], [true, "Active"]);
            assert.strictEqual((await client.control("POST", `/machines/${finLaptop.id}/online`, { online: "yes" })).status, 400);
        });

        it("adds a machine, validating it", async () => {
            const r = await client.control("POST", "/machines", deviceSpec({ machineTags: ["New"] }));
            assert.strictEqual(r.status, 200);
            assert.strictEqual((await client.getMachine(deviceSpec().id)).json.computerDnsName, deviceSpec().computerDnsName);
            assert.strictEqual((await client.control("POST", "/machines", deviceSpec())).status, 409);
            const bad = await client.control("POST", "/machines", deviceSpec({ id: "XYZ" }));
            assert.strictEqual(bad.status, 400);
            assert.match(bad.json.error.message, /machine\.id: must be 40 lowercase hex/);
        });
    });

    describe("config", () => {
        it("PATCH changes runtime options and GET shows them", async () => {
            const r = await client.control("PATCH", "/config", { duplicates: "returnExisting", quirks: { indexingLagMs: 250 } });
            assert.strictEqual(r.status, 200);
            const got = (await client.control("GET", "/config")).json;
            assert.deepStrictEqual([got.duplicates, got.quirks.indexingLagMs, got.quirks.filterInSupported], ["returnExisting", 250, true]);
        });

        it("never shows client secrets", async () => {
            const patched = await client.control("PATCH", "/config", { clients: [{ tenantId: "t", clientId: "c", clientSecret: "s3cr3t-value" }] });
            const got = await client.control("GET", "/config");
            for (const r of [patched, got]) {
                assert.deepStrictEqual(r.json.clients, [{ tenantId: "t", clientId: "c", clientSecret: "(redacted)" }]);
                assert.ok(!r.text.includes("s3cr3t-value"));
            }
            assert.strictEqual(emu.config().clients?.[0].clientSecret, "(redacted)");
        });

        it("PATCH rejects bad values, unknown keys and start-only options, naming each", async () => {
            const r = await client.control("PATCH", "/config", { duplicates: "sometimes", port: 1, colour: "red" });
            assert.strictEqual(r.status, 400);
            assert.match(r.json.error.message, /config\.port: is fixed at start/);
            assert.match(r.json.error.message, /config\.colour: unknown option/);
            assert.strictEqual(emu.config().duplicates, "reject");
        });
    });

    it("advances the clock", async () => {
        const before = emu.now().getTime();
        const r = await client.control("POST", "/clock/advance", { ms: 90_000 });
        assert.strictEqual(r.status, 200);
        assert.ok(emu.now().getTime() - before >= 90_000);
        assert.strictEqual((await client.control("POST", "/clock/advance", { ms: -5 })).status, 400);
    });

    it("issues and revokes tokens", async () => {
        const t = await client.control("POST", "/tokens", { clientId: "ops-console" });
        const other = new EmulatorClient(emu, t.json.access_token);
        await other.isolate(finLaptop.id);
        assert.strictEqual(emu.state().actions[0].requestor, "ops-console");
        await client.control("DELETE", "/tokens");
        assert.strictEqual((await other.getMachine(finLaptop.id)).status, 401);
    });

    it("answers 404 for unknown control routes and 405 for wrong methods", async () => {
        assert.strictEqual((await client.control("GET", "/nothing")).status, 404);
        assert.strictEqual((await client.control("PUT", "/state")).status, 405);
    });

    it("keeps control calls out of the request log", async () => {
        await client.control("GET", "/state");
        await client.control("GET", "/health");
        assert.deepStrictEqual(emu.requests(), []);
    });
});
