/**
 * What selectors chose, for reviewers: the lines the program logs (so the preview, and the pull
 * request comment made of it, shows the resolved list) and the `selection` stack output (which the
 * next deployment reads back: it is the memory `whenDeselected: keep` relies on).
 *
 * Text from Defender (names, tags, in reasons) and from incident files is data: in messages every
 * control, bidirectional or zero-width character is replaced and Markdown's special characters are
 * escaped, so a device name cannot break a line, a table or a code fence of the comment; in outputs
 * control characters are replaced.
 */
import type { ResolvedSelection } from "./selectorResolution";

/** Devices listed per group of a message before "… and N more". */
export const MAX_LISTED = 25;

// eslint-disable-next-line no-control-regex -- control characters are what is replaced
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

/** One line of plain data: control and invisible characters replaced, bounded. */
export function plainText(text: string, max = 200): string {
    const flat = text.replace(UNSAFE, "\ufffd");
    return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Safe in a log line that ends up in Markdown: plain, and Markdown's special characters escaped. */
export function shownText(text: string, max = 200): string {
    return plainText(text, max).replace(/([\\`*_[\]<>|~])/g, "\\$1");
}

function device(d: { machineId: string; computerDnsName: string | null }): string {
    return `${shownText(d.computerDnsName ?? "name unknown", 120)} (${d.machineId})`;
}

function listed<T>(items: readonly T[], show: (t: T) => string): string {
    const head = items.slice(0, MAX_LISTED).map(show).join(", ");
    return items.length > MAX_LISTED ? `${head}, … and ${items.length - MAX_LISTED} more` : head;
}

const count = (n: number, what: string) => `${n.toLocaleString("en-US")} ${what}${n === 1 ? "" : "s"}`;

/** The log lines for one incident's selection. */
export function selectionLines(incidentId: string, s: ResolvedSelection): string[] {
    const byId = new Map(s.devices.map((d) => [d.machineId, d]));
    const lines = [`${shownText(incidentId)} selects ${count(s.devices.length, "device")} (whenDeselected: ${s.whenDeselected}):`];
    for (const e of s.entries) {
        const chosen = e.matched.map((id) => byId.get(id)).filter((d): d is NonNullable<typeof d> => d !== undefined && !d.kept);
        lines.push(
            `  ${e.path} (${shownText(e.criteria)}) matches ${count(e.matched.length, "device")}${chosen.length > 0 ? `: ${listed(chosen, (d) => device(d))}` : ""}`,
        );
    }
    const kept = s.devices.filter((d) => d.kept);
    if (kept.length > 0) lines.push(`  kept until the incident closes (no longer matching): ${listed(kept, (d) => device(d))}`);
    for (const l of s.leftOut.slice(0, MAX_LISTED)) lines.push(`  left out: ${device(l)}: ${shownText(l.reason, 300)}`);
    if (s.leftOut.length > MAX_LISTED) lines.push(`  left out: … and ${s.leftOut.length - MAX_LISTED} more`);
    for (const r of s.released.slice(0, MAX_LISTED)) lines.push(`  released by this update: ${device(r)}: ${shownText(r.reason, 300)}`);
    if (s.released.length > MAX_LISTED) lines.push(`  released by this update: … and ${s.released.length - MAX_LISTED} more`);
    if (s.unmanaged.length > 0) {
        lines.push(`  not managed by Defender for Endpoint (no device id, cannot be isolated here): ${listed(s.unmanaged, (n) => shownText(n, 120))}`);
    }
    return lines;
}

/** The `selection` output of an incident: plain data, read back by the next deployment. */
export interface SelectionOutput {
    whenDeselected: string;
    selectors: Array<{ path: string; criteria: string; matched: number }>;
    devices: Array<{ machineId: string; computerDnsName: string | null; isolationType: string; selectedBy: string[] }>;
    leftOut: Array<{ machineId: string; computerDnsName: string | null; reason: string }>;
    released: Array<{ machineId: string; computerDnsName: string | null; reason: string }>;
}

export function selectionOutput(s: ResolvedSelection): SelectionOutput {
    const name = (n: string | null) => (n === null ? null : plainText(n, 255));
    return {
        whenDeselected: s.whenDeselected,
        selectors: s.entries.map((e) => ({ path: e.path, criteria: plainText(e.criteria, 400), matched: e.matched.length })),
        devices: s.devices.map((d) => ({
            machineId: d.machineId,
            computerDnsName: name(d.computerDnsName),
            isolationType: d.isolationType,
            selectedBy: d.kept ? [plainText(`kept: ${d.comment}`, 400)] : d.matchedBy.map((m) => plainText(m, 400)),
        })),
        leftOut: s.leftOut.map((l) => ({ machineId: l.machineId, computerDnsName: name(l.computerDnsName), reason: plainText(l.reason, 400) })),
        released: s.released.map((l) => ({ machineId: l.machineId, computerDnsName: name(l.computerDnsName), reason: plainText(l.reason, 400) })),
    };
}

/** For the mass-isolation brake's message: the entries that match the most devices, largest first. */
export function largestSelectors(selections: Iterable<ResolvedSelection>, top = 5): string[] {
    const all = [...selections].flatMap((s) => s.entries.map((e) => ({ incident: s.incidentId, e })));
    return all
        .sort((a, b) => b.e.matched.length - a.e.matched.length)
        .slice(0, top)
        .filter((x) => x.e.matched.length > 0)
        .map((x) => `${x.incident} ${x.e.path} (${x.e.criteria}) matches ${count(x.e.matched.length, "device")}`);
}
