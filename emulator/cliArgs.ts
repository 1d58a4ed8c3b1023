// Command line → EmulatorOptions. Pure, so it is tested without starting a process.
import { Result, fail, ok } from "./base/result";
import { RateWindow } from "./base/runtimeOptions";
import { EmulatorOptions } from "./start/startOptions";

/** The CLI's port when --port is not given (the library default is 0, a free port). */
export const CLI_DEFAULT_PORT = 8443;

export interface CliCommand {
    options: EmulatorOptions;
    /** JSON/YAML file of EmulatorOptions; flags given on the command line win over it. */
    configFile?: string;
    /** JSON/YAML file with a list of { tenantId, clientId, clientSecret }. */
    clientsFile?: string;
    /** Print one line per API/token request (method, path, status, client id). */
    log: boolean;
    /** Print the start line as JSON ({"url","caCertPath"}). */
    json: boolean;
    help: boolean;
}

export const CLI_USAGE = `Usage: node dist/emulator/cli.js [options]   (npm run emulator -- [options])

Local Entra ID + Microsoft Defender for Endpoint API emulator on 127.0.0.1.

  --port <n>                 TCP port (default ${CLI_DEFAULT_PORT}; 0 = any free port)
  --http                     plain HTTP instead of HTTPS
  --tls-dir <dir>            CA directory (default .state/emulator-tls; CA reused if present)
  --tls-cert <file>          serve this certificate (with --tls-key) instead of a generated one
  --tls-key <file>           private key for --tls-cert
  --tls-ca <file>            CA file to report with --tls-cert
  --devices <file>           fleet from a JSON or YAML file (default: the built-in fleet)
  --generate-devices <n>     append n synthetic devices
  --config <file>            JSON/YAML file of emulator options (flags override it)
  --to-in-progress-ms <ms>   Pending -> InProgress delay (default 2000)
  --to-succeeded-ms <ms>     InProgress -> Succeeded delay (default 5000)
  --offline-timeout-ms <ms>  Pending on an offline device -> TimeOut (default 259200000 = 3 days)
  --token-lifetime <s>       access token lifetime in seconds (default 3600)
  --audience <scope|any>     accepted token scope; repeat for several (default https://api.securitycenter.microsoft.com/.default)
  --clients <file>           only these credentials get tokens (JSON/YAML list of tenantId, clientId, clientSecret)
  --duplicates <mode>        reject | returnExisting (default reject)
  --rate-limits <spec>       off, or windows like 100/60,1500/3600 (calls/seconds; default 100/60,1500/3600)
  --no-retry-after           omit Retry-After on 429
  --indexing-lag-ms <ms>     new actions missing from listings for this long (default 0)
  --merge-window-ms <ms>     merge identical requests within this window (default 0)
  --no-filter-in             reject 'in (...)' in $filter with 400 ODataError
  --max-page-size <n>        largest page of a listing (default 10000)
  --log                      print one line per request
  --json                     print the start line as JSON
  --help                     this text
`;

/** What the flags build up while the command line is read; checked as a whole at the end. */
interface Parse {
    cmd: CliCommand;
    tls: { certFile?: string; keyFile?: string; caFile?: string };
    audiences: string[];
    http: boolean;
    errors: string[];
}

function int(p: Parse, flag: string, v: string): number {
    if (!/^\d+$/.test(v)) p.errors.push(`${flag}: expects a non-negative integer, got "${v}"`);
    return Number(v);
}

function parseRateLimits(spec: string): RateWindow[] | false | null {
    if (spec === "off" || spec === "false" || spec === "none") return false;
    const windows = spec.split(",").map((part) => /^(\d+)\/(\d+)$/.exec(part.trim()));
    if (windows.some((m) => m === null)) return null;
    return windows.map((m) => ({ calls: Number((m as RegExpExecArray)[1]), perSeconds: Number((m as RegExpExecArray)[2]) }));
}

function rateLimitsFlag(p: Parse, v: string): void {
    const o = p.cmd.options;
    const r = parseRateLimits(v);
    if (r === null) p.errors.push(`--rate-limits: expects off or calls/seconds windows like 100/60,1500/3600, got "${v}"`);
    else if (r === false) o.rateLimits = false;
    else o.rateLimits = { ...(o.rateLimits || {}), windows: r };
}

/** Flags that take no value (what a handler returns is ignored). */
const SWITCHES = new Map<string, (p: Parse) => unknown>([
    ["--http", (p) => (p.http = true)],
    ["--no-retry-after", ({ cmd: { options: o } }) => (o.rateLimits = o.rateLimits === false ? false : { ...(o.rateLimits || {}), retryAfterHeader: false })],
    ["--no-filter-in", ({ cmd: { options: o } }) => (o.quirks = { ...o.quirks, filterInSupported: false })],
    ["--log", (p) => (p.cmd.log = true)],
    ["--json", (p) => (p.cmd.json = true)],
    ["--help", (p) => (p.cmd.help = true)],
    ["-h", (p) => (p.cmd.help = true)],
]);

/** Flags that take a value, as `--flag value` or `--flag=value`. */
const VALUE_FLAGS = new Map<string, (p: Parse, v: string, flag: string) => unknown>([
    ["--port", (p, v, flag) => (p.cmd.options.port = int(p, flag, v))],
    ["--tls-dir", (p, v) => (p.cmd.options.tlsDir = v)],
    ["--tls-cert", (p, v) => (p.tls.certFile = v)],
    ["--tls-key", (p, v) => (p.tls.keyFile = v)],
    ["--tls-ca", (p, v) => (p.tls.caFile = v)],
    ["--devices", ({ cmd: { options: o } }, v) => (o.fleet = { ...o.fleet, file: v })],
    ["--generate-devices", (p, v, flag) => (p.cmd.options.fleet = { ...p.cmd.options.fleet, generate: int(p, flag, v) })],
    ["--config", (p, v) => (p.cmd.configFile = v)],
    ["--to-in-progress-ms", (p, v, flag) => (p.cmd.options.actionDelays = { ...p.cmd.options.actionDelays, toInProgressMs: int(p, flag, v) })],
    ["--to-succeeded-ms", (p, v, flag) => (p.cmd.options.actionDelays = { ...p.cmd.options.actionDelays, toSucceededMs: int(p, flag, v) })],
    ["--offline-timeout-ms", (p, v, flag) => (p.cmd.options.offlineTimeoutMs = int(p, flag, v))],
    ["--token-lifetime", (p, v, flag) => (p.cmd.options.tokenLifetimeSeconds = int(p, flag, v))],
    ["--audience", (p, v) => p.audiences.push(v)],
    ["--clients", (p, v) => (p.cmd.clientsFile = v)],
    [
        "--duplicates",
        (p, v) => {
            if (v !== "reject" && v !== "returnExisting") p.errors.push(`--duplicates: expects reject or returnExisting, got "${v}"`);
            p.cmd.options.duplicates = v as "reject" | "returnExisting";
        },
    ],
    ["--rate-limits", (p, v) => rateLimitsFlag(p, v)],
    ["--indexing-lag-ms", (p, v, flag) => (p.cmd.options.quirks = { ...p.cmd.options.quirks, indexingLagMs: int(p, flag, v) })],
    ["--merge-window-ms", (p, v, flag) => (p.cmd.options.quirks = { ...p.cmd.options.quirks, mergeWindowMs: int(p, flag, v) })],
    ["--max-page-size", (p, v, flag) => (p.cmd.options.maxPageSize = int(p, flag, v))],
]);

/** What only the whole command line can tell: the audiences, and HTTP versus TLS files. */
function finish(p: Parse): void {
    const o = p.cmd.options;
    if (p.audiences.length > 0) o.audience = p.audiences;
    if (p.http && (Object.keys(p.tls).length > 0 || o.tlsDir !== undefined)) p.errors.push("--http: cannot be combined with --tls-* options");
    if (p.http) o.tls = false;
    else if (Object.keys(p.tls).length > 0) {
        if (p.tls.certFile === undefined || p.tls.keyFile === undefined) p.errors.push("--tls-cert and --tls-key: give both");
        o.tls = p.tls;
    }
}

export function parseCliArgs(argv: readonly string[]): Result<CliCommand> {
    const p: Parse = { cmd: { options: {}, log: false, json: false, help: false }, tls: {}, audiences: [], http: false, errors: [] };
    for (let i = 0; i < argv.length; i++) {
        let flag = argv[i];
        let value: string | undefined;
        const eq = flag.indexOf("=");
        if (flag.startsWith("--") && eq > 0) {
            value = flag.slice(eq + 1);
            flag = flag.slice(0, eq);
        }
        const onSwitch = SWITCHES.get(flag);
        const onValue = VALUE_FLAGS.get(flag);
        if (onSwitch) {
            if (value !== undefined) p.errors.push(`${flag}: takes no value`);
            onSwitch(p);
        } else if (onValue) {
            if (value === undefined) {
                value = argv[++i];
                if (value === undefined) {
                    p.errors.push(`${flag}: needs a value`);
                    break;
                }
            }
            onValue(p, value, flag);
        } else {
            p.errors.push(`${flag}: unknown option (see --help)`);
        }
    }
    finish(p);
    return p.errors.length > 0 ? fail(p.errors) : ok(p.cmd);
}
