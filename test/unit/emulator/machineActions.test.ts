// GET /api/machineactions/{id} and the listing: $filter, $orderby, $top, $skip, nextLink, indexing lag.
import assert from "assert";
import sinon from "sinon";
import { DEFAULT_DEVICES, RunningEmulator } from "../../../emulator";
import { send } from "../../../testkit/http/send";
import { EmulatorClient, isolateBody, odata, startTestEmulator } from "./helpers/fixtures";

const { finLaptop, finLaptop2, hrLaptop, macLaptop, linuxServer } = DEFAULT_DEVICES;

describe("emulator: machine actions", () => {
    let emu: RunningEmulator;
    let client: EmulatorClient;
    let other: EmulatorClient;
    /** ids in creation order: isolate fin-042 (client), unisolate fin-043 (client), isolate hr (other), isolate mac (other, Selective) */
    let ids: string[];
    const sandbox = sinon.createSandbox();
    const T0 = Date.parse("2030-01-01T00:00:00.000Z");

    before(async () => {
        emu = await startTestEmulator({ actionDelays: { toInProgressMs: 1000, toSucceededMs: 1000 } });
    });
    after(async () => {
        await emu.stop();
    });
    beforeEach(async () => {
        const clock = sandbox.useFakeTimers({ now: T0, toFake: ["Date"] });
        emu.reset();
        client = new EmulatorClient(emu);
        other = new EmulatorClient(emu);
        await client.signIn();
        await other.signIn({ client_id: "second-app" });
        ids = [];
        ids.push((await client.isolate(finLaptop.id)).json.id);
        clock.tick(1000);
        ids.push((await client.unisolate(finLaptop2.id)).json.id);
        clock.tick(1000);
        ids.push((await other.isolate(hrLaptop.id)).json.id);
        clock.tick(1000);
        ids.push((await other.isolate(macLaptop.id, isolateBody({ IsolationType: "Selective" }))).json.id);
        // Now: first two Succeeded, hr InProgress, mac Pending.
    });
    afterEach(() => sandbox.restore());

    const listIds = async (query: string): Promise<string[]> => {
        const r = await client.listActions(query);
        assert.strictEqual(r.status, 200, r.text);
        return r.json.value.map((a: { id: string }) => a.id);
    };

    it("GET by id: 200 with @odata.context, 404 ResourceNotFound when unknown", async () => {
        const r = await client.getAction(ids[0]);
        assert.strictEqual(r.status, 200);
        assert.strictEqual(r.json["@odata.context"], `${emu.url}/api/$metadata#MachineActions/$entity`);
        assert.strictEqual(r.json.id, ids[0]);
        const nf = await client.getAction("6a9b2b3c-0000-4000-8000-000000000000");
        assert.strictEqual(nf.status, 404);
        assert.strictEqual(nf.json.error.code, "ResourceNotFound");
    });

    it("lists every action in creation order under @odata.context", async () => {
        const r = await client.listActions();
        assert.strictEqual(r.json["@odata.context"], `${emu.url}/api/$metadata#MachineActions`);
        assert.deepStrictEqual(Object.keys(r.json), ["@odata.context", "value"]);
        assert.deepStrictEqual(
            r.json.value.map((a: { id: string }) => a.id),
            ids,
        );
        assert.deepStrictEqual(
            r.json.value.map((a: { status: string }) => a.status),
            ["Succeeded", "Succeeded", "InProgress", "Pending"],
        );
    });

    describe("$filter", () => {
        const cases: Array<{ name: string; filter: () => string; expect: () => string[] }> = [
            { name: "machineId eq", filter: () => `machineId eq '${hrLaptop.id}'`, expect: () => [ids[2]] },
            { name: "id eq", filter: () => `id eq '${ids[1]}'`, expect: () => [ids[1]] },
            { name: "type eq", filter: () => "type eq 'Unisolate'", expect: () => [ids[1]] },
            { name: "status eq", filter: () => "status eq 'Succeeded'", expect: () => ids.slice(0, 2) },
            { name: "requestor eq", filter: () => "requestor eq 'second-app'", expect: () => ids.slice(2) },
            { name: "ne", filter: () => "status ne 'Succeeded'", expect: () => ids.slice(2) },
            { name: "values case-insensitively", filter: () => "status eq 'pending'", expect: () => [ids[3]] },
            { name: "and", filter: () => `type eq 'Isolate' and requestor eq 'second-app'`, expect: () => ids.slice(2) },
            { name: "or", filter: () => `machineId eq '${finLaptop.id}' or machineId eq '${macLaptop.id}'`, expect: () => [ids[0], ids[3]] },
            {
                name: "parentheses",
                filter: () => `type eq 'Isolate' and (status eq 'Pending' or status eq 'InProgress')`,
                expect: () => ids.slice(2),
            },
            { name: "in on id", filter: () => `id in ('${ids[0]}','${ids[3]}')`, expect: () => [ids[0], ids[3]] },
            { name: "in on machineId with spaces", filter: () => `machineId in ( '${finLaptop2.id}' , '${linuxServer.id}' )`, expect: () => [ids[1]] },
            { name: "in on status", filter: () => "status in ('Pending','InProgress')", expect: () => ids.slice(2) },
            { name: "creationDateTimeUtc gt", filter: () => "creationDateTimeUtc gt 2030-01-01T00:00:01.500Z", expect: () => ids.slice(2) },
            { name: "creationDateTimeUtc le", filter: () => "creationDateTimeUtc le 2030-01-01T00:00:01Z", expect: () => ids.slice(0, 2) },
            { name: "a quote inside a string", filter: () => "requestor eq 'o''brien'", expect: () => [] },
        ];
        for (const c of cases) {
            it(`filters by ${c.name}`, async () => {
                assert.deepStrictEqual(await listIds(odata({ $filter: c.filter() })), c.expect());
            });
        }

        it("accepts + for spaces, as form-encoding clients send", async () => {
            assert.deepStrictEqual(await listIds("?$filter=type+eq+'Unisolate'"), [ids[1]]);
        });

        const bad: Array<{ name: string; query: string }> = [
            { name: "a function", query: odata({ $filter: "contains(requestor,'app')" }) },
            { name: "an unknown property", query: odata({ $filter: "computerDnsName eq 'x'" }) },
            { name: "not", query: odata({ $filter: "not (status eq 'Pending')" }) },
            { name: "an unterminated string", query: odata({ $filter: "status eq 'Pending" }) },
            { name: "gt on a string", query: odata({ $filter: "status gt 'A'" }) },
            { name: "an unquoted string", query: odata({ $filter: "status eq Pending" }) },
            { name: "a dangling and", query: odata({ $filter: "status eq 'Pending' and" }) },
            { name: "an unbalanced parenthesis", query: odata({ $filter: "(status eq 'Pending'" }) },
            { name: "upper-case operators", query: odata({ $filter: "status EQ 'Pending'" }) },
            { name: "an empty filter", query: "?$filter=" },
            { name: "$select", query: odata({ $select: "id" }) },
            { name: "$top above 10000", query: odata({ $top: 10001 }) },
            { name: "a negative $top", query: "?$top=-1" },
            { name: "a repeated $filter", query: "?$filter=status%20eq%20'Pending'&$filter=status%20eq%20'Pending'" },
            { name: "an unknown $orderby property", query: odata({ $orderby: "title desc" }) },
        ];
        for (const c of bad) {
            it(`answers 400 ODataError for ${c.name}`, async () => {
                const r = await client.listActions(c.query);
                assert.strictEqual(r.status, 400);
                assert.strictEqual(r.json.error.code, "ODataError");
            });
        }

        it("rejects in (...) with 400 ODataError when filterInSupported is off, eq still works", async () => {
            emu.configure({ quirks: { filterInSupported: false } });
            const r = await client.listActions(odata({ $filter: `id in ('${ids[0]}')` }));
            assert.strictEqual(r.status, 400);
            assert.strictEqual(r.json.error.code, "ODataError");
            assert.deepStrictEqual(await listIds(odata({ $filter: `id eq '${ids[0]}'` })), [ids[0]]);
        });
    });

    describe("paging", () => {
        it("$top and $skip cut the list; nextLink carries the query on", async () => {
            const r = await client.listActions(odata({ $filter: "type eq 'Isolate'", $top: 2 }));
            assert.deepStrictEqual(
                r.json.value.map((a: { id: string }) => a.id),
                [ids[0], ids[2]],
            );
            assert.strictEqual(r.json["@odata.nextLink"], `${emu.url}/api/machineactions?$filter=type%20eq%20'Isolate'&$top=2&$skip=2`);
            const next = await send(r.json["@odata.nextLink"], "", { token: client.token }, emu.caCertPath);
            assert.deepStrictEqual(
                next.json.value.map((a: { id: string }) => a.id),
                [ids[3]],
            );
            assert.strictEqual(next.json["@odata.nextLink"], undefined);
        });

        it("following nextLink from maxPageSize pages yields every action exactly once", async () => {
            emu.configure({ maxPageSize: 3 });
            for (const d of [linuxServer, DEFAULT_DEVICES.sqlServer, DEFAULT_DEVICES.reonboardedNew]) await client.isolate(d.id);
            const seen: string[] = [];
            let url: string | undefined = `${emu.url}/api/machineactions`;
            for (let page = 0; url !== undefined && page < 10; page++) {
                const r = await send(url, "", { token: client.token }, emu.caCertPath);
                assert.ok(r.json.value.length <= 3);
                seen.push(...r.json.value.map((a: { id: string }) => a.id));
                url = r.json["@odata.nextLink"];
            }
            assert.strictEqual(url, undefined);
            assert.strictEqual(seen.length, 7);
            assert.strictEqual(new Set(seen).size, 7);
            assert.deepStrictEqual(seen.slice(0, 4), ids);
        });

        it("$skip beyond the end gives an empty page without nextLink", async () => {
            const r = await client.listActions(odata({ $skip: 10 }));
            assert.deepStrictEqual(r.json.value, []);
            assert.strictEqual(r.json["@odata.nextLink"], undefined);
        });

        it("$orderby creationDateTimeUtc desc reverses the order", async () => {
            assert.deepStrictEqual(await listIds(odata({ $orderby: "creationDateTimeUtc desc" })), [...ids].reverse());
        });
    });

    it("hides a new action from listings (not from GET by id) for indexingLagMs", async () => {
        emu.configure({ quirks: { indexingLagMs: 5000 } });
        const id = (await client.isolate(linuxServer.id)).json.id;
        assert.ok(!(await listIds(odata({ $filter: `machineId eq '${linuxServer.id}'` }))).includes(id));
        assert.strictEqual((await client.getAction(id)).status, 200);
        sandbox.clock.tick(5000);
        assert.deepStrictEqual(await listIds(odata({ $filter: `machineId eq '${linuxServer.id}'` })), [id]);
    });
});
