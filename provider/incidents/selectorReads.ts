/**
 * What the selectors of the open incidents need from Defender, read once per run, read-only, through
 * the client's paced funnel, all or nothing: any failed read (after the funnel's retries) rejects, and
 * the caller declares nothing.
 *
 * - Alerts (`GET /api/alerts/{id}`) and Defender XDR incidents (`GET /api/incidents/{id}`) named by
 *   selectors: the devices they name. An unknown alert or incident is a problem at its line.
 * - Devices. When every entry has a criterion Defender filters on (a tag, a DNS name or its fixed
 *   beginning, a single IPv4 address, an alert, an incident), one filtered listing per distinct
 *   criterion; otherwise (a group, an address range, an external address: not filterable) one listing
 *   of the whole fleet serves every entry. A listing the service refuses (400) falls back to the
 *   whole fleet.
 * - Then, by id (50 a request), every device an alert or incident names, and every device the last
 *   deployment selected, that no listing returned: a short or lagging listing never drops a device;
 *   only a device's own 404 says it is gone.
 *
 * Which entry matches which device is decided afterwards, on every device read, by the selectors' own
 * rules (selectorResolution.ts): the service's filters only narrow what is read.
 */
import { isDefenderApiError } from "../defender/errors";
import type { Alert, DefenderClient, FleetFilter, Machine, XdrIncident } from "../defender";
import type { Incident } from "./incidentFile";
import { isSingleAddress } from "./ipRange";
import { hasWildcard, literalPrefix } from "./namePattern";
import type { IncidentProblem } from "./problems";
import type { NamedBy, SelectEntry } from "./selectors";

export type SelectorClient = Pick<DefenderClient, "listFleet" | "getAlert" | "getIncident" | "listMachines">;

/** Devices each open incident selected at the last deployment, by incident id (lower-cased). */
export type PreviousSelection = ReadonlyMap<string, readonly PreviousDevice[]>;

export interface PreviousDevice {
    machineId: string;
    computerDnsName: string | null;
    isolationType: string;
    selectedBy: string[];
}

export interface SelectorReads {
    /** Every device read, by lower-cased id. */
    devices: Map<string, Machine>;
    /** Devices read by id that Defender no longer knows (404). */
    gone: Set<string>;
    namedBy: { alerts: Map<string, Set<string>>; incidents: Map<string, Set<string>> } & NamedBy;
    /** Devices incidents name that Defender for Endpoint does not manage (no device id), by incident id. */
    unmanaged: Map<string, string[]>;
    problems: IncidentProblem[];
    /** The alerts and Defender XDR incidents read, by alert id (lower-cased) and incident id. */
    alerts: Map<string, Alert>;
    xdrIncidents: Map<string, XdrIncident>;
    /** What was read: listings (`the whole fleet`, `tag "HR"`…), alerts, incidents, devices read by id. */
    stats: { listings: string[]; alerts: number; incidents: number; byId: number; devicesListed: number };
}

/** The listing that serves an entry, or undefined when only the whole fleet can. */
export function listingFor(entry: SelectEntry): { key: string; filter: FleetFilter; shown: string } | "ids" | undefined {
    const c = entry.criteria;
    if (c.alert !== undefined || c.defenderIncident !== undefined) return "ids";
    if (c.tag !== undefined) return { key: `tag:${c.tag.toLowerCase()}`, filter: { tag: c.tag }, shown: `tag ${JSON.stringify(c.tag)}` };
    if (c.name !== undefined && !hasWildcard(c.name))
        return { key: `name:${c.name.toLowerCase()}`, filter: { dnsName: c.name }, shown: `name ${JSON.stringify(c.name)}` };
    if (c.name !== undefined && literalPrefix(c.name) !== "") {
        const prefix = literalPrefix(c.name);
        return { key: `prefix:${prefix}`, filter: { dnsNamePrefix: prefix }, shown: `names starting ${JSON.stringify(prefix)}` };
    }
    if (c.ip !== undefined && c.ip.family === 4 && isSingleAddress(c.ip))
        return { key: `ip:${c.ip.text}`, filter: { lastIpAddress: c.ip.text }, shown: `ip ${c.ip.text}` };
    return undefined;
}

const is404 = (e: unknown) => isDefenderApiError(e) && e.status === 404;

export async function readSelectors(incidents: readonly Incident[], previous: PreviousSelection, client: SelectorClient): Promise<SelectorReads> {
    const out: SelectorReads = {
        devices: new Map(),
        gone: new Set(),
        namedBy: { alerts: new Map(), incidents: new Map() },
        unmanaged: new Map(),
        problems: [],
        alerts: new Map(),
        xdrIncidents: new Map(),
        stats: { listings: [], alerts: 0, incidents: 0, byId: 0, devicesListed: 0 },
    };
    const entries = incidents.flatMap((i) => (i.selection?.select ?? []).map((e) => ({ incident: i, entry: e })));
    if (entries.length === 0) return out;
    const named = await readNamed(entries, client, out);

    const plans = entries.map(({ entry }) => listingFor(entry));
    const filtered = new Map<string, { filter: FleetFilter; shown: string }>();
    for (const p of plans) if (p !== undefined && p !== "ids" && !filtered.has(p.key)) filtered.set(p.key, p);
    const keep = (machines: readonly Machine[]) => {
        out.stats.devicesListed += machines.length;
        for (const m of machines) out.devices.set(m.id.toLowerCase(), m);
    };
    const wholeFleet = async () => {
        out.stats.listings.push("the whole fleet");
        keep(await client.listFleet());
    };
    if (plans.includes(undefined)) {
        await wholeFleet();
    } else {
        try {
            const listed = await Promise.all([...filtered.values()].map((f) => client.listFleet(f.filter)));
            out.stats.listings.push(...[...filtered.values()].map((f) => f.shown));
            listed.forEach(keep);
        } catch (e) {
            // A filter the service does not take: the whole fleet, filtered here, serves every entry.
            if (!(isDefenderApiError(e) && e.kind === "http" && e.status === 400)) throw e;
            out.devices.clear();
            out.stats.devicesListed = 0;
            await wholeFleet();
        }
    }

    const earlier = [...previous.values()].flat().map((d) => d.machineId.toLowerCase());
    const missing = [...new Set([...named, ...earlier])].filter((id) => !out.devices.has(id));
    if (missing.length > 0) {
        out.stats.byId += missing.length;
        const found = await client.listMachines({ ids: missing });
        for (const m of found) out.devices.set(m.id.toLowerCase(), m);
        for (const id of missing) if (!out.devices.has(id)) out.gone.add(id);
    }
    return out;
}

/** Reads every alert and incident the entries name; answers the device ids they name. */
async function readNamed(entries: readonly { incident: Incident; entry: SelectEntry }[], client: SelectorClient, out: SelectorReads): Promise<string[]> {
    const ids = new Set<string>();
    const alerts = new Map<string, { incident: Incident; entry: SelectEntry }>();
    const xdr = new Map<string, { incident: Incident; entry: SelectEntry }>();
    for (const x of entries) {
        if (x.entry.criteria.alert !== undefined && !alerts.has(x.entry.criteria.alert.toLowerCase())) alerts.set(x.entry.criteria.alert.toLowerCase(), x);
        if (x.entry.criteria.defenderIncident !== undefined && !xdr.has(x.entry.criteria.defenderIncident)) xdr.set(x.entry.criteria.defenderIncident, x);
    }
    const problem = (x: { incident: Incident; entry: SelectEntry }, key: string, message: string, fix: string) =>
        out.problems.push({ file: x.incident.file, line: x.entry.line, path: `${x.entry.path}.${key}`, message, fix });

    await Promise.all([
        ...[...alerts].map(async ([id, x]) => {
            out.stats.alerts++;
            try {
                const alert = await client.getAlert(x.entry.criteria.alert as string);
                out.alerts.set(id, alert);
                if (alert.machineId === null) problem(x, "alert", "names no device in Defender for Endpoint", "select the devices another way (tag, name)");
                else {
                    out.namedBy.alerts.set(id, new Set([alert.machineId.toLowerCase()]));
                    ids.add(alert.machineId.toLowerCase());
                }
            } catch (e) {
                if (!is404(e)) throw e;
                problem(
                    x,
                    "alert",
                    "is not an alert Defender knows (404)",
                    "check the alert id in the Defender portal (alerts older than the retention period are gone)",
                );
            }
        }),
        ...[...xdr].map(async ([id, x]) => {
            out.stats.incidents++;
            try {
                const incident = await client.getIncident(id);
                out.xdrIncidents.set(id, incident);
                const devices = incident.alerts.flatMap((a) => a.devices);
                const managed = new Set(devices.filter((d) => d.machineId !== null).map((d) => (d.machineId as string).toLowerCase()));
                out.namedBy.incidents.set(id, managed);
                managed.forEach((m) => ids.add(m));
                const others = devices.filter((d) => d.machineId === null).map((d) => d.computerDnsName ?? "unnamed device");
                if (others.length > 0) out.unmanaged.set(x.incident.id, [...new Set(others)]);
            } catch (e) {
                if (!is404(e)) throw e;
                problem(x, "defenderIncident", "is not an incident Defender XDR knows (404)", "check the incident number in the Defender portal");
            }
        }),
    ]);
    return [...ids];
}
