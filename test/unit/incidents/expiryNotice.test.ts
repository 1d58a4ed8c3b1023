import { strict as assert } from "assert";
import { planDevices } from "../../../provider/incidents/devicePlan";
import { expiryWarnings } from "../../../provider/incidents/expiryNotice";
import { IDS, incident } from "./fixtures";

// The clock is injected: these hold on any day the tests run.
const NOW = new Date("2026-11-22T12:00:00Z");

describe("incidents/expiryNotice: an expired incident is never silent", () => {
    const expired = incident({
        id: "INC-7",
        file: "incidents/inc-7.yaml",
        expiresAt: new Date("2026-11-01T08:30:00Z"),
        devices: [{ machineId: IDS.a }, { computerDnsName: "web-lnx-03.contoso.com" }, { machineId: IDS.b }],
    });
    const open = incident({ id: "INC-8", devices: [{ machineId: IDS.b }] });

    it("names the incident, when it expired, each device, and what happens to it", () => {
        const [warning, ...rest] = expiryWarnings(planDevices([expired, open], NOW), new Map([[IDS.a, "fin-lt-042.contoso.com"]]));
        assert.deepEqual(rest, []);
        assert.equal(
            warning,
            "INC-7 (incidents/inc-7.yaml) expired at 2026-11-01 08:30 UTC and declares no device. " +
                `fin-lt-042.contoso.com (${IDS.a.slice(0, 8)}…), web-lnx-03.contoso.com: they are released by 'pulumi up' if this stack isolated them, and not isolated otherwise. ` +
                `${IDS.b} stays isolated: INC-8 lists it too. ` +
                "To keep its devices isolated, move expiresAt into the future; to close the incident, delete its file.",
        );
    });

    it("an incident that expired before it was ever applied says so too (nothing declared, nothing silent)", () => {
        const warnings = expiryWarnings(planDevices([incident({ expiresAt: new Date("2020-01-01T00:00:00Z") })], NOW));
        assert.equal(warnings.length, 1);
        assert.match(
            warnings[0],
            /^INC-2031 \(incidents\/inc-2031\.yaml\) expired at 2020-01-01 00:00 UTC and declares no device\. 1e5bc9d7\S+: it is released by 'pulumi up' if this stack isolated it, and not isolated otherwise\./,
        );
    });

    it("open incidents and incidents expiring later: no warning; the instant of expiry counts as expired", () => {
        assert.deepEqual(expiryWarnings(planDevices([open, incident({ expiresAt: new Date("2026-11-22T12:00:01Z") })], NOW)), []);
        assert.equal(expiryWarnings(planDevices([incident({ expiresAt: NOW })], NOW)).length, 1);
    });

    it("a file name from the folder cannot break the line", () => {
        const [w] = expiryWarnings(planDevices([incident({ file: "incidents/x\n\u001b[2Jy.yaml", expiresAt: new Date("2020-01-01T00:00:00Z") })], NOW));
        // eslint-disable-next-line no-control-regex
        assert.doesNotMatch(w, /[\n\u001b]/);
    });
});
