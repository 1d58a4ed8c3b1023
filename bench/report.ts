/** The benchmark's output: a table per kind of scenario, and one JSON line with every figure. */
import * as os from "os";
import type { CliResult, CreateResult, InventoryResult, PreviewResult, ScenarioResult } from "./results";
import type { Window } from "../testkit/requests/windows";

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
        [
            "scenario",
            "N",
            "configured",
            "enforced",
            "wall s",
            "ideal s",
            "wall/ideal",
            "bound by",
            "wall/floor",
            "429s",
            "failed",
            "isolate/dev",
            "reads/dev",
            "polls/dev",
            "host RSS MB",
            "__provider B",
        ],
        results.map((r) => [
            r.scenario,
            String(r.devices),
            windows(r.configured),
            windows(r.enforced),
            s1(r.wallMs),
            s1(r.idealMs),
            f2(r.ratio),
            r.boundBy,
            f2(r.floorRatio),
            String(r.rateLimited),
            String(r.failed),
            f2(r.perDevice.isolate),
            f2(r.perDevice.reads),
            f2(r.perDevice.statusPolls),
            mb(r.hostPeakRssMb),
            String(r.providerBytes),
        ]),
    );
}

export function previewTable(results: readonly PreviewResult[]): string {
    return table(
        ["scenario", "N", "incidents", "wall s", "program s", "check s", "diff s", "changed", "API calls", "host RSS MB", "__provider B"],
        results.map((r) => [
            r.scenario,
            String(r.devices),
            String(r.incidents),
            s1(r.wallMs),
            s1(r.programMs),
            s1(r.checkMs),
            s1(r.diffMs),
            String(r.changed),
            String(r.apiCalls),
            mb(r.hostPeakRssMb),
            String(r.providerBytes),
        ]),
    );
}

const n0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : "n/a");

/** The same scenario through each engine, side by side: host rows from create results, CLI rows as measured. */
export function enginesTable(results: readonly ScenarioResult[]): string {
    const rows: CliResult[] = [];
    for (const r of results) {
        if (r.kind === "cli") rows.push(r);
        if (r.kind === "create") {
            rows.push({
                kind: "cli",
                engine: "host",
                scenario: r.scenario,
                operation: "create",
                devices: r.devices,
                wallMs: r.wallMs,
                idealMs: r.idealMs,
                ratio: r.ratio,
                boundBy: r.boundBy,
                rateLimited: r.rateLimited,
                failed: r.failed,
                exitCode: null,
                readsPerDevice: r.perDevice.reads,
                checkpointBytes: NaN,
                checkpointPerResource: NaN,
                checkpointParts: { provider: NaN, inputs: NaN, outputs: NaN, other: NaN },
                cliBytesWritten: NaN,
                checkpointVersions: NaN,
                checkpointBytesSeen: NaN,
                peakRssMb: { cli: NaN, language: NaN, provider: r.hostPeakRssMb },
                busyMs: NaN,
                overheadMs: NaN,
                tail: "",
            });
            rows.push(...(r.followUps ?? []));
        }
        if (r.kind === "preview") {
            rows.push({
                kind: "cli",
                engine: "host",
                scenario: r.scenario,
                operation: "preview",
                devices: r.devices,
                wallMs: r.wallMs,
                idealMs: 0,
                ratio: NaN,
                boundBy: "none",
                rateLimited: 0,
                failed: r.checkFailures,
                exitCode: null,
                readsPerDevice: r.apiCalls / r.devices,
                checkpointBytes: NaN,
                checkpointPerResource: NaN,
                checkpointParts: { provider: NaN, inputs: NaN, outputs: NaN, other: NaN },
                cliBytesWritten: NaN,
                checkpointVersions: NaN,
                checkpointBytesSeen: NaN,
                peakRssMb: { cli: NaN, language: NaN, provider: r.hostPeakRssMb },
                busyMs: NaN,
                overheadMs: NaN,
                tail: "",
            });
        }
    }
    const order = [...new Set(rows.map((r) => r.scenario))];
    rows.sort((a, b) => order.indexOf(a.scenario) - order.indexOf(b.scenario) || a.engine.localeCompare(b.engine));
    const parallel = (r: CliResult) => (r.engine === "host" ? "all at once" : (r.parallel ?? "n/a"));
    const total = (r: CliResult) => [r.peakRssMb.cli, r.peakRssMb.language, r.peakRssMb.provider].filter(Number.isFinite).reduce((a, b) => a + b, 0);
    return table(
        [
            "scenario",
            "engine",
            "parallel",
            "N",
            "wall s",
            "ideal s",
            "wall/ideal",
            "bound by",
            "429s",
            "failed",
            "reads/dev",
            "ckpt KB",
            "B/res",
            "__provider",
            "inputs",
            "outputs",
            "engine",
            "CLI wrote MB",
            "ckpt writes seen",
            "RSS cli",
            "RSS lang",
            "RSS provider",
            "RSS total",
            "busy s",
            "overhead s",
        ],
        rows.map((r) => [
            r.scenario,
            r.engine,
            parallel(r),
            String(r.devices),
            s1(r.wallMs),
            s1(r.idealMs),
            f2(r.ratio),
            r.boundBy,
            String(r.rateLimited),
            String(r.failed),
            f2(r.readsPerDevice),
            n0(r.checkpointBytes / 1024),
            n0(r.checkpointPerResource),
            n0(r.checkpointParts.provider),
            n0(r.checkpointParts.inputs),
            n0(r.checkpointParts.outputs),
            n0(r.checkpointParts.other),
            n0(r.cliBytesWritten / 1024 / 1024),
            n0(r.checkpointVersions),
            mb(r.peakRssMb.cli),
            mb(r.peakRssMb.language),
            mb(r.peakRssMb.provider),
            mb(total(r)),
            Number.isFinite(r.busyMs) ? s1(r.busyMs) : "n/a",
            Number.isFinite(r.overheadMs) ? s1(r.overheadMs) : "n/a",
        ]),
    );
}

const at = (ms: number | undefined) => (ms === undefined ? "n/a" : s1(ms));

/**
 * The CLI rows at Defender's own windows: what a user's `pulumi up` gets, and the way to its first
 * isolate (seconds after the command was spawned).
 */
export function limitTable(rows: readonly CliResult[]): string {
    return table(
        [
            "scenario",
            "N",
            "waits",
            "parallel",
            "refresh",
            "wall s",
            "ideal s",
            "wall/ideal",
            "first isolate s",
            "lang host s",
            "program s",
            "provider host s",
            "sign-in s",
            "first read s",
            "429s",
            "isolates/dev",
            "failed",
            "busy s",
        ],
        rows.map((r) => [
            r.scenario,
            r.held !== undefined ? `${r.held}+${r.devices}` : String(r.devices),
            r.waitForCompletion ? "yes" : "no",
            r.parallel ?? "n/a",
            r.runProgram === undefined ? "-" : r.runProgram ? "with the program" : "before the program",
            s1(r.wallMs),
            s1(r.idealMs),
            f2(r.ratio),
            at(r.milestones?.firstIsolateMs),
            at(r.milestones?.languageHostMs),
            at(r.milestones?.programMs),
            at(r.milestones?.providerHostMs),
            at(r.milestones?.signInMs),
            at(r.milestones?.firstReadMs),
            String(r.rateLimited),
            f2(r.isolatesPerDevice ?? NaN),
            String(r.failed),
            s1(r.busyMs),
        ]),
    );
}

export function inventoryTable(results: readonly InventoryResult[]): string {
    return table(
        [
            "scenario",
            "devices",
            "actions",
            "listed",
            "requests",
            "actions.read",
            "machines.read",
            "target",
            "429s",
            "wall s",
            "limits allow s",
            "peak RSS MB",
            "states as seeded",
        ],
        results.map((r) => [
            r.scenario,
            String(r.devices),
            String(r.actions),
            String(r.listed),
            String(r.requests),
            String(r.accepted["actions.read"] ?? 0),
            String(r.accepted["machines.read"] ?? 0),
            `≤ ${r.targetRequests}`,
            String(r.rateLimited),
            s1(r.wallMs),
            s1(r.idealMs),
            mb(r.peakRssMb),
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
    const atLimit = results.filter((r): r is CliResult => r.kind === "cli" && r.defenderWindows === true);
    const scaled = results.filter((r) => !(r.kind === "cli" && r.defenderWindows === true));
    if (scaled.some((r) => r.kind === "cli" || (r.kind === "create" && r.followUps))) parts.push(enginesTable(scaled));
    if (atLimit.length > 0) parts.push(limitTable(atLimit));
    const cliFailures = results.filter((r): r is CliResult => r.kind === "cli" && r.tail !== "").map((r) => `${r.scenario} (cli): ${r.tail}`);
    if (cliFailures.length > 0) parts.push(`CLI failures:\n  ${cliFailures.join("\n  ")}`);
    const failures = creates.filter((r) => r.failures.length > 0).map((r) => `${r.scenario}: ${r.failures.join(" / ")}`);
    if (failures.length > 0) parts.push(`failures:\n  ${failures.join("\n  ")}`);
    return parts.join("\n\n");
}

/** One line, parseable: `{"bench": ..., "results": [...]}`. */
export function jsonLine(results: readonly ScenarioResult[]): string {
    const round = (_k: string, v: unknown) => (typeof v === "number" && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v);
    return JSON.stringify(
        {
            bench: "pulumi-defender-isolation",
            at: new Date().toISOString(),
            node: process.version,
            cpus: os.cpus().length,
            results,
        },
        round,
    );
}
