import assert from "node:assert/strict";
import { encodeQueryValue, pacingSnapshot } from "../../../provider/defender";
import { collection, errorBody, machineJson } from "./support/fixtures";
import { summary, useHarness } from "./support/harness";
import { rejection } from "./support/rejection";

const id = (n: number) => n.toString(16).padStart(40, "0");
const filtered = (filter: string, top = 10000) => `$filter=${encodeQueryValue(filter)}&$top=${top}`;
const ALERT = "da638700000000000001_1111111111";

describe("defender/client reads that choose devices", () => {
    const h = useHarness();

    describe("listFleet", () => {
        const table: Array<[string, Parameters<ReturnType<typeof h.client>["listFleet"]>[0], string]> = [
            ["a tag", { tag: "Fin'ance" }, "machineTags/any(tag: tag eq 'Fin''ance')"],
            ["a DNS name", { dnsName: "fin-lt-042.contoso.com" }, "computerDnsName eq 'fin-lt-042.contoso.com'"],
            ["the beginning of a DNS name (lower-cased)", { dnsNamePrefix: "FIN-lt-" }, "startswith(computerDnsName,'fin-lt-')"],
            ["an internal address", { lastIpAddress: "10.1.2.3" }, "lastIpAddress eq '10.1.2.3'"],
        ];
        for (const [what, filter, odata] of table) {
            it(`by ${what}: the documented $filter, pages of 10,000`, async () => {
                h.server.enqueue("GET", "/api/machines", { status: 200, json: collection([]) });
                await h.client().listFleet(filter);
                assert.deepEqual(h.server.requests.map(summary), [{ method: "GET", path: "/api/machines", rawQuery: filtered(odata), body: "" }]);
            });
        }

        it("checks every device of the answer again with the filter's own rule, case-insensitively", async () => {
            h.server.enqueue("GET", "/api/machines", {
                status: 200,
                json: collection([
                    machineJson({ id: id(1), machineTags: ["FINANCE"] }),
                    machineJson({ id: id(2), machineTags: ["Finance-EU"] }),
                    machineJson({ id: id(3), machineTags: [] }),
                ]),
            });
            const found = await h.client().listFleet({ tag: "finance" });
            assert.deepEqual(
                found.map((m) => m.id),
                [id(1)],
            );
        });

        it("without a filter reads the whole fleet, following @odata.nextLink, and reads the fields selectors match on", async () => {
            h.server.enqueue(
                "GET",
                "/api/machines",
                { status: 200, json: collection([machineJson({ id: id(1) }), machineJson({ id: id(3) })], `${h.server.url}/api/machines?$top=2&$skip=2`) },
                { status: 200, json: collection([machineJson({ id: id(2), rbacGroupName: "HR", lastExternalIpAddress: "198.51.100.7" })]) },
            );
            const found = await h.client({ pageSize: 2 }).listFleet();
            assert.deepEqual(
                found.map((m) => [m.id, m.rbacGroupName, m.lastIpAddress, m.lastExternalIpAddress, m.onboardingStatus]),
                [
                    [id(1), "Finance", "10.1.2.3", "203.0.113.10", "Onboarded"],
                    [id(3), "Finance", "10.1.2.3", "203.0.113.10", "Onboarded"],
                    [id(2), "HR", "10.1.2.3", "198.51.100.7", "Onboarded"],
                ],
            );
            assert.deepEqual(
                h.server.requests.map((r) => r.rawQuery),
                ["$top=2", "$top=2&$skip=2"],
            );
        });

        it("fails rather than answer a cut listing (more pages than maxPages)", async () => {
            h.server.fallback("GET", "/api/machines", { status: 200, json: collection([machineJson({ id: id(1) })]) });
            const e = await rejection(h.client({ pageSize: 1 }).listFleet({}, { maxPages: 2 }));
            assert.equal(e.kind, "invalidResponse");
            assert.match(e.message, /more than maxPages \(2\)/);
        });

        it("refuses a filter it cannot send exactly, before any request", async () => {
            for (const bad of [{ tag: "" }, { tag: "a\nb" }, { dnsName: "x".repeat(256) }, { tag: "a", dnsName: "b" }, { group: "HR" }]) {
                const e = await rejection(h.client().listFleet(bad as never));
                assert.equal(e.kind, "invalidInput", JSON.stringify(bad));
            }
            assert.equal(h.server.requests.length, 0);
        });
    });

    describe("getAlert", () => {
        it("GET /api/alerts/{id}: the alert and the device it names", async () => {
            h.server.enqueue("GET", `/api/alerts/${ALERT}`, {
                status: 200,
                json: {
                    id: ALERT,
                    incidentId: 924601,
                    title: "Qakbot",
                    machineId: id(7),
                    computerDnsName: "hr-lt-007.contoso.com",
                    severity: "High",
                    status: "New",
                },
            });
            const alert = await h.client().getAlert(ALERT);
            assert.deepEqual(alert, {
                id: ALERT,
                incidentId: 924601,
                title: "Qakbot",
                machineId: id(7),
                computerDnsName: "hr-lt-007.contoso.com",
                severity: "High",
                status: "New",
            });
            assert.equal(pacingSnapshot().find((b) => b.bucket === "alerts.read")?.windows.length, 2, "its own budget");
        });

        it("a 404 is an error with status 404; an answer for another alert or a device id that is not one is refused", async () => {
            h.server.enqueue("GET", `/api/alerts/${ALERT}`, { status: 404, json: errorBody("ResourceNotFound", "Alert was not found") });
            assert.equal((await rejection(h.client().getAlert(ALERT))).status, 404);
            h.server.enqueue("GET", `/api/alerts/${ALERT}`, { status: 200, json: { id: "da1", machineId: id(1) } });
            assert.match((await rejection(h.client().getAlert(ALERT))).message, /alert da1, not/);
            h.server.enqueue("GET", `/api/alerts/${ALERT}`, { status: 200, json: { id: ALERT, machineId: "../x" } });
            assert.match((await rejection(h.client().getAlert(ALERT))).message, /machineId" must be 40 hexadecimal/);
        });

        it("refuses an id that could change the path, before any request", async () => {
            for (const bad of ["", "../machines", "a/b", "da 1", "x".repeat(200)]) {
                const e = await rejection(h.client().getAlert(bad));
                assert.equal(e.kind, "invalidInput");
                assert.match(e.message, /alertId must be a Defender alert id/);
            }
            assert.equal(h.server.requests.length, 0);
        });
    });

    describe("getIncident (Defender XDR)", () => {
        it("asks a token for the XDR audience, spends the incidents budget (50 a minute), and reads each alert's devices", async () => {
            h.server.enqueue("GET", "/api/incidents/924610", {
                status: 200,
                json: {
                    incidentId: 924610,
                    incidentName: "Beacons",
                    status: "Active",
                    alerts: [
                        { alertId: "a1", title: "Beacon", devices: [{ mdatpDeviceId: id(1), deviceDnsName: "fin-lt-042.contoso.com" }] },
                        {
                            alertId: "a2",
                            title: "Beacon",
                            devices: [
                                { deviceId: id(2), deviceDnsName: "fin-lt-043.contoso.com" },
                                { mdatpDeviceId: null, deviceDnsName: "printer" },
                            ],
                        },
                        { alertId: "a3", title: "Mail", devices: [] },
                    ],
                },
            });
            const incident = await h.client().getIncident("924610");
            assert.deepEqual(
                incident.alerts.map((a) => a.devices),
                [
                    [{ machineId: id(1), computerDnsName: "fin-lt-042.contoso.com" }],
                    [
                        { machineId: id(2), computerDnsName: "fin-lt-043.contoso.com" },
                        { machineId: null, computerDnsName: "printer" },
                    ],
                    [],
                ],
            );
            assert.deepEqual(h.credential.scopes, ["https://api.security.microsoft.com/.default"]);
            const bucket = pacingSnapshot().find((b) => b.bucket === "incidents.read");
            assert.deepEqual(bucket?.windows.map((w) => `${w.calls}/${w.perSeconds}`).sort(), ["100/60", "1500/3600", "50/60"].sort());
        });

        it("takes its scope from xdrScope when set, and refuses an id that is not a whole number before any request", async () => {
            h.server.enqueue("GET", "/api/incidents/7", { status: 200, json: { incidentId: 7, alerts: [] } });
            await h.client({ xdrScope: "https://xdr.example/.default" }).getIncident("7");
            assert.deepEqual(h.credential.scopes, ["https://xdr.example/.default"]);
            for (const bad of ["INC-7", "0", "7/../8", "-1"]) assert.equal((await rejection(h.client().getIncident(bad))).kind, "invalidInput");
            assert.equal(h.server.requests.length, 1);
        });
    });
});
