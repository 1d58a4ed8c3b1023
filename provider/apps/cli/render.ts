/**
 * The three outputs of `status`: a table for a terminal, JSON for machines (the stable shape the
 * README documents), Markdown for a ticket or a pull request. Pure: the report and the time in, text out.
 */
import type { DeviceIsolationStatus, DriftReport, IsolationStateName, MarkedStatus } from "../../inventory";
import { age, shortTime } from "../../inventory/timestamps";
import { oneLine } from "../../base/text";

const MAX_CELL_CHARS = 60;

export interface StatusReport {
    devices: (DeviceIsolationStatus | MarkedStatus)[];
    summary: Record<IsolationStateName, number>;
    /** Present when declarations were read (--incidents, --stack). */
    drift?: DriftReport;
    /** What the declarations were read from, for the headings: `incidents/`, `stack prod`. */
    declaredBy?: string[];
}

/**
 * `{"devices": [...], "summary": {...}, "drift"?: {...}}`. Devices carry `declared` and `declaredIn`,
 * and the summary `untracked` and `notIsolated`, only when declarations were read.
 */
export function renderJson(report: StatusReport): string {
    const summary: Record<string, number> = { ...report.summary };
    if (report.drift) {
        summary.untracked = report.drift.untracked.length;
        summary.notIsolated = report.drift.notIsolated.length;
    }
    const out: Record<string, unknown> = { devices: report.devices, summary };
    if (report.drift) out.drift = report.drift;
    return `${JSON.stringify(out, null, 2)}\n`;
}

export function renderTable(report: StatusReport, now: Date): string {
    const drift = report.drift !== undefined;
    const header = [
        "STATE",
        "DEVICE",
        "MACHINE ID",
        "TYPE",
        "SINCE (UTC)",
        "FOR",
        "REQUESTOR",
        "SOURCE",
        "ACTION",
        "PENDING",
        "HEALTH",
        ...(drift ? ["DECLARED"] : []),
    ];
    const rows = report.devices.map((d) =>
        [
            d.state,
            d.computerDnsName ?? "-",
            d.machineId,
            d.isolationType ?? "-",
            d.since ? shortTime(d.since).replace(" UTC", "") : "-",
            d.since ? age(d.since, now) : "-",
            d.requestor ?? "-",
            d.requestSource ?? "-",
            d.actionId,
            pendingText(d),
            health(d),
            ...(drift ? [declaredText(d)] : []),
        ].map(cell),
    );
    const lines = rows.length > 0 ? [table(header, rows)] : ["No device has an Isolate or Unisolate action."];
    lines.push("", summaryLine(report));
    if (report.drift) lines.push(...driftLines(report, (s) => s));
    return `${lines.join("\n")}\n`;
}

export function renderMarkdown(report: StatusReport, now: Date): string {
    const drift = report.drift !== undefined;
    const header = [
        "State",
        "Device",
        "Machine ID",
        "Type",
        "Since (UTC)",
        "Requestor",
        "Source",
        "Action",
        "Pending",
        "Health",
        ...(drift ? ["Declared"] : []),
    ];
    const code = (s: string) => (s === "-" ? s : `\`${s.replace(/`/g, "'")}\``);
    const rows = report.devices.map((d) => [
        `**${d.state}**`,
        md(d.computerDnsName ?? "-"),
        code(d.machineId),
        md(d.isolationType ?? "-"),
        d.since ? shortTime(d.since).replace(" UTC", "") : "-",
        md(d.requestor ?? "-"),
        md(d.requestSource ?? "-"),
        code(d.actionId),
        md(pendingText(d)),
        md(health(d)),
        ...(drift ? [md(declaredText(d))] : []),
    ]);
    const lines = [`### Device isolation in Defender, ${now.toISOString().slice(0, 16).replace("T", " ")} UTC`, ""];
    if (rows.length > 0) {
        lines.push(`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`));
    } else {
        lines.push("No device has an Isolate or Unisolate action.");
    }
    lines.push("", `**Summary:** ${summaryLine(report)}`);
    if (report.drift) lines.push(...driftLines(report, (s) => `**${s}**`).map((l) => l.replace(/^ {2}- /, "- ")));
    return `${lines.join("\n")}\n`;
}

function summaryLine(report: StatusReport): string {
    const s = report.summary;
    const total = report.devices.length;
    return `${total} device${total === 1 ? "" : "s"}: ${s.isolated} isolated, ${s.isolating} isolating, ${s.releasing} releasing, ${s.released} released`;
}

function driftLines(report: StatusReport, strong: (s: string) => string): string[] {
    const drift = report.drift as DriftReport;
    const byId = new Map(report.devices.map((d) => [d.machineId, d]));
    const lines = ["", `${strong("Drift")} against ${(report.declaredBy ?? []).join(" and ")}:`];
    const n = drift.untracked.length;
    lines.push(
        `${strong(`${n} isolated or being isolated in Defender, declared nowhere`)}${n > 0 ? ` (nobody will ever release ${n === 1 ? "it" : "them"}; 'defender-isolation export' adopts ${n === 1 ? "it" : "them"} into Git)` : ""}`,
    );
    for (const id of drift.untracked) {
        const d = byId.get(id);
        lines.push(`  - ${d?.computerDnsName ?? "?"} (${id}): ${d?.state ?? "?"} since ${d?.since ? shortTime(d.since) : "?"} by ${d?.requestor ?? "unknown"}`);
    }
    lines.push(
        `${strong(`${drift.notIsolated.length} declared, not isolated`)}${drift.notIsolated.length > 0 ? " (the next refresh and 'pulumi up' isolate them)" : ""}`,
    );
    for (const n of drift.notIsolated) {
        const what = n.state === "noAction" ? "never isolated (no isolation action)" : n.state;
        lines.push(`  - ${n.machineId ?? n.computerDnsName}: ${what}; declared in ${n.declaredIn.join(", ")}`);
    }
    return lines;
}

function pendingText(d: DeviceIsolationStatus): string {
    return d.pending.length === 0 ? "-" : d.pending.map((p) => `${p.type} ${p.status}`).join(", ");
}

function health(d: DeviceIsolationStatus): string {
    if (d.device === null) return "-";
    if (!d.device.found) return "gone";
    return d.device.healthStatus ?? "?";
}

function declaredText(d: DeviceIsolationStatus | MarkedStatus): string {
    return "declaredIn" in d && d.declaredIn.length > 0 ? d.declaredIn.join(", ") : "no";
}

function table(header: string[], rows: string[][]): string {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) =>
        cells
            .map((c, i) => c.padEnd(widths[i]))
            .join("  ")
            .trimEnd();
    return [line(header), ...rows.map(line)].join("\n");
}

/** Text from Defender in one table cell: one line, bounded. */
function cell(text: string): string {
    return oneLine(text, MAX_CELL_CHARS);
}

/** Text from Defender in one Markdown table cell: no line break, no pipe, no markup. */
function md(text: string): string {
    return cell(text).replace(/([\\|*_`<>[\]])/g, "\\$1");
}
