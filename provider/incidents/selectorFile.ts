/**
 * The `select:`, `exclude:` and `whenDeselected:` keys of an incident file, validated with their lines
 * and field paths like the rest of the format:
 *
 * ```yaml
 * select:
 *   - tag: HR                               # every device carrying this Defender machine tag
 *     comment: HR share mapped here
 *   - group: Finance                        # the criteria of one entry all apply
 *     name: "fin-lt-*.contoso.com"
 *     isolationType: Selective
 *   - ip: 10.20.0.0/16                      # lastIpAddress in this range (externalIp: lastExternalIpAddress)
 *   - alert: da638700000000000001_1111111111   # the device a Defender alert names
 *   - defenderIncident: 924601             # the devices of a Defender XDR incident
 * exclude:
 *   - tag: Tier0
 *   - machineId: 9066389dad2340a08fb88b9ff77cc15e33cd246f
 * whenDeselected: keep                      # keep (default) or release
 * ```
 */
import { isMap, isScalar, isSeq, type Node } from "yaml";
import { alertIdProblem, isMachineId, xdrIncidentIdProblem } from "../defender/ids";
import { ISOLATION_TYPES, type IsolationType } from "../resource/inputs";
import type { FileChecker } from "./fileChecker";
import { parseIpRange } from "./ipRange";
import { namePatternProblem } from "./namePattern";
import { describeValue, didYouMean } from "./problems";
import {
    EXCLUDE_CRITERIA,
    SELECT_CRITERIA,
    WHEN_DESELECTED,
    type Criteria,
    type ExcludeEntry,
    type IncidentSelection,
    type SelectEntry,
    type WhenDeselected,
} from "./selectors";

export const SELECT_ENTRY_KEYS = [...SELECT_CRITERIA, "isolationType", "comment"] as const;
export const MAX_SELECT_ENTRIES = 20;
export const MAX_CRITERION_LENGTH = 200;
const MAX_SELECT_COMMENT_LENGTH = 300;

const SELECT_SYNONYMS: Record<string, string> = {
    tags: "tag",
    machinetag: "tag",
    machinetags: "tag",
    devicegroup: "group",
    rbacgroupname: "group",
    machinegroup: "group",
    dnsname: "name",
    computerdnsname: "name",
    hostname: "name",
    pattern: "name",
    lastipaddress: "ip",
    ipaddress: "ip",
    address: "ip",
    cidr: "ip",
    subnet: "ip",
    lastexternalipaddress: "externalIp",
    publicip: "externalIp",
    alertid: "alert",
    incident: "defenderIncident",
    incidentid: "defenderIncident",
    xdrincident: "defenderIncident",
    type: "isolationType",
    reason: "comment",
    note: "comment",
    id: "machineId",
    deviceid: "machineId",
};

type Fields = Map<string, { key: Node; value: Node | null }>;

/** One criterion's value, checked; undefined (with a problem added) when unusable. */
function criterion(c: FileChecker, key: string, entry: { key: Node; value: Node | null }, path: string, criteria: Criteria): void {
    const at = `${path}.${key}`;
    const line = c.lineOf(entry.value, c.lineOf(entry.key));
    const raw = c.text(entry.value);
    if (raw === undefined) {
        c.add(line, at, `must be text, got ${c.describe(entry.value)}`, `write it like ${key}: ${EXAMPLES[key]}`);
        return;
    }
    const value = raw.trim();
    if (value === "") return c.add(line, at, "is empty", `write it like ${key}: ${EXAMPLES[key]}`);
    if (value.length > MAX_CRITERION_LENGTH) return c.add(line, at, `is ${value.length} characters long`, `shorten it to at most ${MAX_CRITERION_LENGTH}`);
    if ([...value].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) return c.add(line, at, "contains control characters", "remove them");
    switch (key) {
        case "tag":
        case "group":
            criteria[key] = value;
            return;
        case "name": {
            const problem = namePatternProblem(value);
            if (problem) return c.add(line, at, problem.message, problem.fix);
            criteria.name = value;
            return;
        }
        case "ip":
        case "externalIp": {
            const r = parseIpRange(value);
            if (!r.ok) return c.add(line, at, r.message, r.fix);
            criteria[key] = r.range;
            return;
        }
        case "alert": {
            const problem = alertIdProblem(value, "alert");
            if (problem) return c.add(line, at, problem.replace(/^alert /, ""), "copy the alert id from the alert page's URL in the Defender portal");
            criteria.alert = value;
            return;
        }
        case "defenderIncident": {
            const problem = xdrIncidentIdProblem(value, "defenderIncident");
            if (problem)
                return c.add(
                    line,
                    at,
                    problem.replace(/^defenderIncident /, ""),
                    "copy the incident number from the incident page's URL in the Defender portal",
                );
            criteria.defenderIncident = value;
            return;
        }
        case "machineId":
            if (!isMachineId(value)) {
                return c.add(
                    line,
                    at,
                    `must be a Defender device id of 40 hexadecimal characters, got ${describeValue(value)}`,
                    "copy the Device ID from the device page",
                );
            }
            criteria.machineId = value.toLowerCase();
    }
}

const EXAMPLES: Record<string, string> = {
    tag: "HR",
    group: "Finance",
    name: '"fin-lt-*.contoso.com"',
    ip: "10.20.0.0/16",
    externalIp: "198.51.100.7",
    alert: "da638700000000000001_1111111111",
    defenderIncident: "924601",
    machineId: "9066389dad2340a08fb88b9ff77cc15e33cd246f",
};

/** The criteria of one entry; problems are added for each bad one. */
function entryCriteria(c: FileChecker, fields: Fields, allowed: readonly string[], path: string, line: number): Criteria | undefined {
    const criteria: Criteria = {};
    let named = 0;
    for (const key of allowed) {
        const entry = fields.get(key);
        if (!entry) continue;
        named++;
        criterion(c, key, entry, path, criteria);
    }
    if (named === 0) {
        c.add(line, path, "names no criterion", `add one or more of ${allowed.join(", ")} (an entry's criteria all apply)`);
        return undefined;
    }
    return criteria;
}

function checkSelectEntry(c: FileChecker, node: Node | null, path: string, fallback: number): SelectEntry | undefined {
    const line = c.lineOf(node, fallback);
    if (!isMap(node)) {
        c.add(line, path, `must be a mapping of criteria, got ${c.describe(node)}`, "write each selector as a mapping, e.g. '- tag: HR'");
        return undefined;
    }
    const before = c.problems.length;
    const fields = c.entries(node, path, SELECT_ENTRY_KEYS, SELECT_SYNONYMS);
    const criteria = entryCriteria(c, fields, SELECT_CRITERIA, path, line);
    let isolationType: IsolationType = "Full";
    const type = fields.get("isolationType");
    if (type) {
        const t = c.text(type.value)?.trim();
        if (t !== undefined && (ISOLATION_TYPES as readonly string[]).includes(t)) isolationType = t as IsolationType;
        else {
            const hint = t === undefined ? undefined : (ISOLATION_TYPES.find((x) => x.toLowerCase() === t.toLowerCase()) ?? didYouMean(t, ISOLATION_TYPES));
            c.add(
                c.lineOf(type.value, c.lineOf(type.key)),
                `${path}.isolationType`,
                `must be one of ${ISOLATION_TYPES.join(", ")}, got ${t === undefined ? c.describe(type.value) : describeValue(t)}`,
                hint ? `did you mean "${hint}"?` : "remove it for Full, or write Selective (Windows and macOS)",
            );
        }
    }
    const comment = c.string(fields.get("comment"), `${path}.comment`, { max: MAX_SELECT_COMMENT_LENGTH, example: "HR share mapped on this device" });
    if (c.problems.length > before || criteria === undefined) return undefined;
    return { criteria, isolationType, ...(comment !== undefined ? { comment } : {}), path, line };
}

function checkExcludeEntry(c: FileChecker, node: Node | null, path: string, fallback: number): ExcludeEntry | undefined {
    const line = c.lineOf(node, fallback);
    if (!isMap(node)) {
        c.add(line, path, `must be a mapping of criteria, got ${c.describe(node)}`, "write each exclusion as a mapping, e.g. '- tag: Tier0'");
        return undefined;
    }
    const before = c.problems.length;
    const fields = c.entries(node, path, EXCLUDE_CRITERIA, SELECT_SYNONYMS);
    const criteria = entryCriteria(c, fields, EXCLUDE_CRITERIA, path, line);
    return c.problems.length > before || criteria === undefined ? undefined : { criteria, path, line };
}

function list(c: FileChecker, entry: { key: Node; value: Node | null }, key: string, example: string): Node[] | undefined {
    const where = c.lineOf(entry.value, c.lineOf(entry.key));
    if (!isSeq(entry.value) || entry.value.items.length === 0) {
        const empty = entry.value === null || (isScalar(entry.value) && entry.value.value === null) || isSeq(entry.value);
        c.add(
            where,
            key,
            empty ? "lists nothing" : `must be a list, got ${c.describe(entry.value)}`,
            `write one '- ${example}' per line under '${key}:', or remove the key`,
        );
        return undefined;
    }
    if (entry.value.items.length > MAX_SELECT_ENTRIES) {
        c.add(
            where,
            key,
            `has ${entry.value.items.length} entries, more than ${MAX_SELECT_ENTRIES}`,
            "split the incident, or select by a tag the devices share",
        );
        return undefined;
    }
    return entry.value.items.map((item) => c.resolve(item)) as Node[];
}

/** Reads the selection keys of an incident file; undefined when the file has none (or they have problems). */
export function checkSelection(c: FileChecker, fields: Fields): IncidentSelection | undefined {
    const selectEntry = fields.get("select");
    const excludeEntry = fields.get("exclude");
    const whenEntry = fields.get("whenDeselected");
    if (!selectEntry) {
        for (const [key, entry] of [
            ["exclude", excludeEntry],
            ["whenDeselected", whenEntry],
        ] as const) {
            if (entry)
                c.add(
                    c.lineOf(entry.key),
                    key,
                    "applies to selectors, and this incident has no 'select:'",
                    `add 'select:' with the devices' criteria, or remove '${key}:'`,
                );
        }
        return undefined;
    }
    const before = c.problems.length;
    const select: SelectEntry[] = [];
    list(c, selectEntry, "select", "tag: HR")?.forEach((node, i) => {
        const e = checkSelectEntry(c, node, `select[${i}]`, c.lineOf(selectEntry.key));
        if (e) select.push(e);
    });
    const exclude: ExcludeEntry[] = [];
    if (excludeEntry) {
        list(c, excludeEntry, "exclude", "tag: Tier0")?.forEach((node, i) => {
            const e = checkExcludeEntry(c, node, `exclude[${i}]`, c.lineOf(excludeEntry.key));
            if (e) exclude.push(e);
        });
    }
    let whenDeselected: WhenDeselected = "keep";
    if (whenEntry) {
        const t = c.text(whenEntry.value)?.trim();
        if (t !== undefined && (WHEN_DESELECTED as readonly string[]).includes(t)) whenDeselected = t as WhenDeselected;
        else {
            const hint = t === undefined ? undefined : WHEN_DESELECTED.find((w) => w === t.toLowerCase());
            c.add(
                c.lineOf(whenEntry.value, c.lineOf(whenEntry.key)),
                "whenDeselected",
                `must be keep or release, got ${t === undefined ? c.describe(whenEntry.value) : describeValue(t)}`,
                hint
                    ? `did you mean "${hint}"?`
                    : "keep (the default) holds a device isolated until the incident closes; release lets the next up release a device that no longer matches",
            );
        }
    }
    return c.problems.length > before ? undefined : { select, exclude, whenDeselected };
}
