/**
 * The incident folder: every `*.yaml` / `*.yml` file directly in it is one incident. Read as a whole,
 * never in part: the caller declares nothing when any problem is found, because a half-read folder
 * would release the devices of the incidents it missed.
 *
 * - Files whose name starts with "." and sub-folders are not read (so `closed/` can hold closed incidents).
 * - A missing or unreadable folder is always a problem. A folder without any incident file is a problem
 *   unless `allowEmpty` is set: an empty checkout, a wrong path or a bad merge must not release every device.
 */
import * as fs from "fs";
import * as path from "path";
import { parseIncidentFile, MAX_FILE_BYTES, type Incident } from "./incidentFile";
import type { IncidentProblem } from "./problems";

export interface IncidentFolderOptions {
    /** Accept a folder with no incident file (declares no device, so `pulumi up` releases every device). @default false */
    allowEmpty?: boolean;
    /** Paths in messages are shown relative to this folder when inside it. @default process.cwd() */
    displayRoot?: string;
}

export interface IncidentFolder {
    /** The folder as shown in messages. */
    folder: string;
    /** Incident files read, as shown in messages, sorted. */
    files: string[];
    /** Valid incidents, in file order. Use them only when `problems` is empty. */
    incidents: Incident[];
    problems: IncidentProblem[];
}

export const INCIDENT_FILE = /\.ya?ml$/i;

/** `examples/incidents/inc-2031.yaml` when under the root, else the absolute path. */
export function displayPath(absolute: string, root: string): string {
    const rel = path.relative(root, absolute);
    return rel === "" ? "." : rel.startsWith("..") || path.isAbsolute(rel) ? absolute : rel.split(path.sep).join("/");
}

/** Reads and validates every incident file of `dir` (relative paths resolve against the working directory). */
export function loadIncidentFolder(dir: string, options: IncidentFolderOptions = {}): IncidentFolder {
    const root = options.displayRoot ?? process.cwd();
    const abs = path.resolve(dir);
    const folder = displayPath(abs, root);
    const result: IncidentFolder = { folder, files: [], incidents: [], problems: [] };
    const folderProblem = (message: string, fix: string) => result.problems.push({ file: folder, message, fix });

    let names: string[];
    try {
        if (!fs.statSync(abs).isDirectory()) {
            folderProblem(
                "is not a folder",
                "set incidentsDir to the folder that holds the incident files: pulumi config set incidentsDir incidents (your folder)",
            );
            return result;
        }
        names = fs.readdirSync(abs);
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOENT") {
            folderProblem(
                `does not exist (looked for ${abs})`,
                "set incidentsDir to the folder that holds the incident files, relative to the project folder: pulumi config set incidentsDir incidents (your folder)",
            );
        } else {
            folderProblem(`cannot be read (${code ?? "error"})`, "check the folder's permissions");
        }
        return result;
    }

    const ids = new Map<string, { id: string; file: string; line: number }[]>();
    const files = names.filter((n) => INCIDENT_FILE.test(n) && !n.startsWith(".")).sort();
    for (const name of files) {
        const file = path.join(abs, name);
        const shown = displayPath(file, root);
        let stat: fs.Stats;
        try {
            stat = fs.statSync(file);
        } catch (e) {
            result.problems.push({
                file: shown,
                message: `cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`,
                fix: "restore the file or delete it",
            });
            continue;
        }
        if (!stat.isFile()) continue;
        result.files.push(shown);
        if (stat.size > MAX_FILE_BYTES) {
            result.problems.push({
                file: shown,
                message: `is ${stat.size} bytes, more than ${MAX_FILE_BYTES}`,
                fix: "keep one incident per file; an incident file is a few hundred bytes",
            });
            continue;
        }
        let text: string;
        try {
            text = fs.readFileSync(file, "utf8");
        } catch (e) {
            result.problems.push({
                file: shown,
                message: `cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`,
                fix: "check the file's permissions",
            });
            continue;
        }
        const parsed = parseIncidentFile(text, shown);
        result.problems.push(...parsed.problems);
        if (parsed.incident) result.incidents.push(parsed.incident);
        if (parsed.declaredId) {
            const key = parsed.declaredId.id.toLowerCase();
            ids.set(key, [...(ids.get(key) ?? []), { ...parsed.declaredId, file: shown }]);
        }
    }
    result.problems.push(...duplicateIds([...ids.values()]));

    if (result.files.length === 0 && !options.allowEmpty) {
        folderProblem(
            "holds no incident file (*.yaml, *.yml); declaring no device would release every device isolated by this stack",
            "check incidentsDir and the checkout; if every incident is closed and every device must be released, set allowEmpty: pulumi config set allowEmpty true",
        );
    }
    return result;
}

/** Incident ids are unique across the folder, ignoring case: each copy is reported, naming the others. */
function duplicateIds(groups: { id: string; file: string; line: number }[][]): IncidentProblem[] {
    const problems: IncidentProblem[] = [];
    for (const group of groups.filter((g) => g.length > 1)) {
        for (const at of group) {
            const others = group
                .filter((o) => o !== at)
                .map((o) => `${o.file}:${o.line}`)
                .join(", ");
            problems.push({
                file: at.file,
                line: at.line,
                path: "incident",
                message: `"${at.id}" is also the incident id in ${others}`,
                fix: "give each incident its own id, or merge the files into one",
            });
        }
    }
    return problems;
}
