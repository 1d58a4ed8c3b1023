// The GitOps program's selectors for real: the program run as the language host runs it (mock engine),
// reading the emulator through the Defender client over HTTP. One table per selector kind and their
// combinations, what a device that stops matching becomes, and all or nothing under faults: a failed,
// throttled or partial read declares nothing and releases nothing.
import { strict as assert } from "assert";
import { DEFAULT_ALERTS, DEFAULT_DEVICES, startEmulator, type RunningEmulator } from "../../../../emulator";
import { incidentProgram, IncidentProgramError } from "../../../../provider/apps/gitops/program";
import { createDefenderClient, resetPacing, type DefenderClient } from "../../../../provider/defender";
import type { PreviousDevice } from "../../../../provider/incidents/selectorReads";
import { runProgram, type CapturedResource } from "../../../../testkit/host/registration";
import { tempFolder } from "../../../unit/incidents/fixtures";

const { finLaptop, finLaptop2, hrLaptop, sqlServer, linuxServer, macLaptop, offlineLaptop, reonboardedOld, reonboardedNew, unmanagedLaptop } = DEFAULT_DEVICES;
const NOW = new Date("2026-11-22T12:00:00Z");
const lines = (...l: string[]) => `${l.join("\n")}\n`;
const incidentFile = (...selectLines: string[]) => lines("incident: INC-2060", "title: Outbreak", ...selectLines);

describe("gitops: selectors, resolved in the emulator", function () {
    this.timeout(30_000);
    let emu: RunningEmulator;
    let client: DefenderClient;
    const folders: { cleanup(): void }[] = [];

    before(async () => {
        emu = await startEmulator({ tls: false, actionDelays: { toInProgressMs: 40, toSucceededMs: 120 }, rateLimits: false });
    });
    after(async () => {
        await emu.stop();
    });
    beforeEach(() => {
        emu.reset();
        resetPacing();
        client = createDefenderClient({
            apiBaseUrl: emu.url,
            credential: {
                getToken: (scope) => Promise.resolve({ token: emu.issueToken({ scope: String(scope) }), expiresOnTimestamp: Date.now() + 3_600_000 }),
            },
            retry: { jitter: false, backoffBaseMs: 1, backoffMaxMs: 5, limit: 2, rateLimitRetries: 2, maxRetryAfterSeconds: 1, defaultRetryAfterSeconds: 1 },
        });
    });
    afterEach(() => folders.splice(0).forEach((f) => f.cleanup()));

    const run = async (files: Record<string, string>, o: { previous?: Record<string, PreviousDevice[]>; maxDevices?: number } = {}) => {
        const f = tempFolder(files);
        folders.push(f);
        const previous = new Map(Object.entries(o.previous ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
        return runProgram(
            async () => {
                const r = await incidentProgram(
                    { incidentsDir: f.dir, now: NOW, ...(o.maxDevices ? { maxDevices: o.maxDevices } : {}) },
                    { selectorClient: () => client, previousSelection: () => Promise.resolve(previous) },
                );
                return { incidents: r.incidents, deviceCount: r.deviceCount };
            },
            { answer: (r) => ({ id: `id-${r.name}`, state: { ...r.inputs, status: "Succeeded", machineActionId: `id-${r.name}` } }) },
        );
    };
    const declared = (resources: CapturedResource[]) =>
        resources
            .map((r) => r.name)
            .filter((n) => n.startsWith("isolate-"))
            .sort();
    const isolating = (...devices: { id: string }[]) => devices.map((d) => `isolate-${d.id}`).sort();
    const apiCalls = () =>
        emu
            .requests()
            .filter((r) => r.path.startsWith("/api/"))
            .map((r) => `${r.method} ${r.path}${r.query.$filter ? ` $filter=${r.query.$filter}` : ""}`);

    describe("each kind of selector, and combinations", () => {
        const table: Array<[string, string[], { id: string }[]]> = [
            ["a machine tag, whole and case-insensitive", ["select:", "  - tag: finance"], [finLaptop, finLaptop2, offlineLaptop]],
            ["a device group", ["select:", "  - group: Servers"], [sqlServer, linuxServer]],
            ["a name pattern", ["select:", '  - name: "fin-lt-04?.contoso.com"'], [finLaptop, finLaptop2]],
            ["every record of a re-onboarded name", ["select:", "  - name: eng-ws-21.contoso.com"], [reonboardedOld, reonboardedNew]],
            ["a single internal address", ["select:", `  - ip: ${"10.220.190.54"}`], []],
            ["an alert's device", ["select:", `  - alert: ${DEFAULT_ALERTS.hrQakbot.id}`], [hrLaptop]],
            ["a Defender XDR incident's devices", ["select:", "  - defenderIncident: 924610"], [finLaptop, finLaptop2]],
            ["the criteria of one entry all apply", ["select:", "  - tag: Laptop", '    name: "*-lt-*"'], [finLaptop, finLaptop2, hrLaptop, offlineLaptop]],
            ["entries add up", ["select:", "  - tag: HR", "  - tag: Design"], [hrLaptop, macLaptop]],
            ["exclusions subtract", ["select:", "  - tag: Finance", "exclude:", '  - name: "fin-lt-017*"'], [finLaptop, finLaptop2]],
            ["an exclusion by device id", ["select:", "  - tag: Server", "exclude:", `  - machineId: ${linuxServer.id}`], [sqlServer]],
            ["an alert's device, but only when it carries a tag", ["select:", `  - alert: ${DEFAULT_ALERTS.hrQakbot.id}`, "    tag: Finance"], []],
        ];
        for (const [what, select, expected] of table) {
            it(`${what}: ${expected.length} devices`, async () => {
                const { resources } = await run({ "inc.yaml": incidentFile(...select) });
                assert.deepEqual(declared(resources), isolating(...expected));
            });
        }

        it("an address range and an external address (neither filterable: the whole fleet is listed once)", async () => {
            const hr = emu.machine(hrLaptop.id);
            emu.updateMachine(macLaptop.id, { lastExternalIpAddress: "198.51.100.7" });
            const [a, b, c] = (hr?.lastIpAddress ?? "").split(".");
            const { resources } = await run({ "inc.yaml": incidentFile("select:", `  - ip: ${a}.${b}.${c}.0/24`, "  - externalIp: 198.51.100.0/24") });
            assert.ok(declared(resources).includes(`isolate-${hrLaptop.id}`));
            assert.ok(declared(resources).includes(`isolate-${macLaptop.id}`));
            assert.deepEqual(
                apiCalls().filter((c) => c.startsWith("GET /api/machines")),
                ["GET /api/machines"],
            );
        });

        it("uses Defender's filters where documented: one filtered listing per distinct tag, alerts and incidents by id", async () => {
            await run({
                "a.yaml": incidentFile("select:", "  - tag: HR", "  - tag: hr", `  - alert: ${DEFAULT_ALERTS.finBeacon.id}`),
                "b.yaml": lines("incident: INC-2061", "title: t", "select:", '  - name: "dsg-*"', "  - defenderIncident: 924601"),
            });
            // The alert's device is in no listing: it is read by its id. The incident's device is in the HR listing.
            assert.deepEqual(apiCalls().sort(), [
                `GET /api/alerts/${DEFAULT_ALERTS.finBeacon.id}`,
                "GET /api/incidents/924601",
                `GET /api/machines $filter=id in ('${finLaptop.id}')`,
                "GET /api/machines $filter=machineTags/any(tag: tag eq 'HR')",
                "GET /api/machines $filter=startswith(computerDnsName,'dsg-')",
            ]);
        });

        it("protected tags and onboarding leave devices out, each with its reason in the output; one resource per device across incidents", async () => {
            emu.updateMachine(sqlServer.id, { machineTags: ["Tier0", "Server", "DoNotIsolate"] });
            emu.updateMachine(unmanagedLaptop.id, { machineTags: ["Guest"] });
            const { resources, outputs } = await run({
                "a.yaml": incidentFile("select:", "  - tag: Server", "  - tag: Guest"),
                "b.yaml": lines("incident: INC-2061", "title: t", "select:", "  - tag: Guest", "    isolationType: UnManagedDevice", "  - group: Servers"),
            });
            assert.deepEqual(declared(resources), isolating(linuxServer, unmanagedLaptop));
            const linux = resources.find((r) => r.name === `isolate-${linuxServer.id}`);
            assert.equal(linux?.inputs.comment, 'INC-2060 Outbreak: selected by tag "Server"; INC-2061 t: selected by group "Servers"');
            assert.equal(linux?.inputs.computerDnsName, linuxServer.computerDnsName, "the name travels with the id");
            const selection = (outputs.incidents as Record<string, { selection: { leftOut: { machineId: string; reason: string }[] } }>)["INC-2060"].selection;
            assert.deepEqual(
                selection.leftOut.map((l) => [l.machineId, l.reason.replace(/\(onboardingStatus.*?\)/, "(…)")]),
                [
                    [
                        unmanagedLaptop.id,
                        "is not onboarded to Defender (…): only isolationType UnManagedDevice contains it; select it with an entry of its own that says so",
                    ],
                    [sqlServer.id, 'carries the protected tag "DoNotIsolate" (protectedTags)'],
                ],
            );
        });

        it("an unknown alert or incident is a problem at its line; nothing is declared", async () => {
            await assert.rejects(
                run({ "inc.yaml": incidentFile("select:", "  - tag: HR", "  - alert: da000000000000000000_1", "  - defenderIncident: 1") }),
                (e: unknown) => {
                    assert.ok(e instanceof IncidentProgramError);
                    assert.match(e.message, /inc\.yaml:5 select\[1\]\.alert: is not an alert Defender knows \(404\)/);
                    assert.match(e.message, /inc\.yaml:6 select\[2\]\.defenderIncident: is not an incident Defender XDR knows \(404\)/);
                    return true;
                },
            );
        });
    });

    describe("a device that stops matching", () => {
        const before = (...devices: { id: string; computerDnsName: string }[]): Record<string, PreviousDevice[]> => ({
            "INC-2060": devices.map((d) => ({
                machineId: d.id,
                computerDnsName: d.computerDnsName,
                isolationType: "Full",
                selectedBy: ['select[0] (tag "HR")'],
            })),
        });

        it("keep (the default): stays declared, marked kept, until the incident closes", async () => {
            emu.updateMachine(hrLaptop.id, { machineTags: ["Laptop"] });
            const { resources, outputs } = await run({ "inc.yaml": incidentFile("select:", "  - tag: HR") }, { previous: before(hrLaptop) });
            assert.deepEqual(declared(resources), isolating(hrLaptop));
            const selection = (outputs.incidents as Record<string, { selection: { devices: { machineId: string; selectedBy: string[] }[] } }>)["INC-2060"]
                .selection;
            assert.match(selection.devices[0].selectedBy[0], /^kept: kept until the incident closes: selected earlier by select\[0\] \(tag "HR"\)/);
            const comment = resources.find((r) => r.name === `isolate-${hrLaptop.id}`)?.inputs.comment as string;
            assert.match(comment, /^INC-2060 Outbreak: kept until the incident closes/);
        });

        it("release: no longer declared, so the update releases it; an exclusion releases a kept device too", async () => {
            emu.updateMachine(hrLaptop.id, { machineTags: ["Laptop"] });
            const released = await run({ "inc.yaml": incidentFile("select:", "  - tag: HR", "whenDeselected: release") }, { previous: before(hrLaptop) });
            assert.deepEqual(declared(released.resources), []);
            const excluded = await run(
                { "inc.yaml": incidentFile("select:", "  - tag: HR", "exclude:", `  - machineId: ${hrLaptop.id}`) },
                { previous: before(hrLaptop) },
            );
            assert.deepEqual(declared(excluded.resources), []);
        });

        it("a device the listing lacks (a short page) is read by its id: it still matches, so even release keeps it", async () => {
            emu.updateMachine(finLaptop.id, { machineTags: ["HR"] });
            emu.injectFault({ route: "listMachines", kind: "shortPage", keepItems: 1, count: 1 });
            const { resources } = await run(
                { "inc.yaml": incidentFile("select:", "  - tag: HR", "whenDeselected: release") },
                { previous: before(hrLaptop, finLaptop) },
            );
            assert.deepEqual(declared(resources), isolating(hrLaptop, finLaptop));
        });

        it("a device Defender no longer knows is left out, with the 404 as its reason", async () => {
            emu.deleteMachine(hrLaptop.id);
            const { resources, outputs } = await run({ "inc.yaml": incidentFile("select:", "  - tag: HR") }, { previous: before(hrLaptop) });
            assert.deepEqual(declared(resources), []);
            const selection = (outputs.incidents as Record<string, { selection: { leftOut: { reason: string }[] } }>)["INC-2060"].selection;
            assert.match(selection.leftOut[0].reason, /404/);
        });
    });

    describe("all or nothing", () => {
        const withTag = ["  - tag: HR", `  - alert: ${DEFAULT_ALERTS.finBeacon.id}`];
        const faults: Array<[string, object, string[]]> = [
            ["a 500 storm on the listing", { route: "listMachines", kind: "status", status: 500, count: 50 }, withTag],
            ["a 429 storm on the listing", { route: "listMachines", kind: "status", status: 429, retryAfterSeconds: 1, count: 50 }, withTag],
            ["a 500 storm on the alert", { route: "getAlert", kind: "status", status: 500, count: 50 }, withTag],
            // No listing here: the only device reads are by id (the alert's device, the one selected before).
            [
                "the by-id read of the devices failing",
                { route: "listMachines", kind: "status", status: 503, count: 50 },
                [`  - alert: ${DEFAULT_ALERTS.finBeacon.id}`],
            ],
        ];
        for (const [what, fault, select] of faults) {
            it(`${what}: the program fails before declaring anything, naming what it tried`, async () => {
                emu.injectFault(fault as never);
                const previous = { "INC-2060": [{ machineId: hrLaptop.id, computerDnsName: null, isolationType: "Full", selectedBy: [] }] };
                let registered: CapturedResource[] | undefined;
                await assert.rejects(
                    run({ "inc.yaml": incidentFile("select:", ...select) }, { previous }).then((r) => {
                        registered = r.resources;
                    }),
                    (e: unknown) => {
                        assert.ok(e instanceof IncidentProgramError, String(e));
                        assert.match(e.message, /^Could not read the devices the selectors choose in Defender: .*Nothing was declared/s);
                        return true;
                    },
                );
                assert.equal(registered, undefined);
                assert.deepEqual(
                    emu.requests().filter((r) => r.method === "POST"),
                    [],
                );
            });
        }

        it("the mass-isolation brake names the selectors that matched the most; nothing is declared", async () => {
            await assert.rejects(run({ "inc.yaml": incidentFile("select:", "  - tag: Laptop", "  - tag: HR") }, { maxDevices: 3 }), (e: unknown) => {
                assert.ok(e instanceof IncidentProgramError);
                assert.match(
                    e.message,
                    /declares 5 devices, more than maxDevices \(3\); the largest selectors: INC-2060 select\[0\] \(tag "Laptop"\) matches 5 devices; INC-2060 select\[1\] \(tag "HR"\) matches 1 device/,
                );
                return true;
            });
        });
    });
});
