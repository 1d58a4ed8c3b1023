/**
 * One incident file: YAML text → a validated Incident, or every problem in it with its line and field
 * path. Pure: no file system, no clock, no Pulumi.
 *
 * ```yaml
 * incident: INC-2031
 * title: Cobalt Strike beacon on finance laptops
 * isolate:
 *   - machineId: 1e5bc9d7e413ddd7902c2932e418702b84d0cc07
 *   - computerDnsName: fin-lt-042.contoso.com
 *     isolationType: Selective
 *     comment: keeps Teams for the user's manager call
 * expiresAt: 2027-06-30T18:00:00Z   # optional: from then on it declares nothing; `pulumi up` releases its devices
 * ```
 *
 * Beside `isolate:` (or instead of it), `select:` chooses devices in Defender when the program runs;
 * its keys are read by selectorFile.ts.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node } from "yaml";
import { quote } from "../base/text";
import { dnsNameProblem, isMachineId } from "../defender/ids";
import { ISOLATION_TYPES, type IsolationType } from "../resource/inputs";
import { parseTimestamp } from "./expiry";
import { FileChecker } from "./fileChecker";
import { checkSelection } from "./selectorFile";
import type { IncidentSelection } from "./selectors";
import { describeValue, didYouMean, type IncidentProblem } from "./problems";

/** A device as one incident lists it. Exactly one of machineId / computerDnsName, lower-cased. */
export interface IncidentDevice {
    machineId?: string;
    computerDnsName?: string;
    /** @default "Full" */
    isolationType: IsolationType;
    /** Why this device, in this incident (added to the incident's title in the Defender comment). */
    comment?: string;
    /** Where it is written, for messages: `isolate[1]` at `line`. */
    path: string;
    line: number;
}

export interface Incident {
    /** e.g. `INC-2031`. Unique across the folder, ignoring case. */
    id: string;
    title: string;
    devices: IncidentDevice[];
    /** From this instant on the incident no longer declares its devices. */
    expiresAt?: Date;
    /** Selectors (`select:`, `exclude:`, `whenDeselected:`), when the file has any. */
    selection?: IncidentSelection;
    /** The file as shown in messages, and the line of its `incident:` key. */
    file: string;
    line: number;
}

export interface ParsedIncidentFile {
    /** Present only when the file has no problem. */
    incident?: Incident;
    /** The incident id when it is valid, even if other fields are not: duplicate ids are still found. */
    declaredId?: { id: string; line: number };
    problems: IncidentProblem[];
}

export const INCIDENT_KEYS = ["incident", "title", "isolate", "select", "exclude", "whenDeselected", "expiresAt"] as const;
export const DEVICE_KEYS = ["machineId", "computerDnsName", "isolationType", "comment"] as const;
/** Letters, digits and `-_.#`, starting with a letter or digit: safe in comments and output keys. */
export const INCIDENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._#-]{0,63}$/;
export const MAX_TITLE_LENGTH = 200;
export const MAX_DEVICE_COMMENT_LENGTH = 300;
/** A bound on what one file may hold; incident files are a few hundred bytes. */
export const MAX_FILE_BYTES = 256 * 1024;

const INCIDENT_SYNONYMS: Record<string, string> = {
    id: "incident",
    incidentid: "incident",
    ticket: "incident",
    name: "title",
    summary: "title",
    description: "title",
    devices: "isolate",
    machines: "isolate",
    hosts: "isolate",
    isolation: "isolate",
    expires: "expiresAt",
    expiry: "expiresAt",
    expiration: "expiresAt",
    expireson: "expiresAt",
    until: "expiresAt",
    selectors: "select",
    selector: "select",
    match: "select",
    except: "exclude",
    excluding: "exclude",
    ondeselect: "whenDeselected",
    whendeselect: "whenDeselected",
    whenunmatched: "whenDeselected",
};
const DEVICE_SYNONYMS: Record<string, string> = {
    id: "machineId",
    deviceid: "machineId",
    machine: "machineId",
    dnsname: "computerDnsName",
    hostname: "computerDnsName",
    host: "computerDnsName",
    computername: "computerDnsName",
    name: "computerDnsName",
    fqdn: "computerDnsName",
    type: "isolationType",
    isolation: "isolationType",
    mode: "isolationType",
    reason: "comment",
    note: "comment",
    notes: "comment",
};

const SYNTAX_FIXES: Record<string, string> = {
    DUPLICATE_KEY: "keep only one of the two keys",
    MULTIPLE_DOCS: "keep one incident per file: move what follows '---' to a file of its own",
    TAB_AS_INDENT: "indent with spaces, not tabs",
};

/** The key that identifies a device across incidents, and names its resource. */
export function deviceKey(d: { machineId?: string; computerDnsName?: string }): string {
    return (d.machineId ?? d.computerDnsName ?? "").toLowerCase();
}

function looksLikeMachineId(s: string): boolean {
    return /^[0-9a-f]{40}$/i.test(s.trim());
}

function checkDevice(c: FileChecker, node: Node | null, path: string, fallbackLine: number): IncidentDevice | undefined {
    const line = c.lineOf(node, fallbackLine);
    if (!isMap(node)) {
        const t = c.text(node);
        const fix =
            t === undefined
                ? "write each device as a mapping, e.g. '- computerDnsName: fin-lt-042.contoso.com'"
                : looksLikeMachineId(t)
                  ? `write '- machineId: ${t.trim()}'`
                  : `write '- computerDnsName: ${t.trim()}'`;
        c.add(line, path, `must be a mapping with machineId or computerDnsName, got ${c.describe(node)}`, fix);
        return undefined;
    }
    const before = c.problems.length;
    const fields = c.entries(node, path, DEVICE_KEYS, DEVICE_SYNONYMS);
    const device: Partial<IncidentDevice> = { path, line, isolationType: "Full" };

    const id = fields.get("machineId");
    const name = fields.get("computerDnsName");
    if (id && name) {
        c.add(c.lineOf(name.key), path, "sets both machineId and computerDnsName", "keep exactly one of them (machineId is the more precise)");
    } else if (!id && !name) {
        c.add(line, path, "names no device", "add machineId (40 hexadecimal characters) or computerDnsName (the device's full DNS name)");
    }
    if (id) {
        const where = c.lineOf(id.value, c.lineOf(id.key));
        const t = c.text(id.value);
        if (t === undefined || !isMachineId(t.trim())) {
            const got = t === undefined ? c.describe(id.value) : `${quote(t)} (${t.trim().length} characters)`;
            const fix =
                t !== undefined && t.includes(".")
                    ? `this looks like a DNS name: write computerDnsName: ${t.trim()}`
                    : "copy the Device ID (40 hexadecimal characters) from the device page in the Defender portal";
            c.add(where, `${path}.machineId`, `must be a Defender device id of 40 hexadecimal characters, got ${got}`, fix);
        } else device.machineId = t.trim().toLowerCase();
    }
    if (name) {
        const where = c.lineOf(name.value, c.lineOf(name.key));
        const t = c.text(name.value);
        const problem =
            t === undefined
                ? `must be text, got ${c.describe(name.value)}`
                : looksLikeMachineId(t)
                  ? `looks like a device id, not a DNS name, got "${t.trim()}"`
                  : dnsNameProblem(t.trim(), "computerDnsName")?.replace(/^computerDnsName /, "");
        if (t === undefined || problem) {
            const fix =
                t !== undefined && looksLikeMachineId(t)
                    ? `write machineId: ${t.trim()} instead`
                    : "write the device's full DNS name as Defender shows it, e.g. fin-lt-042.contoso.com";
            c.add(where, `${path}.computerDnsName`, problem ?? "is not a DNS name", fix);
        } else device.computerDnsName = t.trim().toLowerCase();
    }

    const type = fields.get("isolationType");
    if (type) {
        const t = c.text(type.value);
        if (t !== undefined && (ISOLATION_TYPES as readonly string[]).includes(t.trim())) {
            device.isolationType = t.trim() as IsolationType;
        } else {
            const hint =
                t === undefined ? undefined : (ISOLATION_TYPES.find((x) => x.toLowerCase() === t.trim().toLowerCase()) ?? didYouMean(t, ISOLATION_TYPES));
            c.add(
                c.lineOf(type.value, c.lineOf(type.key)),
                `${path}.isolationType`,
                `must be one of ${ISOLATION_TYPES.join(", ")}, got ${t === undefined ? c.describe(type.value) : describeValue(t)}`,
                hint ? `did you mean "${hint}"?` : "remove it for Full, or write Selective to keep Outlook, Teams and Skype working (Windows and macOS)",
            );
        }
    }
    const comment = c.string(fields.get("comment"), `${path}.comment`, { max: MAX_DEVICE_COMMENT_LENGTH, example: "keeps Teams for the user's manager call" });
    if (comment !== undefined) device.comment = comment;

    return c.problems.length === before ? (device as IncidentDevice) : undefined;
}

/** Validates one incident file. `file` is how messages name it. */
export function parseIncidentFile(text: string, file: string): ParsedIncidentFile {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const c = new FileChecker(file, doc, lines);

    if (doc.errors.length > 0) {
        for (const e of doc.errors) {
            c.add(lines.linePos(e.pos[0]).line, undefined, `YAML syntax error: ${e.message}`, SYNTAX_FIXES[e.code] ?? "fix the YAML syntax at this line");
        }
        return { problems: c.problems };
    }
    const root = c.resolve(doc.contents);
    if (root === null || (isScalar(root) && (root.value === null || root.value === ""))) {
        c.add(1, undefined, "the file is empty", "write an incident (incident, title, isolate) or delete the file to close it");
        return { problems: c.problems };
    }
    if (!isMap(root)) {
        c.add(c.lineOf(root), undefined, "must be a mapping with the keys incident, title and isolate", "start the file with 'incident: INC-1234'");
        return { problems: c.problems };
    }

    const fields = c.entries(root, "", INCIDENT_KEYS, INCIDENT_SYNONYMS);
    const topLine = c.lineOf(root);
    const result: ParsedIncidentFile = { problems: c.problems };

    const idEntry = fields.get("incident");
    const id = c.string(idEntry, "incident", { max: 64, example: "INC-2031" });
    if (!idEntry) c.add(topLine, "incident", "is missing", "add the incident id, e.g. 'incident: INC-2031'");
    else if (id !== undefined && !INCIDENT_ID_PATTERN.test(id)) {
        c.add(
            c.lineOf(idEntry.value),
            "incident",
            `must be letters, digits, '-', '_', '.' or '#', starting with a letter or digit, got "${id}"`,
            "write it like INC-2031",
        );
    } else if (id !== undefined) result.declaredId = { id, line: c.lineOf(idEntry.key) };

    const titleEntry = fields.get("title");
    const title = c.string(titleEntry, "title", { max: MAX_TITLE_LENGTH, example: "Cobalt Strike beacon on finance laptops" });
    if (!titleEntry) c.add(topLine, "title", "is missing", "add a one-line title, e.g. 'title: Cobalt Strike beacon on finance laptops'");

    let expiresAt: Date | undefined;
    const expiry = fields.get("expiresAt");
    if (expiry) {
        const t = c.text(expiry.value);
        const where = c.lineOf(expiry.value, c.lineOf(expiry.key));
        if (t === undefined) {
            c.add(
                where,
                "expiresAt",
                `must be an ISO-8601 timestamp with a timezone, got ${c.describe(expiry.value)}`,
                "write it like 2026-12-01T00:00:00Z, or remove the key",
            );
        } else {
            const parsed = parseTimestamp(t);
            if (parsed.ok) expiresAt = parsed.time;
            else c.add(where, "expiresAt", parsed.message, parsed.fix);
        }
    }

    const devices: IncidentDevice[] = [];
    const isolate = fields.get("isolate");
    const selection = checkSelection(c, fields);
    if (!isolate) {
        if (!fields.has("select"))
            c.add(
                topLine,
                "isolate",
                "is missing",
                "list the devices to isolate, e.g. 'isolate:' then '  - computerDnsName: fin-lt-042.contoso.com', or choose them with 'select:' (e.g. '  - tag: HR')",
            );
    } else if (!isSeq(isolate.value) || isolate.value.items.length === 0) {
        const empty = isolate.value === null || (isScalar(isolate.value) && isolate.value.value === null) || isSeq(isolate.value);
        c.add(
            c.lineOf(isolate.value, c.lineOf(isolate.key)),
            "isolate",
            empty ? "lists no device" : `must be a list of devices, got ${c.describe(isolate.value)}`,
            empty
                ? "list at least one device; to release every device of a closed incident, delete the file"
                : "write one '- machineId: …' or '- computerDnsName: …' per line under 'isolate:'",
        );
    } else {
        const seen = new Map<string, IncidentDevice>();
        isolate.value.items.forEach((item, i) => {
            const d = checkDevice(c, c.resolve(item), `isolate[${i}]`, c.lineOf(isolate.key));
            if (!d) return;
            const first = seen.get(deviceKey(d));
            if (first) {
                c.add(d.line, d.path, `lists the same device as ${first.path} (line ${first.line})`, "remove one of the two entries");
                return;
            }
            seen.set(deviceKey(d), d);
            devices.push(d);
        });
    }

    for (const e of selection?.exclude ?? []) {
        const excluded = Object.keys(e.criteria).length === 1 ? e.criteria.machineId : undefined;
        const listed = devices.find((d) => excluded !== undefined && d.machineId === excluded);
        if (listed)
            c.add(
                e.line,
                e.path,
                `excludes ${listed.path} (line ${listed.line}), which this incident lists under isolate`,
                "remove one of the two: exclude applies to what select chooses",
            );
    }

    if (c.problems.length === 0 && id !== undefined && title !== undefined) {
        result.incident = { id, title, devices, file, line: c.lineOf(idEntry?.key), ...(expiresAt ? { expiresAt } : {}), ...(selection ? { selection } : {}) };
    }
    return result;
}
