import { strict as assert } from "assert";
import { parseIncidentFile } from "../../../provider/incidents/incidentFile";
import { formatProblem } from "../../../provider/incidents/problems";
import { IDS, incidentYaml } from "./fixtures";

const FILE = "incidents/inc-2031.yaml";

function problems(text: string): string[] {
    return parseIncidentFile(text, FILE).problems.map(formatProblem);
}

const lines = (...l: string[]) => l.join("\n") + "\n";

describe("gitops: incident file", () => {
    it("reads a valid file: ids and names lower-cased, Full by default, comments and expiry kept", () => {
        const parsed = parseIncidentFile(
            lines(
                "incident: INC-2031",
                "title: Cobalt Strike beacon on finance laptops",
                "isolate:",
                `  - machineId: ${IDS.a.toUpperCase()}`,
                "  - computerDnsName: FIN-LT-042.contoso.com",
                "    isolationType: Selective",
                "    comment: keeps Teams for the user's manager call",
                "expiresAt: 2026-12-01T00:00:00+01:00",
            ),
            FILE,
        );
        assert.deepEqual(parsed.problems, []);
        assert.deepEqual(parsed.incident, {
            id: "INC-2031",
            title: "Cobalt Strike beacon on finance laptops",
            file: FILE,
            line: 1,
            expiresAt: new Date("2026-11-30T23:00:00Z"),
            devices: [
                { path: "isolate[0]", line: 4, isolationType: "Full", machineId: IDS.a },
                {
                    path: "isolate[1]",
                    line: 5,
                    isolationType: "Selective",
                    computerDnsName: "fin-lt-042.contoso.com",
                    comment: "keeps Teams for the user's manager call",
                },
            ],
        });
        assert.deepEqual(parsed.declaredId, { id: "INC-2031", line: 1 });
    });

    it("keeps the text of plain scalars YAML reads as numbers (all-digit ids, numeric incident ids)", () => {
        const digits = "1234567890123456789012345678901234567890";
        const parsed = parseIncidentFile(lines("incident: 2031", "title: 404", "isolate:", `  - machineId: ${digits}`), FILE);
        assert.deepEqual(parsed.problems, []);
        assert.equal(parsed.incident?.id, "2031");
        assert.equal(parsed.incident?.title, "404");
        assert.equal(parsed.incident?.devices[0].machineId, digits);
    });

    it("resolves YAML aliases", () => {
        const parsed = parseIncidentFile(
            lines(
                "incident: INC-7",
                "title: &t Shared title",
                "isolate:",
                "  - &dev { machineId: " + IDS.b + " }",
                "  - computerDnsName: hr-lt-007.contoso.com",
                "    comment: *t",
            ),
            FILE,
        );
        assert.deepEqual(parsed.problems, []);
        assert.equal(parsed.incident?.devices[0].machineId, IDS.b);
        assert.equal(parsed.incident?.devices[1].comment, "Shared title");
    });

    // Each case: the file, and every problem expected in it, exactly.
    const cases: { name: string; text: string; expected: string[] }[] = [
        {
            name: "an isolation type in the wrong case",
            text: lines(
                "incident: INC-2031",
                "title: Beacon",
                "isolate:",
                `  - machineId: ${IDS.a}`,
                "  - computerDnsName: fin-lt-042.contoso.com",
                "    isolationType: full",
            ),
            expected: [`${FILE}:6 isolate[1].isolationType: must be one of Full, Selective, UnManagedDevice, got "full": did you mean "Full"?`],
        },
        {
            name: "an unknown isolation type",
            text: lines("incident: INC-1", "title: t", "isolate:", `  - machineId: ${IDS.a}`, "    isolationType: Partial"),
            expected: [
                `${FILE}:5 isolate[0].isolationType: must be one of Full, Selective, UnManagedDevice, got "Partial": remove it for Full, or write Selective to keep Outlook, Teams and Skype working (Windows and macOS)`,
            ],
        },
        {
            name: "unknown keys, with and without a likely meaning",
            text: lines(
                "incident: INC-1",
                "title: t",
                "severity: high",
                "expires: 2026-12-01T00:00:00Z",
                "isolate:",
                `  - machineID: ${IDS.a}`,
                "  - hostname: fin-lt-042.contoso.com",
            ),
            expected: [
                `${FILE}:3 severity: unknown key: allowed keys are incident, title, isolate, select, exclude, whenDeselected, expiresAt; keep notes in YAML comments (# ...)`,
                `${FILE}:4 expires: unknown key: did you mean "expiresAt"?`,
                `${FILE}:6 isolate[0].machineID: unknown key: did you mean "machineId"?`,
                `${FILE}:6 isolate[0]: names no device: add machineId (40 hexadecimal characters) or computerDnsName (the device's full DNS name)`,
                `${FILE}:7 isolate[1].hostname: unknown key: did you mean "computerDnsName"?`,
                `${FILE}:7 isolate[1]: names no device: add machineId (40 hexadecimal characters) or computerDnsName (the device's full DNS name)`,
            ],
        },
        {
            name: "missing required keys",
            text: lines("title: t"),
            expected: [
                `${FILE}:1 incident: is missing: add the incident id, e.g. 'incident: INC-2031'`,
                `${FILE}:1 isolate: is missing: list the devices to isolate, e.g. 'isolate:' then '  - computerDnsName: fin-lt-042.contoso.com', or choose them with 'select:' (e.g. '  - tag: HR')`,
            ],
        },
        {
            name: "both machineId and computerDnsName",
            text: lines("incident: INC-1", "title: t", "isolate:", `  - machineId: ${IDS.a}`, "    computerDnsName: fin-lt-042.contoso.com"),
            expected: [`${FILE}:5 isolate[0]: sets both machineId and computerDnsName: keep exactly one of them (machineId is the more precise)`],
        },
        {
            name: "a bad machineId, and a DNS name written as machineId",
            text: lines("incident: INC-1", "title: t", "isolate:", "  - machineId: abc123", "  - machineId: fin-lt-042.contoso.com"),
            expected: [
                `${FILE}:4 isolate[0].machineId: must be a Defender device id of 40 hexadecimal characters, got "abc123" (6 characters): copy the Device ID (40 hexadecimal characters) from the device page in the Defender portal`,
                `${FILE}:5 isolate[1].machineId: must be a Defender device id of 40 hexadecimal characters, got "fin-lt-042.contoso.com" (22 characters): this looks like a DNS name: write computerDnsName: fin-lt-042.contoso.com`,
            ],
        },
        {
            name: "a bad DNS name, and a device id written as computerDnsName",
            text: lines("incident: INC-1", "title: t", "isolate:", "  - computerDnsName: fin lt 042", `  - computerDnsName: x${IDS.a.slice(1)}.`),
            expected: [
                `${FILE}:4 isolate[0].computerDnsName: must be a device's DNS name such as fin-lt-042.contoso.com (ASCII letters, digits, "-" and "_" in dot-separated labels, at most 255 characters), or declare the machineId instead; got "fin lt 042": write the device's full DNS name as Defender shows it, e.g. fin-lt-042.contoso.com`,
                `${FILE}:5 isolate[1].computerDnsName: must be a device's DNS name such as fin-lt-042.contoso.com (ASCII letters, digits, "-" and "_" in dot-separated labels, at most 255 characters), or declare the machineId instead; got "x${IDS.a.slice(1)}.": write the device's full DNS name as Defender shows it, e.g. fin-lt-042.contoso.com`,
            ],
        },
        {
            name: "a device id written as computerDnsName",
            text: lines("incident: INC-1", "title: t", "isolate:", `  - computerDnsName: ${IDS.b}`),
            expected: [`${FILE}:4 isolate[0].computerDnsName: looks like a device id, not a DNS name, got "${IDS.b}": write machineId: ${IDS.b} instead`],
        },
        {
            name: "the same device twice in one incident, ignoring case",
            text: lines(
                "incident: INC-1",
                "title: t",
                "isolate:",
                `  - machineId: ${IDS.a}`,
                "  - computerDnsName: fin-lt-042.contoso.com",
                `  - machineId: ${IDS.a.toUpperCase()}`,
                "  - computerDnsName: FIN-LT-042.contoso.com",
            ),
            expected: [
                `${FILE}:6 isolate[2]: lists the same device as isolate[0] (line 4): remove one of the two entries`,
                `${FILE}:7 isolate[3]: lists the same device as isolate[1] (line 5): remove one of the two entries`,
            ],
        },
        {
            name: "expiry timestamps without a time, without a timezone, not a date, impossible, a number",
            text: lines("incident: INC-1", "title: t", "isolate:", `  - machineId: ${IDS.a}`, "expiresAt: 2026-12-01"),
            expected: [`${FILE}:5 expiresAt: is a date without a time, got "2026-12-01": write a time and a timezone, e.g. 2026-12-01T00:00:00Z`],
        },
        {
            name: "an expiry without a timezone",
            text: lines("incident: INC-1", "title: t", "isolate:", `  - machineId: ${IDS.a}`, "expiresAt: 2026-12-01 18:30"),
            expected: [`${FILE}:5 expiresAt: has no timezone, got "2026-12-01 18:30": add Z for UTC or an offset like +02:00, e.g. 2026-12-01T18:30Z`],
        },
        {
            name: "an impossible expiry date",
            text: lines("incident: INC-1", "title: t", "isolate:", `  - machineId: ${IDS.a}`, "expiresAt: 2026-02-30T00:00:00Z"),
            expected: [
                `${FILE}:5 expiresAt: is not a real date and time, got "2026-02-30T00:00:00Z": check the month, day, hours, minutes and offset, e.g. 2026-12-01T00:00:00Z`,
            ],
        },
        {
            name: "an expiry that is a number",
            text: lines("incident: INC-1", "title: t", "isolate:", `  - machineId: ${IDS.a}`, "expiresAt: true"),
            expected: [`${FILE}:5 expiresAt: must be an ISO-8601 timestamp with a timezone, got true: write it like 2026-12-01T00:00:00Z, or remove the key`],
        },
        {
            name: "an expiry that is words",
            text: lines("incident: INC-1", "title: t", "isolate:", `  - machineId: ${IDS.a}`, "expiresAt: next friday"),
            expected: [
                `${FILE}:5 expiresAt: must be an ISO-8601 timestamp with a timezone, got "next friday": write it like 2026-12-01T00:00:00Z (UTC) or 2026-12-01T09:00:00+02:00`,
            ],
        },
        {
            name: "an empty file",
            text: "",
            expected: [`${FILE}:1 the file is empty: write an incident (incident, title, isolate) or delete the file to close it`],
        },
        {
            name: "a file of comments only",
            text: lines("# INC-2031, closed on 2026-11-20"),
            expected: [`${FILE}:1 the file is empty: write an incident (incident, title, isolate) or delete the file to close it`],
        },
        {
            name: "a list at the top",
            text: lines(`- machineId: ${IDS.a}`),
            expected: [`${FILE}:1 must be a mapping with the keys incident, title and isolate: start the file with 'incident: INC-1234'`],
        },
        {
            name: "an empty device list, and a device list with nothing",
            text: lines("incident: INC-1", "title: t", "isolate: []"),
            expected: [`${FILE}:3 isolate: lists no device: list at least one device; to release every device of a closed incident, delete the file`],
        },
        {
            name: "a device list that is text",
            text: lines("incident: INC-1", "title: t", "isolate: fin-lt-042.contoso.com"),
            expected: [
                `${FILE}:3 isolate: must be a list of devices, got "fin-lt-042.contoso.com": write one '- machineId: …' or '- computerDnsName: …' per line under 'isolate:'`,
            ],
        },
        {
            name: "devices written as bare names",
            text: lines("incident: INC-1", "title: t", "isolate:", "  - fin-lt-042.contoso.com", `  - ${IDS.a}`),
            expected: [
                `${FILE}:4 isolate[0]: must be a mapping with machineId or computerDnsName, got "fin-lt-042.contoso.com": write '- computerDnsName: fin-lt-042.contoso.com'`,
                `${FILE}:5 isolate[1]: must be a mapping with machineId or computerDnsName, got "${IDS.a}": write '- machineId: ${IDS.a}'`,
            ],
        },
        {
            name: "an incident id with spaces, an empty title",
            text: lines("incident: INC 2031", "title: ''", "isolate:", `  - machineId: ${IDS.a}`),
            expected: [
                `${FILE}:1 incident: must be letters, digits, '-', '_', '.' or '#', starting with a letter or digit, got "INC 2031": write it like INC-2031`,
                `${FILE}:2 title: is empty: write it like title: Cobalt Strike beacon on finance laptops`,
            ],
        },
        {
            name: "a title on several lines, a comment too long, a comment that is a list",
            text: lines(
                "incident: INC-1",
                "title: |",
                "  line one",
                "  line two",
                "isolate:",
                `  - machineId: ${IDS.a}`,
                `    comment: ${"x".repeat(301)}`,
                "  - computerDnsName: a.contoso.com",
                "    comment: [a, b]",
            ),
            expected: [
                `${FILE}:2 title: spans several lines: write it on one line; Defender shows comments as one line`,
                `${FILE}:7 isolate[0].comment: is 301 characters long, more than 300: shorten it to at most 300 characters`,
                `${FILE}:9 isolate[1].comment: must be text, got a list: write it like comment: keeps Teams for the user's manager call`,
            ],
        },
        {
            name: "a title with a tab",
            text: lines("incident: INC-1", 'title: "a\tb"', "isolate:", `  - machineId: ${IDS.a}`),
            expected: [`${FILE}:2 title: contains control characters: remove them (tabs included)`],
        },
        {
            name: "a key with no value",
            text: lines("incident: INC-1", "title:", "isolate:"),
            expected: [
                `${FILE}:2 title: must be text, got nothing: write it like title: Cobalt Strike beacon on finance laptops`,
                `${FILE}:3 isolate: lists no device: list at least one device; to release every device of a closed incident, delete the file`,
            ],
        },
        {
            name: "a duplicated key (YAML)",
            text: lines("incident: INC-1", "title: t", "title: u", "isolate:", `  - machineId: ${IDS.a}`),
            expected: [`${FILE}:3 YAML syntax error: Map keys must be unique: keep only one of the two keys`],
        },
        {
            name: "a key given twice through an alias, which the YAML parser lets through (the first list would be dropped)",
            text: lines("incident: INC-1", "title: t", `&k isolate: [{ machineId: ${IDS.a} }]`, `*k : [{ machineId: ${IDS.b} }]`),
            expected: [`${FILE}:4 isolate: is given twice (first at line 3): keep only one of the two keys`],
        },
        {
            name: "a device key given twice through an alias",
            text: lines("incident: INC-1", "title: &c t", "isolate:", `  - { &m machineId: ${IDS.a}, comment: x, *m : ${IDS.b} }`),
            expected: [`${FILE}:4 isolate[0].machineId: is given twice (first at line 4): keep only one of the two keys`],
        },
        {
            name: "two documents in one file",
            text: incidentYaml() + "---\n" + incidentYaml({ incident: "INC-2" }),
            expected: [
                `${FILE}:5 YAML syntax error: Source contains multiple documents; please use YAML.parseAllDocuments(): keep one incident per file: move what follows '---' to a file of its own`,
            ],
        },
        {
            name: "tabs as indentation",
            text: "incident: INC-1\ntitle: t\nisolate:\n\t- machineId: x\n",
            expected: [`${FILE}:4 YAML syntax error: Tabs are not allowed as indentation: indent with spaces, not tabs`],
        },
    ];

    for (const c of cases) {
        it(`reports ${c.name}, with file, line and field path`, () => {
            const parsed = parseIncidentFile(c.text, FILE);
            assert.deepEqual(parsed.problems.map(formatProblem), c.expected);
            assert.equal(parsed.incident, undefined, "a file with problems yields no incident");
        });
    }

    it("keeps a valid incident id when other fields are wrong, so duplicate ids are still found", () => {
        const parsed = parseIncidentFile(lines("incident: INC-9", "title: t", "isolate: nope"), FILE);
        assert.equal(parsed.incident, undefined);
        assert.deepEqual(parsed.declaredId, { id: "INC-9", line: 1 });
        assert.equal(problems(lines("incident: INC-9", "title: t", "isolate: nope")).length, 1);
    });
});
