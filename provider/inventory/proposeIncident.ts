/**
 * The incident file `defender-isolation propose` writes: from an alert, a Defender XDR incident or
 * selector flags, a new incident ready to commit on a branch, so that an alert becomes a pull request
 * whose preview shows the isolation, and merging it isolates. Pure: what was read in, text out.
 *
 * - The incident's id, title and each device's comment come from the alert (or the incident) unless
 *   given: `INC-<Defender incident number>`, the alert's title.
 * - Devices are declared by machineId, each with its name and why in YAML comments above it; with
 *   `live`, the selectors themselves are written instead (they are resolved again on every run).
 * - Devices left out by the selector rules (protected tags, onboarding) are named in the header.
 */
import type { Alert, XdrIncident } from "../defender";
import { INCIDENT_ID_PATTERN, MAX_DEVICE_COMMENT_LENGTH, MAX_TITLE_LENGTH } from "../incidents/incidentFile";
import { describeCriteria, type SelectEntry } from "../incidents/selectors";
import type { ResolvedSelection } from "../incidents/selectorResolution";
import { incidentFileText, oneLine, type WrittenDevice } from "./incidentWriter";

export interface ProposeInput {
    /** The selector entries made from the flags (alert, incident, tag…). */
    entries: SelectEntry[];
    selection: ResolvedSelection;
    /** The alerts and incidents read, in the order the flags named them. */
    alerts: Alert[];
    xdrIncidents: XdrIncident[];
    /** `--id`; @default INC-<the Defender incident number> */
    id?: string;
    title?: string;
    comment?: string;
    /** ISO-8601 with a timezone. */
    expiresAt?: string;
    /** Write the selectors, not the devices they choose now. */
    live: boolean;
    now: Date;
}

export interface Proposal {
    incident: string;
    title: string;
    /** undefined when nothing is to be written (no device selected, and not live). */
    text?: string;
    devices: ResolvedSelection["devices"];
    leftOut: ResolvedSelection["leftOut"];
    unmanaged: string[];
}

/** The incident id a proposal takes: `--id`, else INC-<the Defender incident number> of the incident or first alert. */
export function proposedId(input: Pick<ProposeInput, "id" | "alerts" | "xdrIncidents">): string | undefined {
    if (input.id !== undefined) return input.id;
    const n = input.xdrIncidents[0]?.incidentId ?? input.alerts.find((a) => a.incidentId !== null)?.incidentId ?? undefined;
    return n === undefined || n === null ? undefined : `INC-${n}`;
}

function bounded(text: string, max: number): string {
    const t = oneLine(text, 10_000);
    return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

/** Why each device: the alert or incident that names it, else the selector. */
function origin(input: ProposeInput, id: string): string {
    const alert = input.alerts.find((a) => a.machineId?.toLowerCase() === id);
    if (alert) return `alert ${alert.id}${alert.title ? `: ${oneLine(alert.title, 150)}` : ""}`;
    const incident = input.xdrIncidents.find((i) => i.alerts.some((a) => a.devices.some((d) => d.machineId?.toLowerCase() === id)));
    if (incident) {
        const alertOf = incident.alerts.find((a) => a.devices.some((d) => d.machineId?.toLowerCase() === id));
        return `Defender incident ${incident.incidentId}${alertOf?.title ? `, alert ${oneLine(alertOf.title, 120)}` : ""}`;
    }
    return `selected by ${input.entries.map((e) => describeCriteria(e.criteria)).join("; ")}`;
}

export function proposeIncident(input: ProposeInput): Proposal {
    const incident = proposedId(input);
    if (incident === undefined || !INCIDENT_ID_PATTERN.test(incident)) {
        throw new Error(`no usable incident id (${JSON.stringify(incident)}): give one with --id INC-1234`);
    }
    const source = input.xdrIncidents[0]?.incidentName ?? input.alerts.find((a) => a.title !== null)?.title ?? null;
    const title = bounded(
        input.title ?? source ?? `Devices selected by ${input.entries.map((e) => describeCriteria(e.criteria)).join("; ")}`,
        MAX_TITLE_LENGTH,
    );
    const s = input.selection;
    const base = { incident, title, devices: s.devices, leftOut: s.leftOut, unmanaged: s.unmanaged };
    if (!input.live && s.devices.length === 0) return base;

    const stamp = input.now.toISOString().replace(/\.\d{3}Z$/, "Z");
    const header = [
        `Written by defender-isolation propose at ${stamp}${input.live ? ": selectors, resolved again on every run" : ": the devices selected then"}.`,
        "Commit it on a branch and open a pull request: its preview shows what merging isolates. Deleting",
        "this file, or a device from it, releases them.",
        ...s.leftOut.map((l) => `left out: ${l.computerDnsName ?? "name unknown"} (${l.machineId}): ${l.reason}`),
        ...s.unmanaged.map((n) => `not managed by Defender for Endpoint, cannot be isolated here: ${n}`),
    ];
    const devices: WrittenDevice[] = s.devices.map((d) => {
        const why = origin(input, d.machineId);
        return {
            notes: [`${d.computerDnsName ?? "name unknown"}: ${why}`],
            machineId: d.machineId,
            isolationType: d.isolationType,
            comment: bounded(input.comment ?? why, MAX_DEVICE_COMMENT_LENGTH),
        };
    });
    const select = input.entries.map((e) => selectorLines(e, input.comment));
    const { text } = incidentFileText({
        header: input.live ? [...header, ...s.devices.map((d) => `selected now: ${d.computerDnsName ?? "name unknown"} (${d.machineId})`)] : header,
        incident,
        title,
        ...(input.live ? { select } : { devices }),
        ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : {}),
    });
    return { ...base, text };
}

function selectorLines(e: SelectEntry, comment: string | undefined): Array<[string, string]> {
    const c = e.criteria;
    const pairs: Array<[string, string | undefined]> = [
        ["tag", c.tag],
        ["group", c.group],
        ["name", c.name],
        ["ip", c.ip?.text],
        ["externalIp", c.externalIp?.text],
        ["alert", c.alert],
        ["defenderIncident", c.defenderIncident],
    ];
    const out = pairs.filter((p): p is [string, string] => p[1] !== undefined);
    if (e.isolationType !== "Full") out.push(["isolationType", e.isolationType]);
    if (comment !== undefined) out.push(["comment", bounded(comment, MAX_DEVICE_COMMENT_LENGTH)]);
    return out;
}
