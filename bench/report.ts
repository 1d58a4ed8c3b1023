/** The benchmark's output: a table per kind of scenario, and one JSON line with every figure. */
import * as os from "os";
import type { CreateResult, InventoryResult, PreviewResult, ScenarioResult } from "./results";
import type { Window } from "./windows";

const windows = (ws: readonly Window[]) => ws.map((w) => `${w.calls}/${w.perSeconds}s`).join("+");
const s1 = (ms: number) => (ms / 1000).toFixed(1);
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : "n/a");
const mb = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : "n/a");

function table(header: string[], rows: string[][]): string {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
    return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

export function createTable(results: readonly CreateResult[]): string {
    return table(
        ["scenario", "N", "configured", "enforced", "wall s", "ideal s", "wall/ideal", "bound by", "wall/floor", "429s", "failed", "isolate/dev", "reads/dev", "polls/dev", "host RSS MB", "__provider B"],
        results.map((r) => [
            r.scenario, String(r.devices), windows(r.configured), windows(r.enforced), s1(r.wallMs), s1(r.idealMs), f2(r.ratio), r.boundBy,
            f2(r.floorRatio), String(r.rateLimited), String(r.failed), f2(r.perDevice.isolate), f2(r.perDevice.reads), f2(r.perDevice.statusPolls),
            mb(r.hostPeakRssMb), String(r.providerBytes),
        ]),
    );
}

export function previewTable(results: readonly PreviewResult[]): string {
    return table(
        ["scenario", "N", "incidents", "wall s", "program s", "check s", "diff s", "changed", "API calls", "host RSS MB", "__provider B"],
        results.map((r) => [
            r.scenario, String(r.devices), String(r.incidents), s1(r.wallMs), s1(r.programMs), s1(r.checkMs), s1(r.diffMs), String(r.changed),
            String(r.apiCalls), mb(r.hostPeakRssMb), String(r.providerBytes),
        ]),
    );
}

export function inventoryTable(results: readonly InventoryResult[]): string {
    return table(
        ["scenario", "devices", "actions", "listed", "requests", "actions.read", "machines.read", "target", "429s", "wall s", "limits allow s", "peak RSS MB", "states as seeded"],
        results.map((r) => [
            r.scenario, String(r.devices), String(r.actions), String(r.listed), String(r.requests), String(r.accepted["actions.read"] ?? 0),
            String(r.accepted["machines.read"] ?? 0), `≤ ${r.targetRequests}`, String(r.rateLimited), s1(r.wallMs), s1(r.idealMs), mb(r.peakRssMb),
            statesMatch(r) ? "yes" : "NO",
        ]),
    );
}

/** The command found each device in the state it was seeded in. */
export function statesMatch(r: InventoryResult): boolean {
    return Object.entries(r.expected).every(([k, v]) => r.summary[k] === v) && r.listed === r.devices;
}

export function report(results: readonly ScenarioResult[]): string {
    const creates = results.filter((r): r is CreateResult => r.kind === "create");
    const previews = results.filter((r): r is PreviewResult => r.kind === "preview");
    const inventories = results.filter((r): r is InventoryResult => r.kind === "inventory");
    const parts: string[] = [];
    if (creates.length > 0) parts.push(createTable(creates));
    if (previews.length > 0) parts.push(previewTable(previews));
    if (inventories.length > 0) parts.push(inventoryTable(inventories));
    const failures = creates.filter((r) => r.failures.length > 0).map((r) => `${r.scenario}: ${r.failures.join(" / ")}`);
    if (failures.length > 0) parts.push(`failures:\n  ${failures.join("\n  ")}`);
    return parts.join("\n\n");
}

/** One line, parseable: `{"bench": ..., "results": [...]}`. */
export function jsonLine(results: readonly ScenarioResult[]): string {
    const round = (_k: string, v: unknown) => (typeof v === "number" && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v);
    return JSON.stringify({
        bench: "pulumi-defender-isolation",
        at: new Date().toISOString(),
        node: process.version,
        cpus: os.cpus().length,
        results,
    }, round);
}
