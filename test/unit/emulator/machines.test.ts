// GET /api/machines/{id or name} and GET /api/machines with $filter, on the default and a generated fleet.
import assert from "assert";
import { DEFAULT_DEVICES, DEFAULT_FLEET, RunningEmulator } from "../../../emulator";
import { EmulatorClient, odata, startTestEmulator } from "./helpers/fixtures";

const { finLaptop, offlineLaptop, reonboardedOld, reonboardedNew, unmanagedLaptop } = DEFAULT_DEVICES;

const MACHINE_FIELDS = [
    "@odata.context",
    "aadDeviceId",
    "agentVersion",
    "computerDnsName",
    "deviceValue",
    "exposureLevel",
    "firstSeen",
    "healthStatus",
    "id",
    "isAadJoined",
    "lastExternalIpAddress",
    "lastIpAddress",
    "lastSeen",
    "machineTags",
    "managedBy",
    "onboardingStatus",
    "osBuild",
    "osPlatform",
    "osProcessor",
    "osVersion",
    "rbacGroupId",
    "rbacGroupName",
    "riskScore",
    "version",
];

describe("emulator: machines", () => {
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

    const names = async (query: string): Promise<string[]> => {
        const r = await client.listMachines(query);
        assert.strictEqual(r.status, 200, r.text);
        return r.json.value.map((m: { id: string }) => m.id);
    };

    it("GET by id answers the Machine entity, without any isolation field", async () => {
        const r = await client.getMachine(finLaptop.id);
        assert.strictEqual(r.status, 200);
        assert.deepStrictEqual(Object.keys(r.json).sort(), MACHINE_FIELDS);
        assert.strictEqual(r.json["@odata.context"], `${emu.url}/api/$metadata#Machines/$entity`);
        assert.strictEqual(r.json.computerDnsName, finLaptop.computerDnsName);
        assert.strictEqual(r.json.osPlatform, "Windows11");
        assert.strictEqual(r.json.healthStatus, "Active");
        assert.deepStrictEqual(r.json.machineTags, finLaptop.machineTags);
    });

    it("GET by computer name, case-insensitively", async () => {
        const r = await client.getMachine("FIN-LT-042.Contoso.com");
        assert.strictEqual(r.json.id, finLaptop.id);
    });

    it("GET by a shared name answers the most recently seen record", async () => {
        const r = await client.getMachine(reonboardedOld.computerDnsName);
        assert.strictEqual(r.json.id, reonboardedNew.id);
    });

    it("404 ResourceNotFound for an unknown id or name, and for a partial name", async () => {
        for (const key of ["0000000000000000000000000000000000000000", "nobody.contoso.com", "fin-lt-042"]) {
            const r = await client.getMachine(key);
            assert.strictEqual(r.status, 404);
            assert.strictEqual(r.json.error.code, "ResourceNotFound");
        }
    });

    it("reports an offline device as Inactive, last seen days ago", async () => {
        const r = await client.getMachine(offlineLaptop.id);
        assert.strictEqual(r.json.healthStatus, "Inactive");
        const days = (Date.now() - Date.parse(r.json.lastSeen)) / 86_400_000;
        assert.ok(days > 3.9 && days < 4.1, `lastSeen ${r.json.lastSeen}`);
    });

    it("reports an unmanaged device as not onboarded", async () => {
        const r = await client.getMachine(unmanagedLaptop.id);
        assert.strictEqual(r.json.onboardingStatus, "CanBeOnboarded");
    });

    it("lists the whole fleet under @odata.context", async () => {
        const r = await client.listMachines();
        assert.strictEqual(r.json["@odata.context"], `${emu.url}/api/$metadata#Machines`);
        assert.deepStrictEqual(
            r.json.value.map((m: { id: string }) => m.id),
            DEFAULT_FLEET.map((d) => d.id),
        );
    });

    describe("computerDnsName filter", () => {
        it("matches exactly and case-insensitively, finding both records of a re-onboarded name", async () => {
            assert.deepStrictEqual(await names(odata({ $filter: "computerDnsName eq 'eng-ws-21.contoso.com'" })), [reonboardedOld.id, reonboardedNew.id]);
            assert.deepStrictEqual(await names(odata({ $filter: "computerDnsName eq 'FIN-LT-042.CONTOSO.COM'" })), [finLaptop.id]);
        });

        it("never matches a substring", async () => {
            assert.deepStrictEqual(await names(odata({ $filter: "computerDnsName eq 'fin-lt'" })), []);
            assert.deepStrictEqual(await names(odata({ $filter: "computerDnsName eq 'fin-lt-042'" })), []);
            assert.deepStrictEqual(await names(odata({ $filter: "computerDnsName eq 'contoso.com'" })), []);
        });

        it("supports in (...) and other fields", async () => {
            assert.deepStrictEqual(await names(odata({ $filter: `computerDnsName in ('fin-lt-042.contoso.com','fin-lt-017.contoso.com')` })), [
                finLaptop.id,
                offlineLaptop.id,
            ]);
            assert.deepStrictEqual(await names(odata({ $filter: "osPlatform eq 'Linux'" })), [DEFAULT_DEVICES.linuxServer.id]);
            assert.deepStrictEqual(await names(odata({ $filter: "healthStatus eq 'Inactive'" })), [offlineLaptop.id, reonboardedOld.id]);
        });

        it("answers 400 ODataError for unsupported syntax", async () => {
            const r = await client.listMachines(odata({ $filter: "contains(computerDnsName,'fin')" }));
            assert.strictEqual(r.status, 400);
            assert.strictEqual(r.json.error.code, "ODataError");
        });
    });
});

describe("emulator: generated fleet", () => {
    let emu: RunningEmulator;

    before(async () => {
        emu = await startTestEmulator({ fleet: { generate: 2000 } });
    });
    after(async () => {
        await emu.stop();
    });

    it("serves the default fleet plus 2,000 synthetic devices with unique 40-hex ids", async () => {
        const client = new EmulatorClient(emu);
        await client.signIn();
        const r = await client.listMachines(odata({ $top: 10000 }));
        const ids: string[] = r.json.value.map((m: { id: string }) => m.id);
        assert.strictEqual(ids.length, DEFAULT_FLEET.length + 2000);
        assert.strictEqual(new Set(ids).size, ids.length);
        assert.ok(ids.every((id) => /^[0-9a-f]{40}$/.test(id)));
        const one = await client.listMachines(odata({ $filter: "computerDnsName eq 'syn-01999.fleet.contoso.com'" }));
        assert.strictEqual(one.json.value.length, 1);
    });
});
