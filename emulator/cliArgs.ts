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

const VALUE_FLAGS = new Set([
    "--port",
    "--tls-dir",
    "--tls-cert",
    "--tls-key",
    "--tls-ca",
    "--devices",
    "--generate-devices",
    "--config",
    "--to-in-progress-ms",
    "--to-succeeded-ms",
    "--offline-timeout-ms",
    "--token-lifetime",
    "--audience",
    "--clients",
    "--duplicates",
    "--rate-limits",
    "--indexing-lag-ms",
    "--merge-window-ms",
    "--max-page-size",
]);
const SWITCHES = new Set(["--http", "--no-retry-after", "--no-filter-in", "--log", "--json", "--help", "-h"]);

function parseRateLimits(spec: string): RateWindow[] | false | null {
    if (spec === "off" || spec === "false" || spec === "none") return false;
    const windows = spec.split(",").map((part) => /^(\d+)\/(\d+)$/.exec(part.trim()));
    if (windows.some((m) => m === null)) return null;
    return windows.map((m) => ({ calls: Number((m as RegExpExecArray)[1]), perSeconds: Number((m as RegExpExecArray)[2]) }));
}

export function parseCliArgs(argv: readonly string[]): Result<CliCommand> {
    const errors: string[] = [];
    const cmd: CliCommand = { options: {}, log: false, json: false, help: false };
    const o = cmd.options;
    const tls: { certFile?: string; keyFile?: string; caFile?: string } = {};
    const audiences: string[] = [];
    let http = false;
    const int = (flag: string, v: string): number => {
        if (!/^\d+$/.test(v)) errors.push(`${flag}: expects a non-negative integer, got "${v}"`);
        return Number(v);
    };
    for (let i = 0; i < argv.length; i++) {
        let flag = argv[i];
        let value: string | undefined;
        const eq = flag.indexOf("=");
        if (flag.startsWith("--") && eq > 0) {
            value = flag.slice(eq + 1);
            flag = flag.slice(0, eq);
        }
        if (SWITCHES.has(flag)) {
            if (value !== undefined) errors.push(`${flag}: takes no value`);
        } else if (VALUE_FLAGS.has(flag)) {
            if (value === undefined) {
                value = argv[++i];
                if (value === undefined) {
                    errors.push(`${flag}: needs a value`);
                    break;
                }
            }
        } else {
            errors.push(`${flag}: unknown option (see --help)`);
            continue;
        }
        const v = value as string;
        switch (flag) {
            case "--port":
                o.port = int(flag, v);
                break;
            case "--http":
                http = true;
                break;
            case "--tls-dir":
                o.tlsDir = v;
                break;
            case "--tls-cert":
                tls.certFile = v;
                break;
            case "--tls-key":
                tls.keyFile = v;
                break;
            case "--tls-ca":
                tls.caFile = v;
                break;
            case "--devices":
                o.fleet = { ...o.fleet, file: v };
                break;
            case "--generate-devices":
                o.fleet = { ...o.fleet, generate: int(flag, v) };
                break;
            case "--config":
                cmd.configFile = v;
                break;
            case "--to-in-progress-ms":
                o.actionDelays = { ...o.actionDelays, toInProgressMs: int(flag, v) };
                break;
            case "--to-succeeded-ms":
                o.actionDelays = { ...o.actionDelays, toSucceededMs: int(flag, v) };
                break;
            case "--offline-timeout-ms":
                o.offlineTimeoutMs = int(flag, v);
                break;
            case "--token-lifetime":
                o.tokenLifetimeSeconds = int(flag, v);
                break;
            case "--audience":
                audiences.push(v);
                break;
            case "--clients":
                cmd.clientsFile = v;
                break;
            case "--duplicates":
                if (v !== "reject" && v !== "returnExisting") errors.push(`--duplicates: expects reject or returnExisting, got "${v}"`);
                o.duplicates = v as "reject" | "returnExisting";
                break;
            case "--rate-limits": {
                const r = parseRateLimits(v);
                if (r === null) errors.push(`--rate-limits: expects off or calls/seconds windows like 100/60,1500/3600, got "${v}"`);
                else if (r === false) o.rateLimits = false;
                else o.rateLimits = { ...(o.rateLimits || {}), windows: r };
                break;
            }
            case "--no-retry-after":
                o.rateLimits = o.rateLimits === false ? false : { ...(o.rateLimits || {}), retryAfterHeader: false };
                break;
            case "--indexing-lag-ms":
                o.quirks = { ...o.quirks, indexingLagMs: int(flag, v) };
                break;
            case "--merge-window-ms":
                o.quirks = { ...o.quirks, mergeWindowMs: int(flag, v) };
                break;
            case "--no-filter-in":
                o.quirks = { ...o.quirks, filterInSupported: false };
                break;
            case "--max-page-size":
                o.maxPageSize = int(flag, v);
                break;
            case "--log":
                cmd.log = true;
                break;
            case "--json":
                cmd.json = true;
                break;
            case "--help":
            case "-h":
                cmd.help = true;
                break;
        }
    }
    if (audiences.length > 0) o.audience = audiences;
    if (http && (Object.keys(tls).length > 0 || o.tlsDir !== undefined)) errors.push("--http: cannot be combined with --tls-* options");
    if (http) o.tls = false;
    else if (Object.keys(tls).length > 0) {
        if (tls.certFile === undefined || tls.keyFile === undefined) errors.push("--tls-cert and --tls-key: give both");
        o.tls = tls;
    }
    return errors.length > 0 ? fail(errors) : ok(cmd);
}
