/**
 * A stack's state, read with the Pulumi CLI (`pulumi stack export --stack <name>`, run in the current
 * directory with the user's environment, so the backend, login and project are the user's own).
 * The CLI is PULUMI_CLI when set, else `pulumi` on PATH. The state is only read: nothing is changed.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { quote } from "../../base/text";
import { CommandError, EXIT_FAILED, EXIT_USAGE } from "./commandError";

const EXPORT_TIMEOUT_MS = 120_000;
const MAX_EXPORT_BYTES = 512 * 1024 * 1024;

/** The CLI to run; when there is none, a usage error that says how to provide one. */
export function findPulumiCli(env: NodeJS.ProcessEnv): string {
    const given = env.PULUMI_CLI?.trim();
    if (given) {
        if (!isExecutable(given))
            throw new CommandError(
                `PULUMI_CLI is ${quote(given, 200)}, which is not an executable file: point it at the pulumi binary, or unset it to use 'pulumi' from PATH`,
                EXIT_USAGE,
            );
        return given;
    }
    const exe = process.platform === "win32" ? ["pulumi.exe", "pulumi.cmd"] : ["pulumi"];
    for (const dir of (env.PATH ?? "").split(path.delimiter).filter((d) => d !== "")) {
        for (const name of exe) {
            const candidate = path.join(dir, name);
            if (isExecutable(candidate)) return candidate;
        }
    }
    throw new CommandError(
        "--stack needs the Pulumi CLI to read the stack's state, and none was found: install it (https://www.pulumi.com/docs/install/) or set PULUMI_CLI to its path; --incidents works without it",
        EXIT_USAGE,
    );
}

/** What `pulumi stack export --stack <stack>` prints. */
export function exportStack(cli: string, stack: string, env: NodeJS.ProcessEnv, cwd: string = process.cwd()): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(
            cli,
            ["stack", "export", "--stack", stack],
            { cwd, env, timeout: EXPORT_TIMEOUT_MS, maxBuffer: MAX_EXPORT_BYTES, windowsHide: true },
            (error, stdout, stderr) => {
                if (!error) return resolve(stdout);
                const e = error as NodeJS.ErrnoException & { killed?: boolean; code?: string | number };
                if (e.code === "ENOENT" || e.code === "EACCES")
                    return reject(new CommandError(`the Pulumi CLI ${cli} could not be started (${e.code}): set PULUMI_CLI to the pulumi binary`, EXIT_USAGE));
                const said = String(stderr).trim().split("\n").slice(-3).join(" / ").slice(0, 500);
                const why = e.killed ? `did not finish within ${EXPORT_TIMEOUT_MS / 1000} s` : `exited with code ${String(e.code)}`;
                reject(new CommandError(`'pulumi stack export --stack ${stack}' ${why}${said ? `: ${said}` : ""}`, EXIT_FAILED));
            },
        );
    });
}

function isExecutable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}
