import { strict as assert } from "assert";
import { MAX_COMMENT_LENGTH } from "../../../provider/resource/inputs";
import { planDevices } from "../../../provider/incidents/devicePlan";
import { formatProblem } from "../../../provider/incidents/problems";
import { IDS, incident } from "./fixtures";

const NOW = new Date("2026-11-22T12:00:00Z");

describe("gitops: device plan", () => {
    it("declares one resource per device, named after it, with the incident in the comments", () => {
        const plan = planDevices(
            [
                incident({
                    devices: [{ machineId: IDS.a }, { computerDnsName: "fin-lt-042.contoso.com", isolationType: "Selective", comment: "keeps Teams" }],
                }),
            ],
            NOW,
        );
        assert.deepEqual(plan.problems, []);
        assert.deepEqual(plan.devices, [
            {
                name: `isolate-${IDS.a}`,
                machineId: IDS.a,
                isolationType: "Full",
                comment: "INC-2031 Cobalt Strike beacon on finance laptops",
                releaseComment: "Released by Pulumi: incident INC-2031 closed",
                incidents: ["INC-2031"],
            },
            {
                name: "isolate-fin-lt-042.contoso.com",
                computerDnsName: "fin-lt-042.contoso.com",
                isolationType: "Selective",
                comment: "INC-2031 Cobalt Strike beacon on finance laptops: keeps Teams",
                releaseComment: "Released by Pulumi: incident INC-2031 closed",
                incidents: ["INC-2031"],
            },
        ]);
    });

    it("merges a device listed by several incidents: Full wins over Selective, every incident is named", () => {
        const plan = planDevices(
            [
                incident({ id: "INC-2044", title: "Phishing", devices: [{ machineId: IDS.a, isolationType: "Full" }] }),
                incident({ id: "INC-2031", title: "Beacon", devices: [{ machineId: IDS.a, isolationType: "Selective", comment: "keeps Teams" }] }),
            ],
            NOW,
        );
        assert.deepEqual(plan.problems, []);
        assert.equal(plan.devices.length, 1);
        assert.deepEqual(plan.devices[0], {
            name: `isolate-${IDS.a}`,
            machineId: IDS.a,
            isolationType: "Full",
            comment: "INC-2031 Beacon: keeps Teams; INC-2044 Phishing",
            releaseComment: "Released by Pulumi: incidents INC-2031, INC-2044 closed",
            incidents: ["INC-2031", "INC-2044"],
        });
        const selectiveOnly = planDevices(
            [
                incident({ id: "INC-1", devices: [{ machineId: IDS.a, isolationType: "Selective" }] }),
                incident({ id: "INC-2", devices: [{ machineId: IDS.a, isolationType: "Selective" }] }),
            ],
            NOW,
        );
        assert.equal(selectiveOnly.devices[0].isolationType, "Selective");
    });

    it("moving a device from one incident to another keeps its resource name and only changes its comment", () => {
        const before = planDevices([incident({ id: "INC-1", title: "Old", devices: [{ machineId: IDS.a }, { machineId: IDS.b }] })], NOW);
        const after = planDevices(
            [
                incident({ id: "INC-1", title: "Old", devices: [{ machineId: IDS.b }] }),
                incident({ id: "INC-2", title: "New", devices: [{ machineId: IDS.a }] }),
            ],
            NOW,
        );
        assert.deepEqual(
            after.devices.map((d) => d.name),
            before.devices.map((d) => d.name),
        );
        const moved = (p: typeof before) => p.devices.find((d) => d.machineId === IDS.a)!;
        assert.equal(moved(before).comment, "INC-1 Old");
        assert.equal(moved(after).comment, "INC-2 New");
        assert.equal(moved(after).isolationType, moved(before).isolationType);
    });

    it("bounds the comment of a device listed by many incidents", () => {
        const incidents = Array.from({ length: 40 }, (_, i) =>
            incident({
                id: `INC-${100 + i}`,
                title: "t".repeat(150),
                devices: [{ machineId: IDS.a, comment: "c".repeat(200) }],
            }),
        );
        const [device] = planDevices(incidents, NOW).devices;
        assert.ok(device.comment.length <= MAX_COMMENT_LENGTH);
        assert.ok(device.releaseComment.length <= MAX_COMMENT_LENGTH);
        assert.match(device.comment, /^INC-100 t+: c+; INC-101 .*; … and 3\d more$/);
        assert.equal(device.incidents.length, 40);
    });

    it("stops declaring the devices of an expired incident, unless another open incident lists them", () => {
        const plan = planDevices(
            [
                incident({
                    id: "INC-1",
                    expiresAt: new Date("2026-11-22T12:00:00Z"),
                    devices: [{ machineId: IDS.a }, { machineId: IDS.b, isolationType: "Selective" }],
                }),
                incident({ id: "INC-2", expiresAt: new Date("2026-11-22T12:00:01Z"), devices: [{ machineId: IDS.b }] }),
            ],
            NOW,
        );
        assert.deepEqual(
            plan.devices.map((d) => [d.name, d.incidents, d.isolationType]),
            [[`isolate-${IDS.b}`, ["INC-2"], "Full"]],
        );
        assert.deepEqual(
            plan.incidents.map((i) => ({ id: i.id, expired: i.expired, declared: i.devices.map((d) => d.declared) })),
            [
                { id: "INC-1", expired: true, declared: [false, true] },
                { id: "INC-2", expired: false, declared: [true] },
            ],
        );
        assert.equal(plan.devices[0].comment.includes("INC-1"), false, "an expired incident is not named in the comment");
    });

    it("refuses UnManagedDevice and another type on the same device, pointing at both entries", () => {
        const plan = planDevices(
            [
                incident({ id: "INC-1", file: "a.yaml", devices: [{ machineId: IDS.a, isolationType: "UnManagedDevice", line: 5 }] }),
                incident({ id: "INC-2", file: "b.yaml", devices: [{ machineId: IDS.a, isolationType: "Selective", line: 7 }] }),
            ],
            NOW,
        );
        assert.deepEqual(plan.problems.map(formatProblem), [
            "a.yaml:5 isolate[0].isolationType: is UnManagedDevice here, but Selective in INC-2 (b.yaml:7): use one isolation type for this device in every open incident: UnManagedDevice only for devices not onboarded to Defender",
            "b.yaml:7 isolate[0].isolationType: is Selective here, but UnManagedDevice in INC-1 (a.yaml:5): use one isolation type for this device in every open incident: UnManagedDevice only for devices not onboarded to Defender",
        ]);
        const alone = planDevices([incident({ devices: [{ machineId: IDS.a, isolationType: "UnManagedDevice" }] })], NOW);
        assert.deepEqual([alone.problems, alone.devices[0].isolationType], [[], "UnManagedDevice"]);
    });

    it("devices named by DNS and by id are different resources (the program cannot know they are one device)", () => {
        const plan = planDevices([incident({ devices: [{ computerDnsName: "fin-lt-042.contoso.com" }, { machineId: IDS.a }] })], NOW);
        assert.deepEqual(
            plan.devices.map((d) => d.name),
            [`isolate-${IDS.a}`, "isolate-fin-lt-042.contoso.com"],
        );
    });
});
