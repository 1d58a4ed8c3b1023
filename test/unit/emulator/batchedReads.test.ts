// The listings a batched refresh sends: GET /api/machines?$filter=id in (...) / id eq, and
// GET /api/machineactions?$filter=machineId in (...), with and without the filterInSupported quirk.
import assert from "assert";
import { DEFAULT_DEVICES } from "../../../emulator";
import { odata, useTestEmulator } from "./helpers/fixtures";

const { finLaptop, hrLaptop, linuxServer } = DEFAULT_DEVICES;
const UNKNOWN_ID = "0".repeat(40);

describe("emulator: listings by device ids", () => {
    const { emu, client } = useTestEmulator();

    const machineIds = async (filter: string): Promise<string[]> => {
        const r = await client.listMachines(odata({ $filter: filter }));
        assert.strictEqual(r.status, 200, r.text);
        return r.json.value.map((m: { id: string }) => m.id);
    };

    it("id in (...) answers the devices that exist, case-insensitively, and leaves unknown ids out", async () => {
        assert.deepStrictEqual(await machineIds(`id in ('${hrLaptop.id}','${finLaptop.id.toUpperCase()}','${UNKNOWN_ID}')`), [finLaptop.id, hrLaptop.id]);
    });

    it("id eq answers one device, or none", async () => {
        assert.deepStrictEqual(await machineIds(`id eq '${linuxServer.id}'`), [linuxServer.id]);
        assert.deepStrictEqual(await machineIds(`id eq '${UNKNOWN_ID}'`), []);
    });

    it("a deleted device is no longer listed", async () => {
        emu.deleteMachine(hrLaptop.id);
        assert.deepStrictEqual(await machineIds(`id in ('${finLaptop.id}','${hrLaptop.id}')`), [finLaptop.id]);
    });

    it("machineId in (...) lists the actions of those devices only", async () => {
        const fin = (await client.isolate(finLaptop.id)).json.id;
        const hr = (await client.isolate(hrLaptop.id)).json.id;
        await client.isolate(linuxServer.id);
        const r = await client.listActions(odata({ $filter: `machineId in ('${finLaptop.id}','${hrLaptop.id}')` }));
        assert.strictEqual(r.status, 200, r.text);
        assert.deepStrictEqual(
            r.json.value.map((a: { id: string }) => a.id),
            [fin, hr],
        );
    });

    it("with filterInSupported off, in (...) is a 400 ODataError on both listings and eq still works", async () => {
        emu.configure({ quirks: { filterInSupported: false } });
        try {
            for (const r of [
                await client.listMachines(odata({ $filter: `id in ('${finLaptop.id}')` })),
                await client.listActions(odata({ $filter: `machineId in ('${finLaptop.id}')` })),
            ]) {
                assert.strictEqual(r.status, 400);
                assert.strictEqual(r.json.error.code, "ODataError");
            }
            assert.deepStrictEqual(await machineIds(`id eq '${finLaptop.id}'`), [finLaptop.id]);
        } finally {
            emu.configure({ quirks: { filterInSupported: true } });
        }
    });
});
