/**
 * Selectors → the devices each open incident selects now. Pure: what was read in, decisions out.
 *
 * For each incident, in this order:
 * 1. Every device read is tested against every `select:` entry (selectors.ts rules).
 * 2. A device the last deployment selected that no entry matches now: with `whenDeselected: keep`
 *    (the default) it stays selected, "kept", until the incident closes; with `release` it is left
 *    out, so this update releases it. A device Defender no longer knows (its own read answered 404)
 *    is left out either way: there is nothing left to hold.
 * 3. Left out, each with its reason: devices an `exclude:` entry matches (kept ones too), devices
 *    carrying a protected tag, and devices whose onboarding does not fit the entry's isolation type
 *    (UnManagedDevice only for devices Defender does not manage, Full and Selective only for the others).
 * 4. Several entries on one device: Full wins over Selective; the first entry's comment is used.
 *
 * Each selected device becomes one IncidentDevice (declared by machineId, with its name), so the plan
 * declares one DeviceIsolation per device whatever selected it; a device the incident also lists under
 * `isolate:` is declared once, as listed.
 */
import type { Machine } from "../defender";
import { dnsNameProblem } from "../defender/ids";
import { ISOLATION_TYPES, type IsolationType } from "../resource/inputs";
import type { Incident, IncidentDevice } from "./incidentFile";
import type { IncidentProblem } from "./problems";
import type { PreviousSelection, SelectorReads } from "./selectorReads";
import { describeCriteria, describeEntry, deviceMatches, type SelectEntry, type WhenDeselected } from "./selectors";

export interface SelectedDevice {
    machineId: string;
    computerDnsName: string | null;
    isolationType: IsolationType;
    /** The entries that match it now (`select[0] (tag "HR")`); empty for a kept device. */
    matchedBy: string[];
    /** Matched at an earlier deployment, no longer now, held by `whenDeselected: keep`. */
    kept: boolean;
    /** Why, for the Defender comment. */
    comment: string;
    path: string;
    line: number;
}

/** A device left out of the selection, and why (one line, from our own words and Defender's data). */
export interface LeftOut {
    machineId: string;
    computerDnsName: string | null;
    reason: string;
}

export interface EntryReport {
    path: string;
    line: number;
    /** The entry's criteria as written. */
    criteria: string;
    /** Lower-cased ids of the devices it matches now, before exclusions. */
    matched: string[];
}

export interface ResolvedSelection {
    incidentId: string;
    whenDeselected: WhenDeselected;
    /** Sorted by name, then id. */
    devices: SelectedDevice[];
    entries: EntryReport[];
    leftOut: LeftOut[];
    /** Selected at the last deployment, no longer: this update releases them (whenDeselected: release). */
    released: LeftOut[];
    /** Devices the incident's Defender XDR incidents name that Defender for Endpoint does not manage. */
    unmanaged: string[];
}

const STRENGTH: Record<IsolationType, number> = { Selective: 1, Full: 2, UnManagedDevice: 0 };
const MAX_COMMENT = 300;

/** Whether an entry's isolation type can apply to this device: UnManagedDevice to devices Defender does not manage. */
function fits(entry: SelectEntry, device: Machine): boolean {
    const onboarded = device.onboardingStatus === null || device.onboardingStatus.toLowerCase() === "onboarded";
    return entry.isolationType === "UnManagedDevice" ? !onboarded : onboarded;
}

const byName = (a: { computerDnsName: string | null; machineId: string }, b: { computerDnsName: string | null; machineId: string }) =>
    (a.computerDnsName ?? "~").localeCompare(b.computerDnsName ?? "~") || a.machineId.localeCompare(b.machineId);

function oneLine(text: string, max = MAX_COMMENT): string {
    // eslint-disable-next-line no-control-regex -- control characters are what is replaced
    const flat = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").trim();
    return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function resolveSelections(
    incidents: readonly Incident[],
    reads: SelectorReads,
    previous: PreviousSelection,
    options: { protectedTags: readonly string[] },
): { selections: Map<string, ResolvedSelection>; problems: IncidentProblem[] } {
    const selections = new Map<string, ResolvedSelection>();
    const protectedTags = options.protectedTags.map((t) => t.toLowerCase());
    const devices = [...reads.devices.values()];
    for (const incident of incidents) {
        if (!incident.selection) continue;
        const { select, exclude, whenDeselected } = incident.selection;
        const out: ResolvedSelection = {
            incidentId: incident.id,
            whenDeselected,
            devices: [],
            entries: [],
            leftOut: [],
            released: [],
            unmanaged: reads.unmanaged.get(incident.id) ?? [],
        };
        const matched = new Map<string, { device: Machine; entries: SelectEntry[] }>();
        for (const entry of select) {
            const ids: string[] = [];
            for (const device of devices) {
                if (!deviceMatches(entry.criteria, device, reads.namedBy)) continue;
                const id = device.id.toLowerCase();
                ids.push(id);
                const m = matched.get(id) ?? { device, entries: [] };
                m.entries.push(entry);
                matched.set(id, m);
            }
            out.entries.push({ path: entry.path, line: entry.line, criteria: describeCriteria(entry.criteria), matched: ids.sort() });
        }

        const candidates: Array<{ device: Machine; entries: SelectEntry[]; kept?: { isolationType: IsolationType; was: string } }> = [...matched.values()];
        for (const p of previous.get(incident.id.toLowerCase()) ?? []) {
            const id = p.machineId.toLowerCase();
            if (matched.has(id)) continue;
            const device = reads.devices.get(id);
            const label = { machineId: id, computerDnsName: device?.computerDnsName ?? p.computerDnsName };
            const was = p.selectedBy.find((s) => s.startsWith("select[")) ?? "a selector";
            if (device === undefined || reads.gone.has(id)) {
                out.leftOut.push({ ...label, reason: "selected before, and Defender no longer knows the device (its read answered 404): nothing to hold" });
            } else if (whenDeselected === "release") {
                out.released.push({ ...label, reason: `no longer matches (selected before by ${oneLine(was, 120)}); whenDeselected: release` });
            } else {
                const type = (ISOLATION_TYPES as readonly string[]).includes(p.isolationType) ? (p.isolationType as IsolationType) : "Full";
                candidates.push({ device, entries: [], kept: { isolationType: type, was } });
            }
        }

        for (const c of candidates) {
            const id = c.device.id.toLowerCase();
            const label = { machineId: id, computerDnsName: c.device.computerDnsName };
            const excludedBy = exclude.find((e) => deviceMatches(e.criteria, c.device, reads.namedBy));
            if (excludedBy) {
                out.leftOut.push({ ...label, reason: `excluded by ${describeEntry(excludedBy)}` });
                continue;
            }
            const tag = c.device.machineTags.find((t) => protectedTags.includes(t.toLowerCase()));
            if (tag !== undefined) {
                out.leftOut.push({ ...label, reason: `carries the protected tag ${JSON.stringify(oneLine(tag, 80))} (protectedTags)` });
                continue;
            }
            if (c.kept) {
                out.devices.push({
                    ...label,
                    isolationType: c.kept.isolationType,
                    matchedBy: [],
                    kept: true,
                    comment: oneLine(`kept until the incident closes: selected earlier by ${c.kept.was}, no longer matches`),
                    path: "kept",
                    line: incident.line,
                });
                continue;
            }
            const fitting = c.entries.filter((e) => fits(e, c.device));
            if (fitting.length === 0) {
                const status = c.device.onboardingStatus ?? "unknown";
                out.leftOut.push({
                    ...label,
                    reason:
                        c.entries[0].isolationType === "UnManagedDevice"
                            ? `is onboarded to Defender (onboardingStatus ${JSON.stringify(oneLine(status, 40))}): isolationType UnManagedDevice applies only to devices Defender does not manage`
                            : `is not onboarded to Defender (onboardingStatus ${JSON.stringify(oneLine(status, 40))}): only isolationType UnManagedDevice contains it; select it with an entry of its own that says so`,
                });
                continue;
            }
            const type = fitting.reduce<IsolationType>(
                (best, e) => (STRENGTH[e.isolationType] > STRENGTH[best] ? e.isolationType : best),
                fitting[0].isolationType,
            );
            const first = fitting[0];
            out.devices.push({
                ...label,
                isolationType: type,
                matchedBy: fitting.map(describeEntry),
                kept: false,
                comment: oneLine(first.comment ?? `selected by ${describeCriteria(first.criteria)}`),
                path: first.path,
                line: first.line,
            });
        }
        out.devices.sort(byName);
        out.leftOut.sort(byName);
        out.released.sort(byName);
        selections.set(incident.id, out);
    }
    return { selections, problems: [] };
}

/** The incident with its selected devices appended (by machineId with their names), each declared once. */
export function withSelectedDevices(incident: Incident, selection: ResolvedSelection | undefined): Incident {
    if (!selection) return incident;
    const listed = new Set(incident.devices.filter((d) => d.machineId).map((d) => (d.machineId as string).toLowerCase()));
    const added: IncidentDevice[] = selection.devices
        .filter((d) => !listed.has(d.machineId))
        .map((d) => ({
            machineId: d.machineId,
            // The name travels with the id (reviews and the policy pack see it) when it is a DNS name create accepts.
            ...(d.computerDnsName !== null && dnsNameProblem(d.computerDnsName) === undefined ? { computerDnsName: d.computerDnsName.toLowerCase() } : {}),
            isolationType: d.isolationType,
            comment: d.comment,
            path: d.path,
            line: d.line,
        }));
    return { ...incident, devices: [...incident.devices, ...added] };
}
