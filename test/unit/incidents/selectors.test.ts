// Selectors, pure: name patterns, address ranges, what one entry matches, and the file format's keys
// (select, exclude, whenDeselected) with every problem at its line and field.
import { strict as assert } from "assert";
import { parseIncidentFile } from "../../../provider/incidents/incidentFile";
import { inIpRange, parseIpRange } from "../../../provider/incidents/ipRange";
import { literalPrefix, matchesNamePattern, namePatternProblem } from "../../../provider/incidents/namePattern";
import { formatProblem } from "../../../provider/incidents/problems";
import { describeCriteria, deviceMatches, type Criteria, type NamedBy, type SelectorDevice } from "../../../provider/incidents/selectors";
import { IDS } from "./fixtures";

const FILE = "incidents/inc-2060.yaml";
const lines = (...l: string[]) => `${l.join("\n")}\n`;

describe("incidents/selectors: name patterns", () => {
    const table: Array<[string, string, boolean]> = [
        ["fin-lt-*.contoso.com", "fin-lt-042.contoso.com", true],
        ["fin-lt-*.contoso.com", "FIN-LT-042.CONTOSO.COM", true],
        ["fin-lt-*.contoso.com", "old-fin-lt-042.contoso.com", false],
        ["fin-lt-*", "fin-lt-042.contoso.com", true],
        ["fin-lt-*", "fin-lt-", true],
        ["fin-lt-0??.contoso.com", "fin-lt-042.contoso.com", true],
        ["fin-lt-0??.contoso.com", "fin-lt-0421.contoso.com", false],
        ["*.contoso.com", "a.b.contoso.com", true],
        ["*.contoso.com", "contoso.com", false],
        ["fin-lt-042.contoso.com", "fin-lt-042.contoso.com", true],
        ["fin-lt-042.contoso.com", "fin-lt-042xcontoso.com", false],
        ["fin.lt", "finxlt", false],
        ["*-lt-*-*", "fin-lt-042-a", true],
        ["*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false],
        ["srv-??", "srv-1", false],
    ];
    for (const [pattern, name, expected] of table) {
        it(`${pattern} ${expected ? "matches" : "does not match"} ${name}`, () => {
            assert.equal(matchesNamePattern(pattern, name), expected);
        });
    }

    it("refuses what is not a name pattern, and a pattern that would match every device", () => {
        assert.equal(namePatternProblem("fin-lt-*.contoso.com"), undefined);
        assert.match(namePatternProblem("fin-lt-[0-9]*")?.message ?? "", /contains "\["/);
        assert.match(namePatternProblem("fin lt")?.message ?? "", /contains " "/);
        assert.match(namePatternProblem("^fin.*$")?.message ?? "", /contains "\^"/);
        assert.match(namePatternProblem("*")?.message ?? "", /nearly every device/);
        assert.match(namePatternProblem("*.*")?.message ?? "", /nearly every device/);
        assert.equal(literalPrefix("FIN-lt-*.x"), "fin-lt-");
        assert.equal(literalPrefix("*.x"), "");
    });
});

describe("incidents/selectors: address ranges", () => {
    const inside: Array<[string, string, boolean]> = [
        ["10.20.0.0/16", "10.20.3.4", true],
        ["10.20.0.0/16", "10.21.0.1", false],
        ["10.20.3.4", "10.20.3.4", true],
        ["10.20.3.4", "10.20.3.5", false],
        ["10.20.3.4/32", "10.20.3.4", true],
        ["0.0.0.0/0", "192.0.2.1", true],
        ["10.20.0.0/16", "::ffff:10.20.9.9", true],
        ["2001:db8::/48", "2001:db8:0:ffff::1", true],
        ["2001:db8::/48", "2001:db8:1::1", false],
        ["2001:db8::/48", "10.20.3.4", false],
        ["10.20.0.0/16", "2001:db8::1", false],
        ["10.20.0.0/16", "not an address", false],
    ];
    for (const [range, address, expected] of inside) {
        it(`${address} is ${expected ? "" : "not "}in ${range}`, () => {
            const r = parseIpRange(range);
            assert.ok(r.ok, r.ok ? "" : r.message);
            assert.equal(inIpRange(r.range, address), expected);
        });
    }

    const refused: Array<[string, RegExp]> = [
        ["10.20.0.0/33", /prefix length of "33"/],
        ["10.20.3.4/16", /sets bits outside its \/16 prefix.*first address: 10\.20\.0\.0\/16/],
        ["10.020.0.0/16", /must be an IP address or a CIDR range/],
        ["10.20.0/16", /must be an IP address/],
        ["fin-lt-042", /must be an IP address/],
        ["2001:db8::1/48", /sets bits outside/],
        ["1:2:3:4:5:6:7:8:9", /must be an IP address/],
        ["10.0.0.0/8/8", /must be an IP address/],
    ];
    for (const [text, message] of refused) {
        it(`refuses ${text}`, () => {
            const r = parseIpRange(text);
            assert.equal(r.ok, false);
            if (!r.ok) assert.match(`${r.message}: ${r.fix}`, message);
        });
    }
});

describe("incidents/selectors: what an entry matches", () => {
    const device = (o: Partial<SelectorDevice> = {}): SelectorDevice => ({
        id: IDS.a,
        computerDnsName: "fin-lt-042.contoso.com",
        machineTags: ["Finance", "Laptop"],
        rbacGroupName: "Finance",
        lastIpAddress: "10.20.3.4",
        lastExternalIpAddress: "203.0.113.10",
        onboardingStatus: "Onboarded",
        ...o,
    });
    const range = (t: string) => {
        const r = parseIpRange(t);
        if (!r.ok) throw new Error(r.message);
        return r.range;
    };
    const namedBy: NamedBy = { alerts: new Map([["da1", new Set([IDS.a])]]), incidents: new Map([["924601", new Set([IDS.b])]]) };
    const table: Array<[string, Criteria, Partial<SelectorDevice>, boolean]> = [
        ["a tag, whole, any case", { tag: "finance" }, {}, true],
        ["not part of a tag", { tag: "Fin" }, {}, false],
        ["a group", { group: "FINANCE" }, {}, true],
        ["another group", { group: "HR" }, {}, false],
        ["no group reported", { group: "Finance" }, { rbacGroupName: null }, false],
        ["a name pattern", { name: "fin-lt-*" }, {}, true],
        ["an internal range", { ip: range("10.20.0.0/16") }, {}, true],
        ["an external address", { externalIp: range("203.0.113.10") }, {}, true],
        ["an external range the internal address is in", { externalIp: range("10.20.0.0/16") }, {}, false],
        ["the device an alert names", { alert: "DA1" }, {}, true],
        ["a device the alert does not name", { alert: "da1" }, { id: IDS.c }, false],
        ["an incident's device", { defenderIncident: "924601" }, { id: IDS.b }, true],
        ["an unread incident", { defenderIncident: "1" }, {}, false],
        ["every criterion of the entry: tag and name", { tag: "Finance", name: "hr-*" }, {}, false],
        ["every criterion of the entry: tag, group, range", { tag: "Laptop", group: "Finance", ip: range("10.20.3.0/24") }, {}, true],
        ["a machine id (exclusions)", { machineId: IDS.a }, {}, true],
    ];
    for (const [what, criteria, o, expected] of table) {
        it(`${what}: ${expected ? "matches" : "does not match"}`, () => {
            assert.equal(deviceMatches(criteria, device(o), namedBy), expected);
        });
    }

    it("reads as written, values quoted", () => {
        assert.equal(describeCriteria({ tag: 'a "b"', ip: range("10.0.0.0/8") }), 'tag "a \\"b\\"" and ip "10.0.0.0/8"');
    });
});

describe("incidents/selectors: the file format", () => {
    const problems = (text: string) => parseIncidentFile(text, FILE).problems.map(formatProblem);

    it("reads select, exclude and whenDeselected beside isolate; isolate may be left out", () => {
        const parsed = parseIncidentFile(
            lines(
                "incident: INC-2060",
                "title: Qakbot in HR",
                "select:",
                "  - tag: HR",
                "    comment: HR share mapped here",
                "  - group: Finance",
                '    name: "fin-lt-*.contoso.com"',
                "    isolationType: Selective",
                "  - ip: 10.20.0.0/16",
                "  - alert: da638700000000000001_1111111111",
                "  - defenderIncident: 924601",
                "exclude:",
                "  - tag: Tier0",
                `  - machineId: ${IDS.c.toUpperCase()}`,
                "whenDeselected: release",
            ),
            FILE,
        );
        assert.deepEqual(parsed.problems, []);
        const s = parsed.incident?.selection;
        assert.ok(s);
        assert.deepEqual(parsed.incident?.devices, []);
        assert.equal(s.whenDeselected, "release");
        assert.deepEqual(
            s.select.map((e) => [e.path, e.line, describeCriteria(e.criteria), e.isolationType, e.comment ?? null]),
            [
                ["select[0]", 4, 'tag "HR"', "Full", "HR share mapped here"],
                ["select[1]", 6, 'group "Finance" and name "fin-lt-*.contoso.com"', "Selective", null],
                ["select[2]", 9, 'ip "10.20.0.0/16"', "Full", null],
                ["select[3]", 10, 'alert "da638700000000000001_1111111111"', "Full", null],
                ["select[4]", 11, 'defenderIncident "924601"', "Full", null],
            ],
        );
        assert.deepEqual(
            s.exclude.map((e) => [e.path, e.line, describeCriteria(e.criteria)]),
            [
                ["exclude[0]", 13, 'tag "Tier0"'],
                ["exclude[1]", 14, `machineId "${IDS.c}"`],
            ],
        );
    });

    it("keep is the default", () => {
        const parsed = parseIncidentFile(lines("incident: INC-1", "title: t", "select:", "  - tag: HR"), FILE);
        assert.equal(parsed.incident?.selection?.whenDeselected, "keep");
    });

    const cases: { name: string; text: string; expected: string[] }[] = [
        {
            name: "an entry without a criterion, unknown keys with their likely meaning",
            text: lines("incident: INC-1", "title: t", "select:", "  - comment: why", "  - tags: HR", "  - incident: 924601"),
            expected: [
                `${FILE}:4 select[0]: names no criterion: add one or more of tag, group, name, ip, externalIp, alert, defenderIncident (an entry's criteria all apply)`,
                `${FILE}:5 select[1].tags: unknown key: did you mean "tag"?`,
                `${FILE}:5 select[1]: names no criterion: add one or more of tag, group, name, ip, externalIp, alert, defenderIncident (an entry's criteria all apply)`,
                `${FILE}:6 select[2].incident: unknown key: did you mean "defenderIncident"?`,
                `${FILE}:6 select[2]: names no criterion: add one or more of tag, group, name, ip, externalIp, alert, defenderIncident (an entry's criteria all apply)`,
            ],
        },
        {
            name: "bad values, each at its line",
            text: lines(
                "incident: INC-1",
                "title: t",
                "select:",
                "  - name: fin-lt-[0-9]",
                "  - ip: 10.20.3.4/16",
                "  - alert: ../machines",
                "  - defenderIncident: INC-924601",
                "  - tag: ''",
                "  - group: [a, b]",
                "    isolationType: selective",
            ),
            expected: [
                `${FILE}:4 select[0].name: contains "[": a name pattern holds letters, digits, '-', '_', '.', and the wildcards '*' (any run of characters) and '?' (one character): write the device names' shape with * and ?, e.g. fin-lt-*.contoso.com (no regular expressions, no spaces)`,
                `${FILE}:5 select[1].ip: sets bits outside its /16 prefix ("10.20.3.4/16" is an address inside a range, not the range): write the range's first address: 10.20.0.0/16`,
                `${FILE}:6 select[2].alert: must be a Defender alert id such as da638512345678901234_1234567890 (letters, digits, "_" and "-", as in the alert page's URL); got "../machines": copy the alert id from the alert page's URL in the Defender portal`,
                `${FILE}:7 select[3].defenderIncident: must be a Defender incident id: a whole number such as 924521, as in the incident page's URL; got "INC-924601": copy the incident number from the incident page's URL in the Defender portal`,
                `${FILE}:8 select[4].tag: is empty: write it like tag: HR`,
                `${FILE}:9 select[5].group: must be text, got a list: write it like group: Finance`,
                `${FILE}:10 select[5].isolationType: must be one of Full, Selective, UnManagedDevice, got "selective": did you mean "Selective"?`,
            ],
        },
        {
            name: "exclude and whenDeselected without select; select that lists nothing",
            text: lines("incident: INC-1", "title: t", "isolate:", `  - machineId: ${IDS.a}`, "exclude:", "  - tag: Tier0", "whenDeselected: keep"),
            expected: [
                `${FILE}:5 exclude: applies to selectors, and this incident has no 'select:': add 'select:' with the devices' criteria, or remove 'exclude:'`,
                `${FILE}:7 whenDeselected: applies to selectors, and this incident has no 'select:': add 'select:' with the devices' criteria, or remove 'whenDeselected:'`,
            ],
        },
        {
            name: "an empty select, a bad whenDeselected, an exclusion of a criterion only selectors know",
            text: lines("incident: INC-1", "title: t", "select: []", "exclude:", "  - alert: da1", "whenDeselected: Release"),
            expected: [
                `${FILE}:3 select: lists nothing: write one '- tag: HR' per line under 'select:', or remove the key`,
                `${FILE}:5 exclude[0].alert: unknown key: allowed keys are tag, group, name, ip, externalIp, machineId; keep notes in YAML comments (# ...)`,
                `${FILE}:5 exclude[0]: names no criterion: add one or more of tag, group, name, ip, externalIp, machineId (an entry's criteria all apply)`,
                `${FILE}:6 whenDeselected: must be keep or release, got "Release": did you mean "release"?`,
            ],
        },
        {
            name: "a device both isolated by id and excluded by id",
            text: lines("incident: INC-1", "title: t", "isolate:", `  - machineId: ${IDS.a}`, "select:", "  - tag: HR", "exclude:", `  - machineId: ${IDS.a}`),
            expected: [
                `${FILE}:8 exclude[0]: excludes isolate[0] (line 4), which this incident lists under isolate: remove one of the two: exclude applies to what select chooses`,
            ],
        },
        {
            name: "neither isolate nor select",
            text: lines("incident: INC-1", "title: t"),
            expected: [
                `${FILE}:1 isolate: is missing: list the devices to isolate, e.g. 'isolate:' then '  - computerDnsName: fin-lt-042.contoso.com', or choose them with 'select:' (e.g. '  - tag: HR')`,
            ],
        },
    ];
    for (const c of cases) {
        it(c.name, () => {
            assert.deepEqual(problems(c.text), c.expected);
        });
    }
});
