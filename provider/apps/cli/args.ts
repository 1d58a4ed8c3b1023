/**
 * The command line of `defender-isolation`, as data: argv in, the command and its options out, or
 * every problem at once, each naming the flag and the fix. Pure: no network, no file system.
 */
import { parseArgs } from "node:util";
import { quote } from "../../base/text";
import { dnsNameProblem, machineIdProblem } from "../../defender";
import { didYouMean } from "../../incidents/problems";

export type Command = "status" | "export" | "propose" | "help" | "version";
export type Format = "table" | "json" | "markdown";

export interface CliArgs {
    command: Command;
    /** help: the command asked about (`help status`, `status --help`). */
    topic?: Topic;
    /** 40-hex ids (lower-cased) and DNS names (lower-cased) given with --machine. */
    machineIds: string[];
    machineNames: string[];
    incidents?: string;
    stack?: string;
    format: Format;
    /** The table in full, whatever the terminal's width. */
    wide: boolean;
    /** Endpoint flags, as typed (validated with the client's options). */
    cloud?: string;
    apiBaseUrl?: string;
    authorityHost?: string;
    scope?: string;
    /** export: the incident file's id; propose: the Defender XDR incident number. */
    incident?: string;
    title?: string;
    out?: string;
    force: boolean;
    /** propose only. */
    alerts: string[];
    tag?: string;
    group?: string;
    name?: string;
    ip?: string;
    externalIp?: string;
    id?: string;
    comment?: string;
    isolationType?: string;
    expiresIn?: string;
    expiresAt?: string;
    live: boolean;
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
  propose                  a new incident file isolating what an alert, a Defender incident or
                           selectors choose (--alert, --incident, --tag, --group, --name, --ip,
                           --external-ip): commit it on a branch, open a pull request, merge it
  help [command]           this text, or the options of one command ('help status')

options:
  --machine <id|name>      only this device: its 40-hex id or its DNS name (repeatable)
  --incidents <dir>        mark each device declared or not by this incident folder, and report drift
  --stack <name>           the same against a Pulumi stack's state (read with 'pulumi stack export';
                           the CLI is PULUMI_CLI, else 'pulumi' on PATH)
  --json | --markdown      status as JSON (for machines) or Markdown (for a ticket or a PR); default a table
  --wide                   status: the table with every column in full (default: fitted to the terminal)
  --title <text>           export, propose: the incident's title (one line)
  --out <file>             export, propose: write the file there (export refuses to overwrite without
                           --force; propose never overwrites); default stdout

propose options:
  --alert <id>             the device a Defender alert names (repeatable)
  --incident <number>      the devices of a Defender XDR incident's alerts
  --tag, --group <name>    devices carrying a machine tag, in a device group
  --name <pattern>         DNS names like fin-lt-*.contoso.com (* any run, ? one character)
  --ip, --external-ip <a>  lastIpAddress / lastExternalIpAddress in an address or CIDR range
                           (the selector flags of one command all apply to a device)
  --id <INC-…>             the incident file's id; default INC-<the Defender incident number>
  --comment <text>         each device's comment; default the alert that names it
  --isolation-type <type>  Full (default) or Selective
  --expires-in <n>h|<n>d   released on the first up after then; or --expires-at <ISO-8601 with zone>
  --live                   write the selectors themselves (resolved again on every run), not the
                           devices they choose now
  --incidents <dir>        propose: the incident folder: the file is <dir>/<id>.yaml unless --out,
                           and an incident with the same id there is refused
  --json                   propose: the proposal as JSON on stdout
  --cloud <name>           Commercial (default), GCC, GCCHigh or DoD
  --api-base-url <url>     the Defender API, e.g. https://eu.api.security.microsoft.com
  --authority-host <url>   the Entra ID login host
  --scope <scope>          the token scope, ending with /.default
  --version                the package's version
  -h, --help               this text ('status --help': the options of status)

environment:
  AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET   an application's client secret; without
                           AZURE_CLIENT_SECRET, the ambient Azure credential (DefaultAzureCredential)
  NODE_EXTRA_CA_CERTS      a CA file to trust (a private CA, the emulator)

exit codes: 0 done, 1 Defender (or the Pulumi CLI) failed, 2 bad usage: flags, settings, incident files`;

const CONNECTION = `  --cloud <name>           Commercial (default), GCC, GCCHigh or DoD
  --api-base-url <url>     the Defender API, e.g. https://eu.api.security.microsoft.com
  --authority-host <url>   the Entra ID login host
  --scope <scope>          the token scope, ending with /.default
  credentials: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET (without it, DefaultAzureCredential);
  NODE_EXTRA_CA_CERTS: a CA file to trust`;

/** The usage of one command: `help status`, `status --help`. */
export const COMMAND_USAGE: Record<Topic, string> = {
    status: `usage: defender-isolation status [options]

Every device with an Isolate or Unisolate action: its state (isolated, isolating, releasing,
released), type, since when, the action, who requested it and from where, any pending action.
Reads only.

  --machine <id|name>      only this device: its 40-hex id or its DNS name (repeatable)
  --incidents <dir>        mark each device declared or not by this incident folder, and report drift
  --stack <name>           the same against a Pulumi stack's state ('pulumi stack export'; PULUMI_CLI)
  --json                   JSON, the stable shape (docs/inventory.md)
  --markdown               Markdown, for a ticket or a pull request comment
  --wide                   the table with every column in full (default: fitted to the terminal)
${CONNECTION}

examples:
  defender-isolation status --incidents incidents/ --stack prod
  defender-isolation status --machine fin-lt-042.contoso.com --json

exit codes: 0 done, 1 Defender (or the Pulumi CLI) failed, 2 bad usage: flags, settings, incident files`,
    export: `usage: defender-isolation export --incident <ID> [options]

An incident file declaring every device isolated or being isolated now: 'pulumi up' on it adopts
those isolations without sending an isolate. Reads Defender only; writes one file.

  --incident <ID>          the incident's id, e.g. INC-3000 (required)
  --title <text>           the incident's title (one line)
  --out <file>             write the file there (refuses to overwrite without --force); default stdout
  --force                  replace --out if it exists
  --machine <id|name>      only this device (repeatable)
  --incidents <dir>        leave out devices this incident folder declares already
  --stack <name>           leave out devices this stack's state declares already
${CONNECTION}

example:
  defender-isolation export --incident INC-3000 --incidents incidents/ --out incidents/inc-3000.yaml

exit codes: 0 done, 1 Defender (or the Pulumi CLI) failed, 2 bad usage: flags, settings, incident files`,
    propose: `usage: defender-isolation propose [options]

A new incident file isolating what an alert, a Defender incident or selectors choose: commit it on a
branch, open a pull request, merge it. Reads Defender only; writes one file (never overwrites).

  --alert <id>             the device a Defender alert names (repeatable)
  --incident <number>      the devices of a Defender XDR incident's alerts
  --tag, --group <name>    devices carrying a machine tag, in a device group
  --name <pattern>         DNS names like fin-lt-*.contoso.com (* any run, ? one character)
  --ip, --external-ip <a>  lastIpAddress / lastExternalIpAddress in an address or CIDR range
                           (the selector flags of one command all apply to a device)
  --id <INC-…>             the incident file's id; default INC-<the Defender incident number>
  --title <text>           the incident's title (one line)
  --comment <text>         each device's comment; default the alert that names it
  --isolation-type <type>  Full (default) or Selective
  --expires-in <n>h|<n>d   released on the first up after then; or --expires-at <ISO-8601 with zone>
  --live                   write the selectors themselves (resolved again on every run), not the
                           devices they choose now
  --incidents <dir>        the incident folder: the file is <dir>/<id>.yaml unless --out, and an
                           incident with the same id there is refused
  --out <file>             write the file there (never overwrites); default stdout
  --json                   the proposal as JSON on stdout
${CONNECTION}

example:
  defender-isolation propose --alert da638700000000000001_1111111111 --incidents incidents

exit codes: 0 done, 1 Defender (or the Pulumi CLI) failed, 2 bad usage: flags, settings, incident files`,
};

const OPTIONS = {
    machine: { type: "string", multiple: true },
    incidents: { type: "string" },
    stack: { type: "string" },
    json: { type: "boolean" },
    markdown: { type: "boolean" },
    wide: { type: "boolean" },
    title: { type: "string" },
    incident: { type: "string" },
    out: { type: "string" },
    force: { type: "boolean" },
    alert: { type: "string", multiple: true },
    tag: { type: "string" },
    group: { type: "string" },
    name: { type: "string" },
    ip: { type: "string" },
    "external-ip": { type: "string" },
    id: { type: "string" },
    comment: { type: "string" },
    "isolation-type": { type: "string" },
    "expires-in": { type: "string" },
    "expires-at": { type: "string" },
    live: { type: "boolean" },
    cloud: { type: "string" },
    "api-base-url": { type: "string" },
    "authority-host": { type: "string" },
    scope: { type: "string" },
    help: { type: "boolean", short: "h" },
    version: { type: "boolean" },
} as const;

const COMMANDS: readonly Command[] = ["status", "export", "propose", "help"];
const TOPICS = ["status", "export", "propose"] as const;
export type Topic = (typeof TOPICS)[number];
const EXPORT_ONLY = ["incident", "title", "out", "force"] as const;
const PROPOSE_ONLY = ["alert", "tag", "group", "name", "ip", "external-ip", "id", "comment", "isolation-type", "expires-in", "expires-at", "live"] as const;

export function parseCliArgs(argv: readonly string[]): { ok: true; args: CliArgs } | { ok: false; problems: string[] } {
    let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
    try {
        parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    } catch (e) {
        return { ok: false, problems: [flagProblem(e instanceof Error ? e.message : String(e))] };
    }
    const { values: v, positionals } = parsed;
    const problems: string[] = [];
    const base = { machineIds: [], machineNames: [], format: "table" as const, wide: false, force: false, alerts: [], live: false };
    if (v.version) return { ok: true, args: { command: "version", ...base } };
    const named = positionals[0];
    if (named !== undefined && !COMMANDS.includes(named as Command)) {
        const hint = didYouMean(named, COMMANDS);
        return { ok: false, problems: [`unknown command '${named}': ${hint ? `did you mean '${hint}'? ` : ""}use status, export, propose or help`] };
    }
    // `help status` and `status --help` both ask for the options of status.
    if (v.help || named === undefined || named === "help") {
        const asked = named === "help" ? positionals[1] : named;
        if (asked === undefined || asked === "help") return { ok: true, args: { command: "help", ...base } };
        if ((TOPICS as readonly string[]).includes(asked)) return { ok: true, args: { command: "help", topic: asked as Topic, ...base } };
        return { ok: false, problems: [`'help ${asked}': there is no command '${asked}'; the commands are status, export and propose`] };
    }
    const command = named as Command;
    if (positionals.length > 1) problems.push(`unexpected argument '${positionals[1]}': flags start with --, and only one command is given`);

    const args: CliArgs = {
        command,
        machineIds: [],
        machineNames: [],
        format: v.json ? "json" : v.markdown ? "markdown" : "table",
        wide: v.wide === true,
        force: v.force === true,
        alerts: (v.alert ?? []).map((a) => a.trim()),
        live: v.live === true,
    };
    if (v.json && v.markdown) problems.push("--json and --markdown exclude each other: give one of them");
    if (command === "export" && (v.json || v.markdown || v.wide))
        problems.push("export writes an incident file (YAML): --json, --markdown and --wide are for status");
    if (command === "propose" && v.markdown)
        problems.push("propose writes an incident file (YAML): --markdown is for status; --json prints the proposal for machines");
    if (command === "propose" && v.wide) problems.push("propose writes an incident file (YAML): --wide is for the status table");
    if (v.wide && (v.json || v.markdown)) problems.push("--wide is for the table: --json and --markdown are never cut");
    if (command === "propose" && v.force) problems.push("propose never overwrites a file: choose another --out, or delete the file first");
    if (command === "propose" && v.machine !== undefined)
        problems.push("--machine is an option of status and export; propose chooses devices with --alert, --incident, --tag, --group, --name, --ip");
    if (command === "status") {
        for (const key of EXPORT_ONLY) if (v[key] !== undefined) problems.push(`--${key} is an option of export, not of status`);
    }
    if (command !== "propose") {
        for (const key of PROPOSE_ONLY) if (v[key] !== undefined) problems.push(`--${key} is an option of propose, not of ${command}`);
    }
    for (const raw of v.machine ?? []) {
        const m = raw.trim();
        if (machineIdProblem(m) === undefined) args.machineIds.push(m.toLowerCase());
        else if (/^[0-9a-f]{30,50}$/i.test(m) || dnsNameProblem(m) !== undefined) {
            problems.push(`--machine must be a device id (40 hexadecimal characters) or its DNS name such as fin-lt-042.contoso.com; got ${quote(raw)}`);
        } else args.machineNames.push(m.toLowerCase());
    }
    const text = (
        key:
            | "incidents"
            | "stack"
            | "title"
            | "incident"
            | "out"
            | "cloud"
            | "api-base-url"
            | "authority-host"
            | "scope"
            | "tag"
            | "group"
            | "name"
            | "ip"
            | "external-ip"
            | "id"
            | "comment"
            | "isolation-type"
            | "expires-in"
            | "expires-at",
    ) => {
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
    set("tag", text("tag")?.trim());
    set("group", text("group")?.trim());
    set("name", text("name")?.trim());
    set("ip", text("ip")?.trim());
    set("externalIp", text("external-ip")?.trim());
    set("id", text("id")?.trim());
    set("comment", text("comment"));
    set("isolationType", text("isolation-type")?.trim());
    set("expiresIn", text("expires-in")?.trim());
    set("expiresAt", text("expires-at")?.trim());
    if (args.stack !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._\-/]{0,199}$/.test(args.stack)) {
        problems.push(`--stack must be a stack name such as dev or org/project/dev (letters, digits, '.', '_', '-', '/'); got ${quote(args.stack)}`);
    }
    return problems.length > 0 ? { ok: false, problems } : { ok: true, args };
}

const FLAGS = Object.keys(OPTIONS).map((k) => `--${k}`);

/** node:util's parse errors, in this command's words. */
function flagProblem(message: string): string {
    const unknown = /Unknown option '([^']+)'/.exec(message);
    if (unknown) {
        const hint = unknown[1].startsWith("--")
            ? didYouMean(
                  unknown[1].slice(2),
                  FLAGS.map((f) => f.slice(2)),
              )
            : undefined;
        return `unknown option '${unknown[1]}'${hint ? `: did you mean '--${hint}'?` : ""}; see 'defender-isolation help' for the options`;
    }
    const missing = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(message);
    if (missing) return `${missing[1]} needs a value`;
    const ambiguous = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument is ambiguous/.exec(message);
    if (ambiguous) return `${ambiguous[1]} needs a value (one that starts with '-' is written ${ambiguous[1]}=<value>)`;
    const notString = /Option '(?:-\w, )?(--[\w-]+)[^']*' does not take an argument/.exec(message);
    if (notString) return `${notString[1]} takes no value`;
    return message;
}
