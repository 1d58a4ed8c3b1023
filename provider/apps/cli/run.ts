/**
 * `defender-isolation`: flags → settings → declarations → Defender reads → output. Every check that
 * needs no network runs first, so a bad flag, setting or incident file costs no request. The
 * command only reads Defender; `export` writes one local file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createDefenderClient, isDefenderApiError, userAgent, type DefenderClient } from "../../defender";
import { driftReport, listIsolations, stackDeclarations, type Declaration, type DeviceIsolationStatus, type MarkedStatus } from "../../inventory";
import type { Incident } from "../../incidents/incidentFile";
import { COMMAND_USAGE, parseCliArgs, USAGE, type CliArgs } from "./args";
import { CommandError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, type ExitCode } from "./commandError";
import { terminalProgress, type ProgressSink } from "./progress";
import { exportStack, findPulumiCli } from "./pulumiCli";
import { renderJson, renderMarkdown, renderTable, type StatusReport } from "./render";
import { clientSettings, formatSettingProblems } from "./settings";

export interface CommandIo {
    env: NodeJS.ProcessEnv;
    cwd: string;
    stdout: ProgressSink;
    stderr: ProgressSink;
    now: () => Date;
}

const NAME = "defender-isolation";

export async function runCommand(argv: readonly string[], io: CommandIo): Promise<ExitCode> {
    const say = (line: string) => io.stderr.write(`${line}\n`);
    try {
        return await run(argv, io, say);
    } catch (e) {
        if (e instanceof CommandError) {
            say(`${NAME}: ${e.message}`);
            return e.exitCode;
        }
        if (isDefenderApiError(e)) {
            say(`${NAME}: ${e.message}`);
            return e.kind === "invalidOptions" || e.kind === "invalidInput" ? EXIT_USAGE : EXIT_FAILED;
        }
        say(`${NAME}: ${e instanceof Error ? e.message : String(e)}`);
        return EXIT_FAILED;
    }
}

async function run(argv: readonly string[], io: CommandIo, say: (line: string) => void): Promise<ExitCode> {
    const parsed = parseCliArgs(argv);
    if (!parsed.ok) {
        parsed.problems.forEach((p) => say(`${NAME}: ${p}`));
        say(`see '${NAME} help'`);
        return EXIT_USAGE;
    }
    const args = parsed.args;
    if (args.command === "help") {
        io.stdout.write(`${args.topic ? COMMAND_USAGE[args.topic] : USAGE}\n`);
        return EXIT_OK;
    }
    if (args.command === "version") {
        io.stdout.write(`${userAgent().replace("/", " ")}\n`);
        return EXIT_OK;
    }
    const settings = clientSettings(args, io.env);
    if (settings.problems.length > 0) throw new CommandError(formatSettingProblems(settings.problems), EXIT_USAGE);
    const now = io.now();
    if (args.command === "propose") {
        const { runPropose } = await import("./propose");
        return runPropose(args, settings.options, io, now);
    }
    const exporter = args.command === "export" ? await prepareExport(args, io) : undefined;
    const declared = await readDeclarations(args, io, now, say);

    const progress = terminalProgress(io.stderr);
    let rows: DeviceIsolationStatus[];
    let summary: StatusReport["summary"];
    try {
        const client = createDefenderClient({ ...settings.options, onEvent: (e) => progress.onClient(e) });
        if (declared?.selecting && declared.selecting.length > 0) await addSelected(declared, client, args);
        const machineIds = await selectedMachines(client, args, say);
        ({ devices: rows, summary } = await listIsolations({ client, machineIds, onProgress: (e) => progress.onInventory(e) }));
    } finally {
        progress.done();
    }

    let report: StatusReport = { devices: rows, summary };
    if (declared) {
        const filtered = args.machineIds.length > 0 || args.machineNames.length > 0;
        const scope = filtered ? { machineIds: new Set([...args.machineIds, ...rows.map((r) => r.machineId)]), names: new Set(args.machineNames) } : undefined;
        const { devices, drift } = driftReport(rows, declared.declarations, scope);
        report = { devices, summary, drift, declaredBy: declared.sources };
    }

    if (exporter) return exporter(report, now, say);
    // A terminal gets a table it can show; a pipe (no width) and --wide get every column in full.
    const width = args.wide ? undefined : io.stdout.isTTY ? io.stdout.columns : undefined;
    const text = args.format === "json" ? renderJson(report) : args.format === "markdown" ? renderMarkdown(report, now) : renderTable(report, now, { width });
    io.stdout.write(text);
    return EXIT_OK;
}

/** The devices --machine names: ids as given, names resolved (a name can match several records). */
async function selectedMachines(client: DefenderClient, args: CliArgs, say: (line: string) => void): Promise<string[] | undefined> {
    if (args.machineIds.length === 0 && args.machineNames.length === 0) return undefined;
    const ids = new Set(args.machineIds);
    for (const name of args.machineNames) {
        const found = await client.findMachinesByDnsName(name);
        if (found.length === 0) say(`${NAME}: --machine ${name}: Defender knows no device of this name (names match exactly, case-insensitively)`);
        for (const m of found) ids.add(m.id.toLowerCase());
    }
    return [...ids];
}

interface Declared {
    declarations: Declaration[];
    sources: string[];
    /** Open incidents whose selectors choose devices in Defender. */
    selecting?: Incident[];
}

/** The devices the folder's selectors choose now, read with the program's own rules; a problem stops the command. */
async function addSelected(declared: Declared, client: DefenderClient, args: CliArgs): Promise<void> {
    const { selectorDeclarations } = await import("../../inventory/incidentDeclarations");
    const { formatProblem, sortProblems } = await import("../../incidents/problems");
    const selected = await selectorDeclarations(declared.selecting ?? [], client);
    if (selected.problems.length > 0) {
        throw new CommandError(
            [
                `--incidents ${args.incidents}: the selectors cannot be resolved (the GitOps program stops there too):`,
                ...sortProblems(selected.problems).map((p) => `  - ${formatProblem(p)}`),
            ].join("\n"),
            EXIT_USAGE,
        );
    }
    declared.declarations.push(...selected.declarations);
}

async function readDeclarations(args: CliArgs, io: CommandIo, now: Date, say: (line: string) => void): Promise<Declared | undefined> {
    if (args.incidents === undefined && args.stack === undefined) return undefined;
    const out: Declared = { declarations: [], sources: [] };
    if (args.incidents !== undefined) {
        const { incidentDeclarations } = await import("../../inventory/incidentDeclarations");
        const { formatProblem, sortProblems } = await import("../../incidents/problems");
        const read = incidentDeclarations(path.resolve(io.cwd, args.incidents), now);
        if (read.problems.length > 0) {
            const count = read.problems.length === 1 ? "1 problem" : `${read.problems.length} problems`;
            throw new CommandError(
                [
                    `--incidents ${args.incidents}: the folder has ${count} (the GitOps program refuses it too); nothing was read from Defender:`,
                    ...sortProblems(read.problems).map((p) => `  - ${formatProblem(p)}`),
                ].join("\n"),
                EXIT_USAGE,
            );
        }
        out.declarations.push(...read.declarations);
        out.sources.push(`incidents ${args.incidents}`);
        out.selecting = read.selecting;
    }
    if (args.stack !== undefined) {
        const cli = findPulumiCli(io.env);
        const text = await exportStack(cli, args.stack, io.env, io.cwd);
        let state;
        try {
            state = stackDeclarations(text, args.stack);
        } catch (e) {
            throw new CommandError(e instanceof Error ? e.message : String(e), EXIT_FAILED);
        }
        state.warnings.forEach((w) => say(`${NAME}: stack ${args.stack}: ${w}`));
        out.declarations.push(...state.declarations);
        out.sources.push(`stack ${args.stack}`);
    }
    return out;
}

type Exporter = (report: StatusReport, now: Date, say: (line: string) => void) => ExitCode;

/** Checks export's flags and target before any request; returns what writes the file afterwards. */
async function prepareExport(args: CliArgs, io: CommandIo): Promise<Exporter> {
    const { exportIncident, exportOptionProblems } = await import("../../inventory/exportIncident");
    const problems = exportOptionProblems(args);
    const target = args.out === undefined ? undefined : path.resolve(io.cwd, args.out);
    if (target !== undefined && fs.existsSync(target) && !args.force)
        problems.push(`--out ${args.out} exists: choose another file, or add --force to replace it`);
    if (target !== undefined && !fs.existsSync(path.dirname(target))) problems.push(`--out ${args.out}: the folder ${path.dirname(target)} does not exist`);
    if (problems.length > 0) throw new CommandError(problems.join("\n  "), EXIT_USAGE);

    return (report, now, say) => {
        // With declarations read, only what nothing declares yet is exported: the rest is in Git or state already.
        const marked = report.drift !== undefined;
        const rows = marked ? report.devices.filter((d) => !(d as MarkedStatus).declared) : report.devices;
        const result = exportIncident(rows, { incident: args.incident as string, ...(args.title !== undefined ? { title: args.title } : {}), now });
        result.skipped.forEach((s) => say(`${NAME}: left out ${s}`));
        if (marked) {
            const already = report.devices.filter((d) => (d as MarkedStatus).declared && (d.state === "isolated" || d.state === "isolating"));
            already.forEach((d) =>
                say(`${NAME}: left out ${d.computerDnsName ?? "?"} (${d.machineId}): already declared in ${(d as MarkedStatus).declaredIn.join(", ")}`),
            );
        }
        if (result.text === undefined) {
            say(
                `${NAME}: no device ${marked ? "left to adopt: every isolation is declared already" : "is isolated or being isolated"}; no incident file written`,
            );
            return EXIT_OK;
        }
        if (target === undefined) {
            io.stdout.write(result.text);
        } else {
            const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
            fs.writeFileSync(tmp, result.text, { mode: 0o644 });
            fs.renameSync(tmp, target);
        }
        say(
            `${NAME}: ${args.incident} declares ${result.devices.length} device${result.devices.length === 1 ? "" : "s"}${target ? ` in ${args.out}` : ""}; 'pulumi up' adopts ${result.devices.length === 1 ? "its isolation" : "their isolations"} without sending an isolate`,
        );
        return EXIT_OK;
    };
}
