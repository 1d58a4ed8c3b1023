import { strict as assert } from "assert";
import { ISOLATION_TYPE_DEFAULTS, isolationTypeViolations, type IsolationTypeConfig } from "../../../provider/rules/isolationTypeByClass";

const FIN_ID = "a1beb9c642989d916897d4ce0a770c37adc96b20";
const listed: IsolationTypeConfig = { ...ISOLATION_TYPE_DEFAULTS, fullIsolationAllowed: ["web-lnx-*", FIN_ID.toUpperCase()] };

describe("policy/isolation-type-by-device-class", () => {
    const table: [what: string, decl: Record<string, unknown>, c: IsolationTypeConfig, expected: RegExp | undefined][] = [
        ["Full on a laptop", { computerDnsName: "fin-lt-043.contoso.com", isolationType: "Full" }, ISOLATION_TYPE_DEFAULTS, undefined],
        ["Full on a Mac", { computerDnsName: "DSG-MAC-11.contoso.com", isolationType: "Full" }, ISOLATION_TYPE_DEFAULTS, undefined],
        [
            "Full on a server",
            { computerDnsName: "srv-sql-01.contoso.com", isolationType: "Full" },
            ISOLATION_TYPE_DEFAULTS,
            /^isolationType Full is for workstations \(names matching "\*-lt-\*", "\*-ws-\*", "\*-mac-\*", "\*-pc-\*"\); "srv-sql-01.contoso.com" is not one: use isolationType Selective, or list the device in fullIsolationAllowed/,
        ],
        [
            "no type: the provider's default, Full",
            { computerDnsName: "srv-sql-01.contoso.com" },
            ISOLATION_TYPE_DEFAULTS,
            /^isolationType Full is for workstations/,
        ],
        ["Selective on a server", { computerDnsName: "srv-sql-01.contoso.com", isolationType: "Selective" }, ISOLATION_TYPE_DEFAULTS, undefined],
        [
            "UnManagedDevice is another kind of containment",
            { computerDnsName: "printer-3.contoso.com", isolationType: "UnManagedDevice" },
            ISOLATION_TYPE_DEFAULTS,
            undefined,
        ],
        [
            "Full by id only: class unknown",
            { machineId: FIN_ID, isolationType: "Full" },
            ISOLATION_TYPE_DEFAULTS,
            /^isolationType Full for machineId "a1beb9c642989d916897d4ce0a770c37adc96b20", declared by id only: its name, and so its class, is unknown before create: declare it by computerDnsName/,
        ],
        ["Full by a listed id", { machineId: FIN_ID, isolationType: "Full" }, listed, undefined],
        ["Full on a server listed by pattern (Linux: Full only)", { computerDnsName: "web-lnx-03.contoso.com", isolationType: "Full" }, listed, undefined],
        [
            "no workstation pattern at all",
            { computerDnsName: "fin-lt-043.contoso.com", isolationType: "Full" },
            { fullIsolationNamePatterns: [], fullIsolationAllowed: [] },
            /names matching none\)/,
        ],
    ];
    for (const [what, decl, c, expected] of table) {
        it(what, () => {
            const got = isolationTypeViolations(decl, c);
            if (!expected) assert.deepEqual(got, []);
            else {
                assert.equal(got.length, 1, got.join("\n"));
                assert.match(got[0], expected);
            }
        });
    }
});
