// Moving the isolations in place into Git: `defender-isolation export` writes an incident file, and
// applying it through the provider host (the GitOps program registered as `pulumi up` does, then check
// and create of every declared device) adopts each isolation: the emulator receives no isolate.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { incidentProgram } from "../../../../provider/apps/gitops/program";
import { runProgram } from "../../../../testkit/host/registration";
import { RESOURCE_TYPE, startWorld, type World } from "../../../../testkit/world";
import { apiRequests, at, commandEnv, runCommand, seedEveryState, type SeededFleet } from "../../../../testkit/cli/command";

describe("cli: export, then apply: the isolations are adopted, no isolate is sent", function () {
    this.timeout(120_000);
    let world: World;
    let fleet: SeededFleet;
    let dir: string;

    before(async () => {
        world = await startWorld();
        // The pending isolate starts 4 s after it is requested: still pending when exported and applied.
        fleet = await seedEveryState(world.emulator, 4000);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "inventory-adopt-"));
    });
    after(async () => {
        await world?.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("every isolated and isolating device is declared and adopted with its own action", async () => {
        const emu = world.emulator;
        emu.clearRequests();
        const out = path.join(dir, "inc-3000.yaml");
        const exported = await runCommand(["export", "--incident", "INC-3000", "--out", out, ...at(emu)], commandEnv(emu));
        assert.equal(exported.code, 0, exported.stderr);

        const run = await runProgram(async () => {
            const result = await incidentProgram({ incidentsDir: dir });
            return { deviceCount: result.deviceCount };
        });
        const resources = run.resources.filter((r) => r.type === RESOURCE_TYPE);
        assert.deepEqual(
            resources.map((r) => r.inputs.machineId).sort(),
            [fleet.isolated.machineId, fleet.selective.machineId, fleet.isolating.machineId].sort(),
        );
        assert.equal(emu.action(fleet.isolating.actionId)?.status, "Pending", "the isolate is still pending when applied");

        const created = await Promise.all(
            resources.map(async (r) => {
                const checked = await world.host.check(r.urn, {}, r.inputs);
                assert.deepEqual(checked.failures, []);
                const c = await world.host.create(r.urn, checked.inputs);
                return { machineId: r.inputs.machineId as string, id: c.id, status: c.properties.status, type: c.properties.isolationType };
            }),
        );
        assert.deepEqual(
            created.sort((a, b) => (a.machineId < b.machineId ? -1 : 1)),
            [
                { machineId: fleet.isolated.machineId, id: fleet.isolated.actionId, status: "Succeeded", type: "Full" },
                { machineId: fleet.isolating.machineId, id: fleet.isolating.actionId, status: "Succeeded", type: "Full" },
                { machineId: fleet.selective.machineId, id: fleet.selective.actionId, status: "Succeeded", type: "Selective" },
            ].sort((a, b) => (a.machineId < b.machineId ? -1 : 1)),
        );

        const calls = apiRequests(emu);
        assert.deepEqual(
            calls.filter((c) => c.startsWith("POST")),
            [],
            "no isolate, release or cancel was sent",
        );
        assert.ok(calls.length > 0, "the export and the creates did read Defender");
        for (const id of [fleet.isolated.machineId, fleet.selective.machineId, fleet.isolating.machineId]) {
            assert.equal(
                emu.state().actions.filter((a) => a.machineId === id && a.type === "Isolate").length,
                1,
                `one isolate action on ${id}, the one adopted`,
            );
        }
        assert.ok(world.host.stdout().filter((l) => /adopting the (current|pending) isolate/.test(l)).length >= 3, world.host.stdout().join("\n"));
    });
});
