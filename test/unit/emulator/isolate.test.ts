// POST /api/machines/{id}/isolate and /unisolate: shapes, validation, platform rules, duplicates.
import assert from "assert";
import { CORRELATION_HEADER, DEFAULT_DEVICES } from "../../../emulator";
import { CLIENT_ID, isolateBody, useTestEmulator } from "./helpers/fixtures";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SERVICE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;
const { finLaptop, linuxServer, macLaptop, unmanagedLaptop, sqlServer } = DEFAULT_DEVICES;

const ACTION_FIELDS = [
    "@odata.context",
    "cancellationComment",
    "cancellationDateTimeUtc",
    "cancellationRequestor",
    "commands",
    "computerDnsName",
    "creationDateTimeUtc",
    "errorHResult",
    "externalId",
    "id",
    "lastUpdateDateTimeUtc",
    "machineId",
    "relatedFileInfo",
    "requestSource",
    "requestor",
    "requestorComment",
    "scope",
    "status",
    "title",
    "troubleshootInfo",
    "type",
];

describe("emulator: isolate and unisolate", () => {
    const { emu, client } = useTestEmulator();

    it("answers 201 with a complete Pending MachineAction", async () => {
        const r = await client.isolate(finLaptop.id, isolateBody({ Comment: "Isolate machine due to alert 1234" }));
        assert.strictEqual(r.status, 201);
        assert.deepStrictEqual(Object.keys(r.json).sort(), ACTION_FIELDS);
        assert.strictEqual(r.json["@odata.context"], `${emu.url}/api/$metadata#MachineActions/$entity`);
        assert.match(r.json.id, GUID);
        assert.strictEqual(r.json.type, "Isolate");
        assert.strictEqual(r.json.status, "Pending");
        assert.strictEqual(r.json.scope, null, "scope is null while Pending by default");
        assert.strictEqual(r.json.requestor, CLIENT_ID);
        assert.strictEqual(r.json.requestorComment, "Isolate machine due to alert 1234");
        assert.strictEqual(r.json.machineId, finLaptop.id);
        assert.strictEqual(r.json.computerDnsName, finLaptop.computerDnsName);
        assert.match(r.json.creationDateTimeUtc, SERVICE_TIME);
        assert.strictEqual(r.json.lastUpdateDateTimeUtc, r.json.creationDateTimeUtc);
        assert.strictEqual(r.json.requestSource, "PublicApi");
        assert.strictEqual(r.json.cancellationRequestor, null);
        assert.strictEqual(r.json.errorHResult, 0);
    });

    it("shows the requested scope while Pending when scopeNullWhilePending is off", async () => {
        emu.configure({ quirks: { scopeNullWhilePending: false } });
        const r = await client.isolate(macLaptop.id, isolateBody({ IsolationType: "Selective" }));
        assert.strictEqual(r.json.scope, "Selective");
    });

    it("answers unisolate with a MachineAction of type Unisolate and no scope", async () => {
        emu.configure({ quirks: { scopeNullWhilePending: false } });
        const r = await client.unisolate(finLaptop.id, { Comment: "Released" });
        assert.strictEqual(r.status, 201);
        assert.strictEqual(r.json.type, "Unisolate");
        assert.strictEqual(r.json.scope, null);
        assert.strictEqual(r.json.requestorComment, "Released");
    });

    it("defaults IsolationType to Full", async () => {
        await client.isolate(finLaptop.id, { Comment: "no type given" });
        emu.configure({ quirks: { scopeNullWhilePending: false } });
        assert.strictEqual(emu.state().actions[0].scope, "Full");
    });

    describe("request body", () => {
        const cases: Array<{ name: string; body: object | string; code: string }> = [
            { name: "no body", body: "", code: "InvalidRequestBody" },
            { name: "malformed JSON", body: '{"Comment":', code: "InvalidRequestBody" },
            { name: "a JSON array", body: "[]", code: "InvalidRequestBody" },
            { name: "lower-case comment", body: { comment: "x", IsolationType: "Full" }, code: "MissingRequiredParameter" },
            { name: "blank Comment", body: { Comment: "  " }, code: "MissingRequiredParameter" },
            { name: "numeric Comment", body: { Comment: 42 }, code: "InvalidRequestBody" },
            { name: "unknown IsolationType", body: isolateBody({ IsolationType: "Partial" }), code: "InvalidInput" },
            { name: "lower-case IsolationType value", body: isolateBody({ IsolationType: "full" }), code: "InvalidInput" },
            { name: "numeric IsolationType", body: isolateBody({ IsolationType: 1 }), code: "InvalidInput" },
        ];
        for (const c of cases) {
            it(`400 ${c.code} for ${c.name}`, async () => {
                const r = await client.isolate(finLaptop.id, c.body);
                assert.strictEqual(r.status, 400);
                assert.strictEqual(r.json.error.code, c.code);
                assert.strictEqual(emu.state().actions.length, 0);
            });
        }

        it("ignores the case-insensitive look-alike isolationType and uses the default", async () => {
            const r = await client.isolate(finLaptop.id, { Comment: "x", isolationType: "Selective" });
            assert.strictEqual(r.status, 201);
            emu.configure({ quirks: { scopeNullWhilePending: false } });
            assert.strictEqual(emu.action(r.json.id)?.scope, "Full");
        });
    });

    describe("errors", () => {
        it("404 ResourceNotFound for an unknown machine, with a fresh correlation id in body and header", async () => {
            const a = await client.isolate("ffffffffffffffffffffffffffffffffffffffff");
            const b = await client.unisolate("ffffffffffffffffffffffffffffffffffffffff");
            for (const r of [a, b]) {
                assert.strictEqual(r.status, 404);
                assert.deepStrictEqual(Object.keys(r.json), ["error"]);
                assert.deepStrictEqual(Object.keys(r.json.error), ["code", "message", "target"]);
                assert.strictEqual(r.json.error.code, "ResourceNotFound");
                assert.match(r.json.error.target, GUID);
                assert.strictEqual(r.headers[CORRELATION_HEADER], r.json.error.target);
            }
            assert.notStrictEqual(a.json.error.target, b.json.error.target);
        });

        it("400 OsPlatformNotSupported for Selective on Linux; Full is fine there", async () => {
            const sel = await client.isolate(linuxServer.id, isolateBody({ IsolationType: "Selective" }));
            assert.strictEqual(sel.status, 400);
            assert.strictEqual(sel.json.error.code, "OsPlatformNotSupported");
            assert.strictEqual((await client.isolate(linuxServer.id, isolateBody({ IsolationType: "Full" }))).status, 201);
        });

        it("accepts Selective on Windows Server and macOS", async () => {
            assert.strictEqual((await client.isolate(sqlServer.id, isolateBody({ IsolationType: "Selective" }))).status, 201);
            assert.strictEqual((await client.isolate(macLaptop.id, isolateBody({ IsolationType: "Selective" }))).status, 201);
        });

        it("405 for a wrong method and 404 for an unknown path", async () => {
            const m = await client.call(`/api/machines/${finLaptop.id}/isolate`);
            assert.strictEqual(m.status, 405);
            assert.strictEqual(m.headers.allow, "POST");
            const p = await client.call("/api/nothing-here");
            assert.strictEqual(p.status, 404);
            assert.strictEqual(p.json.error.code, "ResourceNotFound");
        });
    });

    describe("unmanaged devices", () => {
        it("contain with UnManagedDevice by default", async () => {
            emu.configure({ quirks: { scopeNullWhilePending: false } });
            const r = await client.isolate(unmanagedLaptop.id, { Comment: "contain" });
            assert.strictEqual(r.status, 201);
            assert.strictEqual(r.json.scope, "UnManagedDevice");
        });

        it("report the contain as quirks.unmanagedContainScope and unmanagedContainType say (undocumented by Microsoft)", async () => {
            emu.configure({ quirks: { scopeNullWhilePending: false, unmanagedContainScope: "Full", unmanagedContainType: "ContainDevice" } });
            const r = await client.isolate(unmanagedLaptop.id, { Comment: "contain" });
            assert.deepStrictEqual([r.status, r.json.type, r.json.scope], [201, "ContainDevice", "Full"]);
            emu.configure({ quirks: { unmanagedContainScope: "none" } });
            const again = await client.getAction(r.json.id);
            assert.deepStrictEqual([again.json.type, again.json.scope], ["ContainDevice", null]);
            const managed = await client.isolate(finLaptop.id);
            assert.deepStrictEqual([managed.json.type, managed.json.scope], ["Isolate", "Full"], "managed devices are unaffected");
        });

        it("reject Full or Selective with 400 InvalidInput", async () => {
            const r = await client.isolate(unmanagedLaptop.id, isolateBody({ IsolationType: "Full" }));
            assert.strictEqual(r.status, 400);
            assert.strictEqual(r.json.error.code, "InvalidInput");
        });

        it("managed devices reject UnManagedDevice with 400 InvalidInput", async () => {
            const r = await client.isolate(finLaptop.id, isolateBody({ IsolationType: "UnManagedDevice" }));
            assert.strictEqual(r.status, 400);
            assert.strictEqual(r.json.error.code, "InvalidInput");
        });
    });

    describe("duplicates", () => {
        it("reject a second isolate while one is Pending: 400 ActiveRequestAlreadyExists", async () => {
            assert.strictEqual((await client.isolate(finLaptop.id)).status, 201);
            const r = await client.isolate(finLaptop.id);
            assert.strictEqual(r.status, 400);
            assert.strictEqual(r.json.error.code, "ActiveRequestAlreadyExists");
            assert.strictEqual(r.json.error.message, "Action is already in progress");
            assert.strictEqual(emu.state().actions.length, 1);
        });

        it("reject a second unisolate the same way", async () => {
            await client.unisolate(finLaptop.id);
            const r = await client.unisolate(finLaptop.id);
            assert.strictEqual(r.json.error.code, "ActiveRequestAlreadyExists");
        });

        it("return the existing action when duplicates is returnExisting", async () => {
            emu.configure({ duplicates: "returnExisting" });
            const first = await client.isolate(finLaptop.id);
            const second = await client.isolate(finLaptop.id, isolateBody({ Comment: "again" }));
            assert.strictEqual(second.status, 201);
            assert.strictEqual(second.json.id, first.json.id);
            assert.strictEqual(second.json.requestorComment, first.json.requestorComment);
        });

        it("let an isolate and an unisolate be pending together", async () => {
            assert.strictEqual((await client.unisolate(finLaptop.id)).status, 201);
            assert.strictEqual((await client.isolate(finLaptop.id)).status, 201);
        });

        it("merge an identical request within mergeWindowMs even when duplicates are rejected", async () => {
            emu.configure({ quirks: { mergeWindowMs: 60_000 } });
            const first = await client.isolate(finLaptop.id);
            const second = await client.isolate(finLaptop.id);
            assert.strictEqual(second.status, 201);
            assert.strictEqual(second.json.id, first.json.id);
            const selective = await client.isolate(finLaptop.id, isolateBody({ IsolationType: "Selective" }));
            assert.strictEqual(selective.status, 400, "a different scope is not identical");
            assert.strictEqual(selective.json.error.code, "ActiveRequestAlreadyExists");
        });
    });
});
