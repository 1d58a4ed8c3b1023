/**
 * Selectors: which devices an incident isolates, chosen in Defender when the program runs instead of
 * listed one by one. Pure: the criteria, whether a device matches them, and how they read in messages.
 *
 * An entry of `select:` (or `exclude:`) holds one or more criteria and matches a device that meets
 * every one of them; the incident selects the devices some `select:` entry matches, minus those some
 * `exclude:` entry matches.
 *
 * - `tag`: one of the device's Defender machine tags, whole, case-insensitively.
 * - `group`: its device group (`rbacGroupName`), whole, case-insensitively.
 * - `name`: its DNS name against a pattern (namePattern.ts: `*` and `?`, whole name, case-insensitive).
 * - `ip` / `externalIp`: its `lastIpAddress` / `lastExternalIpAddress` in an address or CIDR range.
 * - `alert`: the device a Defender alert names. `defenderIncident`: the devices a Defender XDR
 *   incident's alerts name.
 * - `machineId` (exclude only): the device with this id.
 */
import type { Machine } from "../defender";
import type { IsolationType } from "../resource/inputs";
import { inIpRange, type IpRange } from "./ipRange";
import { matchesNamePattern } from "./namePattern";

export const SELECT_CRITERIA = ["tag", "group", "name", "ip", "externalIp", "alert", "defenderIncident"] as const;
export const EXCLUDE_CRITERIA = ["tag", "group", "name", "ip", "externalIp", "machineId"] as const;
export type CriterionKey = (typeof SELECT_CRITERIA)[number] | (typeof EXCLUDE_CRITERIA)[number];

export interface Criteria {
    tag?: string;
    group?: string;
    /** A name pattern. */
    name?: string;
    ip?: IpRange;
    externalIp?: IpRange;
    /** A Defender alert id. */
    alert?: string;
    /** A Defender XDR incident id (digits). */
    defenderIncident?: string;
    /** 40 hex, lower-cased (exclude only). */
    machineId?: string;
}

export interface SelectEntry {
    criteria: Criteria;
    /** @default "Full" */
    isolationType: IsolationType;
    comment?: string;
    /** `select[0]`, at `line`. */
    path: string;
    line: number;
}

export interface ExcludeEntry {
    criteria: Criteria;
    path: string;
    line: number;
}

/**
 * What happens to a device that stops matching while the incident is open. `keep` (the default): it
 * stays isolated until the incident closes (or an `exclude:` names it). `release`: the next `up`
 * releases it.
 */
export type WhenDeselected = "keep" | "release";
export const WHEN_DESELECTED: readonly WhenDeselected[] = ["keep", "release"];

export interface IncidentSelection {
    select: SelectEntry[];
    exclude: ExcludeEntry[];
    whenDeselected: WhenDeselected;
}

/** What selectors look at on a device: Defender's Machine. */
export type SelectorDevice = Pick<
    Machine,
    "id" | "computerDnsName" | "machineTags" | "rbacGroupName" | "lastIpAddress" | "lastExternalIpAddress" | "onboardingStatus"
>;

/** The devices alerts and incidents name, by alert id (lower-cased) and incident id: read beforehand. */
export interface NamedBy {
    alerts: ReadonlyMap<string, ReadonlySet<string>>;
    incidents: ReadonlyMap<string, ReadonlySet<string>>;
}

const same = (a: string | null, b: string) => a !== null && a.toLowerCase() === b.toLowerCase();

/** Whether `device` meets every criterion. */
export function deviceMatches(criteria: Criteria, device: SelectorDevice, namedBy: NamedBy): boolean {
    const id = device.id.toLowerCase();
    if (criteria.tag !== undefined && !device.machineTags.some((t) => same(t, criteria.tag as string))) return false;
    if (criteria.group !== undefined && !same(device.rbacGroupName, criteria.group)) return false;
    if (criteria.name !== undefined && !matchesNamePattern(criteria.name, device.computerDnsName ?? "")) return false;
    if (criteria.ip !== undefined && !inIpRange(criteria.ip, device.lastIpAddress)) return false;
    if (criteria.externalIp !== undefined && !inIpRange(criteria.externalIp, device.lastExternalIpAddress)) return false;
    if (criteria.alert !== undefined && !namedBy.alerts.get(criteria.alert.toLowerCase())?.has(id)) return false;
    if (criteria.defenderIncident !== undefined && !namedBy.incidents.get(criteria.defenderIncident)?.has(id)) return false;
    if (criteria.machineId !== undefined && criteria.machineId !== id) return false;
    return true;
}

/** `tag "HR" and name "fin-*"`: the criteria as written, values quoted (JSON), in the keys' order. */
export function describeCriteria(criteria: Criteria): string {
    const parts: string[] = [];
    const add = (key: string, value: string | undefined) => {
        if (value !== undefined) parts.push(`${key} ${JSON.stringify(value)}`);
    };
    add("tag", criteria.tag);
    add("group", criteria.group);
    add("name", criteria.name);
    add("ip", criteria.ip?.text);
    add("externalIp", criteria.externalIp?.text);
    add("alert", criteria.alert);
    add("defenderIncident", criteria.defenderIncident);
    add("machineId", criteria.machineId);
    return parts.join(" and ");
}

/** `select[0] (tag "HR")`. */
export function describeEntry(entry: { path: string; criteria: Criteria }): string {
    return `${entry.path} (${describeCriteria(entry.criteria)})`;
}
