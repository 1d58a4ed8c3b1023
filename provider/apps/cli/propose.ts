/**
 * `defender-isolation propose`: an alert, a Defender XDR incident or selector flags → a new incident
 * file, ready to commit on a branch. Every flag, the target file and the incident folder are checked
 * before any request; Defender is only read (the selectors' own reads, with their rules); the file is
 * created, never overwritten (an existing file, or an incident with the same id in the folder, is
 * refused).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { alertIdProblem, createDefenderClient, xdrIncidentIdProblem, type DefenderClientOptions } from "../../defender";
import { parseTimestamp } from "../../incidents/expiry";
import { INCIDENT_FILE } from "../../incidents/incidentFolder";
import { INCIDENT_ID_PATTERN, MAX_DEVICE_COMMENT_LENGTH, MAX_TITLE_LENGTH, parseIncidentFile, type Incident } from "../../incidents/incidentFile";
import { parseIpRange } from "../../incidents/ipRange";
import { namePatternProblem } from "../../incidents/namePattern";
import { formatProblem } from "../../incidents/problems";
import { readSelectors } from "../../incidents/selectorReads";
import { resolveSelections } from "../../incidents/selectorResolution";
import type { Criteria, SelectEntry } from "../../incidents/selectors";
import { proposeIncident, proposedId } from "../../inventory/proposeIncident";
import { ISOLATION_TYPES, type IsolationType } from "../../resource/inputs";
import { PROTECTED_DEVICES_DEFAULTS } from "../../rules";
import type { CliArgs } from "./args";
import { CommandError, EXIT_OK, EXIT_USAGE, type ExitCode } from "./commandError";
import { terminalProgress, type ProgressSink } from "./progress";

const NAME = "defender-isolation";
const DURATION = /^(\d{1,4})(m|h|d)$/;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
// eslint-disable-next-line no-control-regex -- control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

interface ProposeIo {
    cwd: string;
    stdout: ProgressSink;
    stderr: ProgressSink;
}

interface Checked {
    entries: SelectEntry[];
    expiresAt?: string;
    /** The file to create, or undefined for stdout. */
    target?: string;
    /** The folder whose incident ids must not include the new one. */
    folder?: string;
}

const oneLineProblem = (flag: string, value: string, max: number): string | undefined => {
    if (value.trim() === "") return `--${flag} is empty`;
    if (CONTROL.test(value)) return `--${flag} must be one line, without control characters`;
    if (value.trim().length > max) return `--${flag} is ${value.trim().length} characters long: shorten it to at most ${max}`;
    return undefined;
};

/** Every flag and the target, checked before any request: the entries to resolve, or every problem. */
function checkPropose(args: CliArgs, cwd: string, now: Date): Checked {
    const problems: string[] = [];
    const entries: SelectEntry[] = [];
    let type: IsolationType = "Full";
    if (args.isolationType !== undefined) {
        if ((ISOLATION_TYPES as readonly string[]).includes(args.isolationType)) type = args.isolationType as IsolationType;
        else problems.push(`--isolation-type must be one of ${ISOLATION_TYPES.join(", ")}; got ${JSON.stringify(args.isolationType)}`);
    }
    const entry = (criteria: Criteria) => entries.push({ criteria, isolationType: type, path: `select[${entries.length}]`, line: 1 });
    for (const a of args.alerts) {
        const p = alertIdProblem(a, "--alert");
        if (p) problems.push(p);
        else entry({ alert: a });
    }
    if (args.incident !== undefined) {
        const p = xdrIncidentIdProblem(args.incident, "--incident");
        if (p) problems.push(`${p}; for propose, --incident is Defender's incident number, and the incident file's id is --id`);
        else entry({ defenderIncident: args.incident });
    }
    const machine: Criteria = {};
    for (const key of ["tag", "group"] as const) {
        const v = args[key];
        if (v === undefined) continue;
        const p = oneLineProblem(key, v, 200);
        if (p) problems.push(p);
        else machine[key] = v;
    }
    if (args.name !== undefined) {
        const p = namePatternProblem(args.name);
        if (p) problems.push(`--name ${p.message}: ${p.fix}`);
        else machine.name = args.name;
    }
    for (const [flag, key] of [
        ["ip", "ip"],
        ["external-ip", "externalIp"],
    ] as const) {
        const v = args[key];
        if (v === undefined) continue;
        const r = parseIpRange(v);
        if (!r.ok) problems.push(`--${flag} ${r.message}: ${r.fix}`);
        else machine[key] = r.range;
    }
    if (Object.keys(machine).length > 0) entry(machine);
    if (entries.length === 0 && problems.length === 0) {
        problems.push("propose needs what to isolate: --alert <id>, --incident <number>, or selector flags (--tag, --group, --name, --ip, --external-ip)");
    }
    if (args.id !== undefined && !INCIDENT_ID_PATTERN.test(args.id)) {
        problems.push(
            `--id must be letters, digits, '-', '_', '.' or '#', starting with a letter or digit (at most 64), e.g. INC-924601; got ${JSON.stringify(args.id)}`,
        );
    }
    if (args.id === undefined && args.alerts.length === 0 && args.incident === undefined) {
        problems.push("--id is required with selector flags alone (an alert or a Defender incident gives INC-<its incident number>), e.g. --id INC-3001");
    }
    const title = args.title === undefined ? undefined : oneLineProblem("title", args.title, MAX_TITLE_LENGTH);
    if (title) problems.push(title);
    const comment = args.comment === undefined ? undefined : oneLineProblem("comment", args.comment, MAX_DEVICE_COMMENT_LENGTH);
    if (comment) problems.push(comment);

    let expiresAt: string | undefined;
    if (args.expiresIn !== undefined && args.expiresAt !== undefined) problems.push("--expires-in and --expires-at exclude each other: give one of them");
    else if (args.expiresIn !== undefined) {
        const m = DURATION.exec(args.expiresIn);
        if (!m || Number(m[1]) === 0) problems.push(`--expires-in must be a duration such as 90m, 72h or 7d; got ${JSON.stringify(args.expiresIn)}`);
        else expiresAt = new Date(now.getTime() + Number(m[1]) * UNIT_MS[m[2]]).toISOString().replace(/\.\d{3}Z$/, "Z");
    } else if (args.expiresAt !== undefined) {
        const t = parseTimestamp(args.expiresAt);
        if (!t.ok) problems.push(`--expires-at ${t.message}: ${t.fix}`);
        else if (t.time.getTime() <= now.getTime())
            problems.push(`--expires-at is not in the future (${args.expiresAt}): the incident would be closed at once`);
        else expiresAt = args.expiresAt;
    }

    const out: Checked = { entries, ...(expiresAt !== undefined ? { expiresAt } : {}) };
    if (args.incidents !== undefined) {
        const dir = path.resolve(cwd, args.incidents);
        if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) problems.push(`--incidents ${args.incidents}: no such folder`);
        else out.folder = dir;
    }
    if (args.out !== undefined) {
        const target = path.resolve(cwd, args.out);
        if (fs.existsSync(target)) problems.push(`--out ${args.out} exists: propose never overwrites; choose another file name`);
        else if (!fs.existsSync(path.dirname(target))) problems.push(`--out ${args.out}: the folder ${path.dirname(target)} does not exist`);
        else if (!INCIDENT_FILE.test(target))
            problems.push(`--out ${args.out}: an incident file's name ends with .yaml or .yml (the program reads only those)`);
        out.target = target;
        out.folder ??= path.dirname(target);
    }
    if (out.folder !== undefined && args.id !== undefined) {
        const clash = sameIdIn(out.folder, args.id);
        if (clash) problems.push(`${clash} already declares incident ${args.id}: choose another --id, or add the devices to that file`);
    }
    if (problems.length > 0) throw new CommandError(problems.join("\n  "), EXIT_USAGE);
    return out;
}

/** The file of `folder` that declares incident `id` (case-insensitive), if any. */
function sameIdIn(folder: string, id: string): string | undefined {
    for (const name of fs.readdirSync(folder).filter((n) => INCIDENT_FILE.test(n) && !n.startsWith("."))) {
        const file = path.join(folder, name);
        let text: string;
        try {
            text = fs.readFileSync(file, "utf8");
        } catch {
            continue;
        }
        if (parseIncidentFile(text, name).declaredId?.id.toLowerCase() === id.toLowerCase()) return file;
    }
    return undefined;
}

export async function runPropose(args: CliArgs, settings: DefenderClientOptions, io: ProposeIo, now: Date): Promise<ExitCode> {
    const say = (line: string) => io.stderr.write(`${NAME}: ${line}\n`);
    const checked = checkPropose(args, io.cwd, now);
    const request: Incident = {
        id: args.id ?? "proposal",
        title: "proposal",
        devices: [],
        file: "the command line",
        line: 1,
        selection: { select: checked.entries, exclude: [], whenDeselected: "keep" },
    };
    const progress = terminalProgress(io.stderr);
    let reads;
    try {
        const client = createDefenderClient({ ...settings, onEvent: (e) => progress.onClient(e) });
        reads = await readSelectors([request], new Map(), client);
    } finally {
        progress.done();
    }
    if (reads.problems.length > 0) {
        const flag = (p: string | undefined) => (p?.endsWith(".alert") ? "--alert" : "--incident");
        throw new CommandError(
            reads.problems.map((p) => `${flag(p.path)}: ${formatProblem({ ...p, file: "", line: undefined, path: undefined }).trim()}`).join("\n  "),
            EXIT_USAGE,
        );
    }
    const { selections } = resolveSelections([request], reads, new Map(), { protectedTags: PROTECTED_DEVICES_DEFAULTS.protectedTags });
    const selection = selections.get(request.id);
    if (!selection) throw new Error("the selection was not resolved (a bug)");
    const alerts = args.alerts.map((a) => reads.alerts.get(a.toLowerCase())).filter((a) => a !== undefined);
    const xdrIncidents = args.incident !== undefined && reads.xdrIncidents.has(args.incident) ? [reads.xdrIncidents.get(args.incident)!] : [];
    const id = proposedId({ id: args.id, alerts, xdrIncidents });
    if (id === undefined)
        throw new CommandError(
            "the alert belongs to no Defender incident, so the incident file's id cannot be derived: give one with --id INC-1234",
            EXIT_USAGE,
        );
    const target = checked.target ?? (checked.folder !== undefined ? path.join(checked.folder, `${id.toLowerCase()}.yaml`) : undefined);
    if (checked.folder !== undefined && args.id === undefined) {
        const clash = sameIdIn(checked.folder, id);
        if (clash) throw new CommandError(`${clash} already declares incident ${id}: choose another --id, or add the devices to that file`, EXIT_USAGE);
    }

    const proposal = proposeIncident({
        entries: checked.entries,
        selection,
        alerts,
        xdrIncidents,
        id,
        ...(args.title !== undefined ? { title: args.title.trim() } : {}),
        ...(args.comment !== undefined ? { comment: args.comment.trim() } : {}),
        ...(checked.expiresAt !== undefined ? { expiresAt: checked.expiresAt } : {}),
        live: args.live,
        now,
    });
    if (proposal.text !== undefined && target !== undefined) {
        try {
            fs.writeFileSync(target, proposal.text, { flag: "wx", mode: 0o644 }); // wx: created here, never over a file that appeared meanwhile
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code === "EEXIST")
                throw new CommandError(`${target} exists: propose never overwrites; choose another file name`, EXIT_USAGE);
            throw e;
        }
    }
    const shown = target === undefined ? undefined : path.relative(io.cwd, target) || target;
    if (args.format === "json") {
        io.stdout.write(
            `${JSON.stringify({ file: proposal.text !== undefined ? (shown ?? null) : null, ...proposal, text: proposal.text ?? null }, null, 2)}\n`,
        );
    } else if (proposal.text !== undefined && target === undefined) {
        io.stdout.write(proposal.text);
    }
    proposal.leftOut.forEach((l) => say(`left out ${l.computerDnsName ?? "?"} (${l.machineId}): ${l.reason}`));
    proposal.unmanaged.forEach((n) => say(`not managed by Defender for Endpoint, cannot be isolated here: ${n}`));
    if (proposal.text === undefined) {
        say("no device to isolate: no incident file written");
        return EXIT_OK;
    }
    const n = proposal.devices.length;
    const what = args.live ? `selects ${n} device${n === 1 ? "" : "s"} now (resolved again on every run)` : `declares ${n} device${n === 1 ? "" : "s"}`;
    say(`${proposal.incident} ${what}${shown ? ` in ${shown}` : ""}; commit it on a branch and open a pull request: its preview shows what merging isolates`);
    return EXIT_OK;
}
