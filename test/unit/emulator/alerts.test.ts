// Alerts (GET /api/alerts/{id}, its machine), Defender XDR incidents (GET /api/incidents/{id}), the
// filters selectors use on GET /api/machines, and the controls that change tags and add alerts.
import assert from "assert";
import sinon from "sinon";
import { DEFAULT_ALERTS, DEFAULT_DEVICES, DEFAULT_XDR_AUDIENCE, RunningEmulator } from "../../../emulator";
import { EmulatorClient, deviceSpec, odata, startTestEmulator, useTestEmulator } from "./helpers/fixtures";

const { finLaptop, finLaptop2, hrLaptop, sqlServer, linuxServer } = DEFAULT_DEVICES;

describe("emulator: alerts and incidents", () => {
    const { emu, client } = useTestEmulator();
    let xdr: EmulatorClient;

    beforeEach(async () => {
        xdr = new EmulatorClient(emu);
        await xdr.signIn({ scope: DEFAULT_XDR_AUDIENCE });
    });

    it("GET /api/alerts/{id} answers the Alert entity naming its device, by id case-insensitively", async () => {
        const r = await client.call(`/api/alerts/${DEFAULT_ALERTS.hrQakbot.id.toUpperCase()}`);
        assert.strictEqual(r.status, 200, r.text);
        assert.strictEqual(r.json["@odata.context"], `${emu.url}/api/$metadata#Alerts/$entity`);
        assert.strictEqual(r.json.id, DEFAULT_ALERTS.hrQakbot.id);
        assert.strictEqual(r.json.machineId, hrLaptop.id);
        assert.strictEqual(r.json.computerDnsName, hrLaptop.computerDnsName);
        assert.strictEqual(r.json.rbacGroupName, "HR");
        assert.strictEqual(r.json.incidentId, 924601);
        assert.strictEqual(r.json.title, DEFAULT_ALERTS.hrQakbot.title);
        assert.match(r.json.alertCreationTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
    });

    it("GET /api/alerts/{id}/machine answers the device; 404 ResourceNotFound for an unknown alert or a deleted device", async () => {
        const r = await client.call(`/api/alerts/${DEFAULT_ALERTS.finBeacon.id}/machine`);
        assert.strictEqual(r.status, 200, r.text);
        assert.strictEqual(r.json.id, finLaptop.id);
        assert.strictEqual(r.json["@odata.context"], `${emu.url}/api/$metadata#Machines/$entity`);

        const unknown = await client.call("/api/alerts/da000000000000000000_0/machine");
        assert.strictEqual(unknown.status, 404);
        assert.strictEqual(unknown.json.error.code, "ResourceNotFound");

        emu.deleteMachine(finLaptop.id);
        const gone = await client.call(`/api/alerts/${DEFAULT_ALERTS.finBeacon.id}/machine`);
        assert.strictEqual(gone.status, 404);
        const alert = await client.call(`/api/alerts/${DEFAULT_ALERTS.finBeacon.id}`);
        assert.strictEqual(alert.json.machineId, finLaptop.id, "the alert keeps the id of a deleted device");
        assert.strictEqual(alert.json.computerDnsName, null);
    });

    it("GET /api/incidents/{id} answers the Defender XDR shape: every alert with its device", async () => {
        const r = await xdr.call("/api/incidents/924610");
        assert.strictEqual(r.status, 200, r.text);
        assert.strictEqual(r.json.incidentId, 924610);
        assert.strictEqual(r.json.incidentName, "Cobalt Strike beacons on finance laptops");
        assert.strictEqual(r.json.status, "Active");
        assert.deepStrictEqual(
            r.json.alerts.map((a: { alertId: string; devices: { mdatpDeviceId: string; deviceDnsName: string }[] }) => [
                a.alertId,
                a.devices.map((d) => [d.mdatpDeviceId, d.deviceDnsName]),
            ]),
            [
                [DEFAULT_ALERTS.finBeacon.id, [[finLaptop.id, finLaptop.computerDnsName]]],
                [DEFAULT_ALERTS.finBeacon2.id, [[finLaptop2.id, finLaptop2.computerDnsName]]],
            ],
        );
    });

    it("the incidents API takes Defender XDR tokens only: a Defender for Endpoint token gets 403, and the reverse", async () => {
        assert.strictEqual((await client.call("/api/incidents/924601")).status, 403);
        assert.strictEqual((await xdr.call(`/api/alerts/${DEFAULT_ALERTS.hrQakbot.id}`)).status, 403);
        assert.strictEqual((await xdr.call("/api/incidents/924601")).status, 200);
    });

    it("unknown incident: 404; an id that is not a number: 400 InvalidInput", async () => {
        assert.strictEqual((await xdr.call("/api/incidents/1")).status, 404);
        const bad = await xdr.call("/api/incidents/INC-1");
        assert.strictEqual(bad.status, 400);
        assert.strictEqual(bad.json.error.code, "InvalidInput");
    });

    it("addAlert: a new alert (and its incident) on a device of the fleet; refused for an unknown device or a duplicate id", async () => {
        const alert = emu.addAlert({ id: "da638799999999999999_1", machineId: sqlServer.id, title: "Mimikatz", incidentId: 77 });
        assert.strictEqual(alert.computerDnsName, sqlServer.computerDnsName);
        const r = await xdr.call("/api/incidents/77");
        assert.strictEqual(r.json.incidentName, "Mimikatz", "an incident without a name takes its first alert's title");
        assert.throws(() => emu.addAlert({ id: "da1", machineId: "f".repeat(40), title: "x", incidentId: 1 }), /does not exist/);
        assert.throws(() => emu.addAlert({ id: "da638799999999999999_1", machineId: sqlServer.id, title: "x", incidentId: 1 }), /already exists/);
        const http = await client.control("POST", "/alerts", { id: "da2", machineId: hrLaptop.id, title: "Over HTTP", incidentId: 924601 });
        assert.strictEqual(http.status, 200, http.text);
        const incident = await xdr.call("/api/incidents/924601");
        assert.strictEqual(incident.json.alerts.length, 2);
    });

    it("separate rate budgets: alerts and incidents each their own; the incidents API 50 calls a minute by default", async () => {
        const clock = sinon.useFakeTimers({ now: Date.parse("2030-06-01T12:00:00Z"), toFake: ["Date"] });
        try {
            emu.reset();
            emu.configure({ rateLimits: { windows: [{ calls: 100, perSeconds: 60 }] } });
            await client.signIn();
            await xdr.signIn({ scope: DEFAULT_XDR_AUDIENCE });
            assert.deepStrictEqual(emu.config().rateLimits.perApi.incidentsRead, [
                { calls: 50, perSeconds: 60 },
                { calls: 1500, perSeconds: 3600 },
            ]);
            for (let i = 0; i < 50; i++) assert.strictEqual((await xdr.call("/api/incidents/924601")).status, 200);
            const over = await xdr.call("/api/incidents/924601");
            assert.strictEqual(over.status, 429);
            assert.strictEqual((await client.call(`/api/alerts/${DEFAULT_ALERTS.hrQakbot.id}`)).status, 200, "alerts keep their own budget");
            assert.strictEqual((await client.call(`/api/machines/${hrLaptop.id}`)).status, 200, "machines keep theirs");
        } finally {
            clock.restore();
        }
    });
});

describe("emulator: the machine filters selectors use", () => {
    let emu: RunningEmulator;
    let client: EmulatorClient;

    before(async () => {
        emu = await startTestEmulator();
        client = new EmulatorClient(emu);
        await client.signIn();
    });
    after(async () => {
        await emu.stop();
    });

    const ids = async (filter: string): Promise<string[]> => {
        const r = await client.listMachines(odata({ $filter: filter }));
        assert.strictEqual(r.status, 200, r.text);
        return r.json.value.map((m: { id: string }) => m.id).sort();
    };

    it("machineTags/any(tag: tag eq '...'): whole tags, case-insensitively", async () => {
        assert.deepStrictEqual(await ids("machineTags/any(tag: tag eq 'server')"), [sqlServer.id, linuxServer.id].sort());
        assert.deepStrictEqual(await ids("machineTags/any(tag: tag eq 'Serv')"), []);
    });

    it("startswith(computerDnsName,'...'), lastIpAddress eq, rbacGroupId eq", async () => {
        assert.deepStrictEqual(await ids("startswith(computerDnsName,'FIN-LT-04')"), [finLaptop.id, finLaptop2.id].sort());
        const hr = (await client.getMachine(hrLaptop.id)).json;
        assert.deepStrictEqual(await ids(`lastIpAddress eq '${hr.lastIpAddress}'`), [hrLaptop.id]);
        assert.deepStrictEqual(await ids(`rbacGroupId eq ${hr.rbacGroupId}`), [hrLaptop.id]);
    });

    it("rbacGroupName and lastExternalIpAddress are not filterable (Microsoft documents neither)", async () => {
        for (const filter of ["rbacGroupName eq 'HR'", "lastExternalIpAddress eq '203.0.113.10'"]) {
            const r = await client.listMachines(odata({ $filter: filter }));
            assert.strictEqual(r.status, 400, filter);
            assert.strictEqual(r.json.error.code, "ODataError");
        }
    });

    it("updateMachine changes tags, group and addresses, over HTTP and in process; the listing sees the change", async () => {
        emu.updateMachine(hrLaptop.id, { machineTags: ["HR", "Outbreak"], lastExternalIpAddress: "198.51.100.7" });
        assert.deepStrictEqual(await ids("machineTags/any(tag: tag eq 'outbreak')"), [hrLaptop.id]);
        const r = await client.control("PATCH", `/machines/${hrLaptop.id}`, { machineTags: ["HR"], rbacGroupName: "Quarantine" });
        assert.strictEqual(r.status, 200, r.text);
        assert.deepStrictEqual(r.json.machineTags, ["HR"]);
        assert.strictEqual(r.json.rbacGroupName, "Quarantine");
        assert.strictEqual(r.json.lastExternalIpAddress, "198.51.100.7");
        assert.deepStrictEqual(await ids("machineTags/any(tag: tag eq 'outbreak')"), []);
        const bad = await client.control("PATCH", `/machines/${hrLaptop.id}`, { machineTags: "HR", osPlatform: "Linux" });
        assert.strictEqual(bad.status, 400);
        assert.match(bad.json.error.message, /osPlatform: cannot be changed/);
        assert.match(bad.json.error.message, /machineTags: must be a list of strings/);
        assert.throws(() => emu.updateMachine("0".repeat(40), { machineTags: [] }), /does not exist/);
    });

    it("a fleet given explicitly starts without the default alerts; alerts on unknown devices are refused at start", async () => {
        const small = await startTestEmulator({ fleet: { devices: [deviceSpec()] } });
        try {
            assert.deepStrictEqual(small.state().alerts, []);
        } finally {
            await small.stop();
        }
        await assert.rejects(
            startTestEmulator({ fleet: { devices: [deviceSpec()], alerts: [{ id: "da1", machineId: finLaptop.id, title: "x", incidentId: 1 }] } }),
            /options\.fleet\.alerts\[0\]\.machineId: no device/,
        );
    });
});
