/**
 * Drift between Defender and what Git and state declare. Pure: rows and declarations in, the rows
 * marked and the two drifts a SOC cares about out:
 *
 * - **untracked**: isolated (or being isolated) in Defender, declared nowhere: nobody will ever release it;
 * - **not isolated**: declared, but released, being released, or never isolated: the next refresh and
 *   `up` will isolate it.
 */
import type { DeviceIsolationStatus } from "./deviceStatus";

/** One device that a source declares isolated. */
export interface Declaration {
    /** 40 hex, lower-cased; or computerDnsName, or both (state records both: the name then links the device to declarations by name). */
    machineId?: string;
    computerDnsName?: string;
    /** Who declares it, as shown to the user: an incident id (`INC-2031`) or `stack <name>`. */
    source: string;
}

/**
 * A declared device Defender does not show isolated: once, however many sources declare it and
 * however they name it (one by id, another by name).
 */
export interface NotIsolated {
    machineId?: string;
    /** With machineId: the name another declaration gave the same device. */
    computerDnsName?: string;
    /** Sources that declare it, sorted. */
    declaredIn: string[];
    /** The state of the matching device(s), or `noAction` when Defender lists no isolation action for it. */
    state: "released" | "releasing" | "noAction";
}

export interface DriftReport {
    /** Machine ids isolated or isolating and declared nowhere, in row order. */
    untracked: string[];
    notIsolated: NotIsolated[];
}

export interface MarkedStatus extends DeviceIsolationStatus {
    declared: boolean;
    /** Sources that declare the device, sorted (empty when not declared). */
    declaredIn: string[];
}

const isHeld = (r: Pick<DeviceIsolationStatus, "state">) => r.state === "isolated" || r.state === "isolating";

/**
 * Marks each row declared or not, and lists the drift. A declaration by name matches every row of
 * that name (case-insensitive), as a re-onboarded device can have several records. `scope`, when
 * given, limits "not isolated" to declarations of those devices (the `--machine` filter).
 */
export function driftReport(
    rows: readonly DeviceIsolationStatus[],
    declarations: readonly Declaration[],
    scope?: { machineIds: ReadonlySet<string>; names: ReadonlySet<string> },
): { devices: MarkedStatus[]; drift: DriftReport } {
    const byId = new Map<string, Set<string>>();
    const byName = new Map<string, Set<string>>();
    for (const d of declarations) {
        const [map, key] = d.machineId !== undefined ? [byId, d.machineId.toLowerCase()] : [byName, (d.computerDnsName ?? "").toLowerCase()];
        if (key === "") continue;
        const set = map.get(key) ?? new Set<string>();
        set.add(d.source);
        map.set(key, set);
    }
    const devices = rows.map((r): MarkedStatus => {
        const sources = new Set([...(byId.get(r.machineId) ?? []), ...(r.computerDnsName ? (byName.get(r.computerDnsName.toLowerCase()) ?? []) : [])]);
        const declaredIn = [...sources].sort();
        return { ...r, declared: declaredIn.length > 0, declaredIn };
    });

    const rowsById = new Map(rows.map((r) => [r.machineId, r]));
    const rowsByName = new Map<string, DeviceIsolationStatus[]>();
    for (const r of rows) {
        if (!r.computerDnsName) continue;
        const key = r.computerDnsName.toLowerCase();
        rowsByName.set(key, [...(rowsByName.get(key) ?? []), r]);
    }
    const inScope = (machineIds: string[], name: string | undefined) =>
        scope === undefined || machineIds.some((id) => scope.machineIds.has(id)) || (name !== undefined && scope.names.has(name));

    const notIsolated: NotIsolated[] = [];
    const verdict = (matches: DeviceIsolationStatus[]): NotIsolated["state"] | undefined => {
        if (matches.length === 0) return "noAction";
        if (matches.some(isHeld)) return undefined;
        return matches.some((m) => m.state === "releasing") ? "releasing" : "released";
    };
    const byIdEntry = new Map<string, NotIsolated>();
    for (const [id, sources] of byId) {
        const row = rowsById.get(id);
        if (!inScope([id], row?.computerDnsName?.toLowerCase() ?? undefined)) continue;
        const state = verdict(row ? [row] : []);
        if (!state) continue;
        const entry: NotIsolated = { machineId: id, declaredIn: [...sources].sort(), state };
        byIdEntry.set(id, entry);
        notIsolated.push(entry);
    }
    const linked = nameLinks(declarations, rowsByName, byId);
    for (const [name, sources] of byName) {
        const matches = rowsByName.get(name) ?? [];
        if (
            !inScope(
                matches.map((m) => m.machineId),
                name,
            )
        )
            continue;
        const state = verdict(matches);
        if (!state) continue;
        // The same device declared by id elsewhere, and not isolated either: one device, one entry.
        const same = byIdEntry.get(linked.get(name) ?? "");
        if (same) {
            same.declaredIn = [...new Set([...same.declaredIn, ...sources])].sort();
            same.computerDnsName ??= name;
            continue;
        }
        notIsolated.push({ computerDnsName: name, declaredIn: [...sources].sort(), state });
    }
    notIsolated.sort((a, b) => {
        const ka = a.machineId ?? a.computerDnsName ?? "";
        const kb = b.machineId ?? b.computerDnsName ?? "";
        return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    return {
        devices,
        drift: { untracked: devices.filter((d) => isHeld(d) && !d.declared).map((d) => d.machineId), notIsolated },
    };
}

/**
 * Names declared by name that denote a device declared by id: a declaration that carries both (state
 * records the name a device was declared or found with), or else Defender's one record of that name.
 * A name linked to two ids (a re-onboarded device, two records) stays apart.
 */
function nameLinks(
    declarations: readonly Declaration[],
    rowsByName: ReadonlyMap<string, DeviceIsolationStatus[]>,
    byId: ReadonlyMap<string, unknown>,
): Map<string, string> {
    const ids = new Map<string, Set<string>>();
    const link = (name: string, id: string) => ids.set(name, (ids.get(name) ?? new Set<string>()).add(id));
    for (const d of declarations) {
        if (d.machineId !== undefined && d.computerDnsName !== undefined) link(d.computerDnsName.toLowerCase(), d.machineId.toLowerCase());
    }
    for (const [name, rows] of rowsByName) {
        if (!ids.has(name) && rows.length === 1 && byId.has(rows[0].machineId)) link(name, rows[0].machineId);
    }
    const out = new Map<string, string>();
    for (const [name, set] of ids) if (set.size === 1) out.set(name, [...set][0]);
    return out;
}
