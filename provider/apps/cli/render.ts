/**
 * The three outputs of `status`: a table for a terminal, JSON for machines (the stable shape the
 * README documents), Markdown for a ticket or a pull request. Pure: the report and the time in, text out.
 *
 * Device names, requestors and sources come from Defender, and a compromised device chooses its own
 * hostname: every such value passes through the output's escaping (provider/base: terminalText, markdownText) where it is written,
 * in the table, the drift lines and the Markdown alike.
 */
import type { DeviceIsolationStatus, DriftReport, IsolationStateName, MarkedStatus } from "../../inventory";
import { age, shortTime } from "../../inventory/timestamps";
import { markdownLiteral, markdownProse } from "../../base/markdownText";
import { terminalJson, terminalText } from "../../base/terminalText";
import { cut } from "../../base/text";

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
    return `${terminalJson(JSON.stringify(out, null, 2))}\n`;
}

/** How the table is laid out: `width` is the terminal's (undefined: a pipe or `--wide`, every column in full). */
export interface TableLayout {
    width?: number;
}

/**
 * A column of the table. When the terminal is narrower than the table, columns shrink (their cells cut
 * with …) in this order: the columns that can be left out, down to `min`; then MACHINE ID, down to
 * `soft`; then DEVICE, down to `soft`; then columns are left out, lowest `dropOrder` first, and the
 * shrinking starts again; only then does every column go down to `min`.
 */
interface Column {
    header: string;
    min: number;
    soft?: number;
    dropOrder?: number;
}

const COLUMNS: readonly Column[] = [
    { header: "STATE", min: 9 },
    { header: "DEVICE", min: 14, soft: 24 },
    { header: "MACHINE ID", min: 10, soft: 12 },
    { header: "TYPE", min: 9 },
    { header: "SINCE (UTC)", min: 16, dropOrder: 4 },
    { header: "FOR", min: 3, dropOrder: 6 },
    { header: "REQUESTOR", min: 9, dropOrder: 5 },
    { header: "SOURCE", min: 6, dropOrder: 1 },
    { header: "ACTION", min: 10, dropOrder: 2 },
    { header: "PENDING", min: 17, dropOrder: 7 },
    { header: "HEALTH", min: 6, dropOrder: 3 },
];
const DECLARED: Column = { header: "DECLARED", min: 8 };
const GAP = 2;

export function renderTable(report: StatusReport, now: Date, layout: TableLayout = {}): string {
    const drift = report.drift !== undefined;
    const columns = [...COLUMNS, ...(drift ? [DECLARED] : [])];
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
    const lines: string[] = [];
    if (rows.length > 0) {
        const fit = fitColumns(columns, rows, layout.width);
        lines.push(table(fit, rows));
        if (fit.left.length > 0 || fit.cut) lines.push(narrowedNote(fit, layout.width as number));
    } else lines.push("No device has an Isolate or Unisolate action.");
    lines.push("", summaryLine(report));
    if (report.drift) lines.push(...driftLines(report, (s) => s, cell));
    return `${lines.join("\n")}\n`;
}

interface Fit {
    /** Indexes of the columns shown, in order, and their widths. */
    shown: number[];
    widths: number[];
    headers: string[];
    /** Headers of the columns left out. */
    left: string[];
    /** Whether some cell was cut to its column. */
    cut: boolean;
}

/** The columns within `width` (see Column); without a width, every column in full. */
function fitColumns(columns: readonly Column[], rows: readonly string[][], width: number | undefined): Fit {
    const natural = (i: number) => Math.max(columns[i].header.length, ...rows.map((r) => r[i].length));
    let shown = columns.map((_, i) => i);
    let widths = shown.map(natural);
    const total = () => widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1);
    /** Shrinks the chosen columns, the widest first, each down to its floor, until the table fits. */
    const shrink = (chosen: (c: Column) => boolean, floor: (c: Column) => number) => {
        for (let excess = total() - (width as number); excess > 0; excess--) {
            let widest = -1;
            shown.forEach((i, k) => {
                if (chosen(columns[i]) && widths[k] > floor(columns[i]) && (widest < 0 || widths[k] > widths[widest])) widest = k;
            });
            if (widest < 0) return;
            widths[widest]--;
        }
    };
    if (width !== undefined) {
        for (;;) {
            widths = shown.map(natural);
            shrink(
                (c) => c.dropOrder !== undefined,
                (c) => c.min,
            );
            shrink(
                (c) => c.header === "MACHINE ID",
                (c) => c.soft ?? c.min,
            );
            shrink(
                (c) => c.header === "DEVICE",
                (c) => c.soft ?? c.min,
            );
            if (total() <= width) break;
            const droppable = shown.filter((i) => columns[i].dropOrder !== undefined);
            if (droppable.length === 0) {
                shrink(
                    () => true,
                    (c) => c.min,
                );
                break;
            }
            const next = droppable.reduce((a, b) => ((columns[a].dropOrder as number) <= (columns[b].dropOrder as number) ? a : b));
            shown = shown.filter((i) => i !== next);
        }
    }
    const left = columns.filter((_, i) => !shown.includes(i)).map((c) => c.header);
    const cut = shown.some((i, k) => widths[k] < natural(i));
    return { shown, widths, headers: shown.map((i) => columns[i].header), left, cut };
}

function narrowedNote(fit: Fit, width: number): string {
    const what = [...(fit.left.length > 0 ? [`left out ${fit.left.join(", ")}`] : []), ...(fit.cut ? ["cut long values (…)"] : [])];
    return wrap(`To fit ${width} columns, ${what.join(" and ")}: --wide shows every column in full, --json everything.`, width);
}

/** Words in lines of at most `width` characters. */
function wrap(text: string, width: number): string {
    const lines: string[] = [];
    let line = "";
    for (const word of text.split(" ")) {
        if (line !== "" && line.length + 1 + word.length > width) {
            lines.push(line);
            line = word;
        } else line = line === "" ? word : `${line} ${word}`;
    }
    return [...lines, line].join("\n");
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
    const rows = report.devices.map((d) => [
        `**${d.state}**`,
        md(d.computerDnsName),
        md(d.machineId),
        md(d.isolationType),
        d.since ? shortTime(d.since).replace(" UTC", "") : "-",
        md(d.requestor),
        md(d.requestSource),
        md(d.actionId),
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
    if (report.drift) lines.push(...driftLines(report, (s) => `**${s}**`, md, markdownProse).map((l) => l.replace(/^ {2}- /, "- ")));
    return `${lines.join("\n")}\n`;
}

function summaryLine(report: StatusReport): string {
    const s = report.summary;
    const total = report.devices.length;
    return `${total} device${total === 1 ? "" : "s"}: ${s.isolated} isolated, ${s.isolating} isolating, ${s.releasing} releasing, ${s.released} released`;
}

/**
 * The drift section. `value` makes one outside value safe for the output (a device name, a requestor,
 * an incident file); `prose` does the same for text of ours holding such values (the heading's sources).
 */
function driftLines(report: StatusReport, strong: (s: string) => string, value: (s: string | null | undefined) => string, prose = terminalText): string[] {
    const drift = report.drift as DriftReport;
    const byId = new Map(report.devices.map((d) => [d.machineId, d]));
    const lines = ["", `${strong("Drift")} against ${prose((report.declaredBy ?? []).join(" and "))}:`];
    const n = drift.untracked.length;
    lines.push(
        `${strong(`${n} isolated or being isolated in Defender, declared nowhere`)}${n > 0 ? ` (nobody will ever release ${n === 1 ? "it" : "them"}; 'defender-isolation export' adopts ${n === 1 ? "it" : "them"} into Git)` : ""}`,
    );
    for (const id of drift.untracked) {
        const d = byId.get(id);
        lines.push(
            `  - ${value(d?.computerDnsName ?? "?")} (${value(id)}): ${d?.state ?? "?"} since ${d?.since ? shortTime(d.since) : "?"} by ${value(d?.requestor ?? "unknown")}`,
        );
    }
    lines.push(
        `${strong(`${drift.notIsolated.length} declared, not isolated`)}${drift.notIsolated.length > 0 ? " (the next refresh and 'pulumi up' isolate them)" : ""}`,
    );
    for (const n of drift.notIsolated) {
        const what = n.state === "noAction" ? "never isolated (no isolation action)" : n.state;
        const device = n.machineId && n.computerDnsName ? `${value(n.computerDnsName)} (${value(n.machineId)})` : value(n.machineId ?? n.computerDnsName);
        lines.push(`  - ${device}: ${what}; declared in ${n.declaredIn.map((f) => value(f)).join(", ")}`);
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

function table(fit: Fit, rows: string[][]): string {
    const line = (cells: string[]) =>
        cells
            .map((c, k) => fitCell(c, fit.widths[k]).padEnd(fit.widths[k]))
            .join(" ".repeat(GAP))
            .trimEnd();
    return [line(fit.headers), ...rows.map((r) => line(fit.shown.map((i) => r[i])))].join("\n");
}

function fitCell(text: string, width: number): string {
    return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
}

/** Text from Defender in one table cell: one line, bounded, nothing a terminal acts on (written as visible escapes). */
function cell(text: string | null | undefined): string {
    if (text === null || text === undefined || text.trim() === "") return "-";
    return cut(terminalText(text.trim()), MAX_CELL_CHARS);
}

/** Text from Defender in one Markdown table cell: a code span, so no markup, link or HTML comes out of it. */
function md(text: string | null | undefined): string {
    return markdownLiteral(text, MAX_CELL_CHARS);
}
