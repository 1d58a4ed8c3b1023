/**
 * The command line of `defender-isolation`, as data: argv in, the command and its options out, or
 * every problem at once, each naming the flag and the fix. Pure: no network, no file system.
 */
import { parseArgs } from "node:util";
import { quote } from "../../base/text";
import { dnsNameProblem, machineIdProblem } from "../../defender";

export type Command = "status" | "export" | "help";
export type Format = "table" | "json" | "markdown";

export interface CliArgs {
    command: Command;
    /** 40-hex ids (lower-cased) and DNS names (lower-cased) given with --machine. */
    machineIds: string[];
    machineNames: string[];
    incidents?: string;
    stack?: string;
    format: Format;
    /** Endpoint flags, as typed (validated with the client's options). */
    cloud?: string;
    apiBaseUrl?: string;
    authorityHost?: string;
    scope?: string;
    /** export only. */
    incident?: string;
    title?: string;
    out?: string;
    force: boolean;
}

export const USAGE = `usage: defender-isolation <command> [options]

Which devices are isolated in Microsoft Defender for Endpoint right now. Reads only: nothing is
ever isolated or released by this command.

commands:
  status                   every device with an Isolate or Unisolate action: its state (isolated,
                           isolating, releasing, released), type, since when, the action, who
                           requested it and from where, any pending action
  export --incident <ID>   an incident file declaring every device isolated or being isolated now;
                           'pulumi up' on it adopts those isolations without sending an isolate
  help                     this text

options:
  --machine <id|name>      only this device: its 40-hex id or its DNS name (repeatable)
  --incidents <dir>        mark each device declared or not by this incident folder, and report drift
  --stack <name>           the same against a Pulumi stack's state (read with 'pulumi stack export';
                           the CLI is PULUMI_CLI, else 'pulumi' on PATH)
  --json | --markdown      status as JSON (for machines) or Markdown (for a ticket or a PR); default a table
  --title <text>           export: the incident's title (one line)
  --out <file>             export: write the file there (refuses to overwrite without --force); default stdout
  --cloud <name>           Commercial (default), GCC, GCCHigh or DoD
  --api-base-url <url>     the Defender API, e.g. https://eu.api.security.microsoft.com
  --authority-host <url>   the Entra ID login host
  --scope <scope>          the token scope, ending with /.default

environment:
  AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET   an application's client secret; without
                           AZURE_CLIENT_SECRET, the ambient Azure credential (DefaultAzureCredential)
  NODE_EXTRA_CA_CERTS      a CA file to trust (a private CA, the emulator)

exit codes: 0 done, 1 Defender (or the Pulumi CLI) failed, 2 bad usage: flags, settings, incident files`;

const OPTIONS = {
    machine: { type: "string", multiple: true },
    incidents: { type: "string" },
    stack: { type: "string" },
    json: { type: "boolean" },
    markdown: { type: "boolean" },
    title: { type: "string" },
    incident: { type: "string" },
    out: { type: "string" },
    force: { type: "boolean" },
    cloud: { type: "string" },
    "api-base-url": { type: "string" },
    "authority-host": { type: "string" },
    scope: { type: "string" },
    help: { type: "boolean", short: "h" },
} as const;

const COMMANDS: readonly Command[] = ["status", "export", "help"];
const EXPORT_ONLY = ["incident", "title", "out", "force"] as const;

export function parseCliArgs(argv: readonly string[]): { ok: true; args: CliArgs } | { ok: false; problems: string[] } {
    let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
    try {
        parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    } catch (e) {
        return { ok: false, problems: [flagProblem(e instanceof Error ? e.message : String(e))] };
    }
    const { values: v, positionals } = parsed;
    const problems: string[] = [];
    const command = (v.help ? "help" : (positionals[0] ?? "help")) as Command;
    if (!COMMANDS.includes(command)) problems.push(`unknown command '${positionals[0]}': use status, export or help`);
    if (positionals.length > 1) problems.push(`unexpected argument '${positionals[1]}': flags start with --, and only one command is given`);

    const args: CliArgs = { command, machineIds: [], machineNames: [], format: v.json ? "json" : v.markdown ? "markdown" : "table", force: v.force === true };
    if (v.json && v.markdown) problems.push("--json and --markdown exclude each other: give one of them");
    if (command === "export" && (v.json || v.markdown)) problems.push("export writes an incident file (YAML): --json and --markdown are for status");
    if (command === "status") {
        for (const key of EXPORT_ONLY) if (v[key] !== undefined) problems.push(`--${key} is an option of export, not of status`);
    }
    for (const raw of v.machine ?? []) {
        const m = raw.trim();
        if (machineIdProblem(m) === undefined) args.machineIds.push(m.toLowerCase());
        else if (/^[0-9a-f]{30,50}$/i.test(m) || dnsNameProblem(m) !== undefined) {
            problems.push(`--machine must be a device id (40 hexadecimal characters) or its DNS name such as fin-lt-042.contoso.com; got ${quote(raw)}`);
        } else args.machineNames.push(m.toLowerCase());
    }
    const text = (key: "incidents" | "stack" | "title" | "incident" | "out" | "cloud" | "api-base-url" | "authority-host" | "scope") => {
        const value = v[key];
        if (value === undefined) return undefined;
        if (value.trim() === "" && key !== "title") problems.push(`--${key} needs a value`);
        return value;
    };
    const set = <K extends keyof CliArgs>(key: K, value: CliArgs[K] | undefined) => {
        if (value !== undefined) args[key] = value;
    };
    set("incidents", text("incidents"));
    set("stack", text("stack"));
    set("title", text("title"));
    set("incident", text("incident")?.trim());
    set("out", text("out"));
    set("cloud", text("cloud"));
    set("apiBaseUrl", text("api-base-url"));
    set("authorityHost", text("authority-host"));
    set("scope", text("scope"));
    if (args.stack !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._\-/]{0,199}$/.test(args.stack)) {
        problems.push(`--stack must be a stack name such as dev or org/project/dev (letters, digits, '.', '_', '-', '/'); got ${quote(args.stack)}`);
    }
    return problems.length > 0 ? { ok: false, problems } : { ok: true, args };
}

/** node:util's parse errors, in this command's words. */
function flagProblem(message: string): string {
    const unknown = /Unknown option '([^']+)'/.exec(message);
    if (unknown) return `unknown option '${unknown[1]}'; see 'defender-isolation help' for the options`;
    const missing = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(message);
    if (missing) return `${missing[1]} needs a value`;
    const ambiguous = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument is ambiguous/.exec(message);
    if (ambiguous) return `${ambiguous[1]} needs a value (one that starts with '-' is written ${ambiguous[1]}=<value>)`;
    const notString = /Option '(?:-\w, )?(--[\w-]+)[^']*' does not take an argument/.exec(message);
    if (notString) return `${notString[1]} takes no value`;
    return message;
}
