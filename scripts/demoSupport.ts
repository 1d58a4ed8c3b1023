/**
 * The testable parts of the demo: finding the Pulumi CLI, the environment and stack config commands
 * it runs with, and the device table it prints. No process is started here.
 */
import * as fs from "fs";
import * as path from "path";

export interface PulumiCli {
    /** The executable to spawn. */
    command: string;
    /** Arguments before pulumi's own (the npm package's launcher when run through node). */
    args: string[];
    /** Where it was found, for the demo's first line. */
    source: string;
}

/** File system questions findPulumiCli asks; injectable for tests. */
export interface CliProbe {
    isExecutable(file: string): boolean;
    isFile(file: string): boolean;
    listDir(dir: string): string[];
    readText(file: string): string | undefined;
}

export const fileProbe: CliProbe = {
    isExecutable: (file) => {
        try {
            fs.accessSync(file, fs.constants.X_OK);
            return fs.statSync(file).isFile();
        } catch {
            return false;
        }
    },
    isFile: (file) => {
        try {
            return fs.statSync(file).isFile();
        } catch {
            return false;
        }
    },
    listDir: (dir) => {
        try {
            return fs.readdirSync(dir);
        } catch {
            return [];
        }
    },
    readText: (file) => {
        try {
            return fs.readFileSync(file, "utf8");
        } catch {
            return undefined;
        }
    },
};

export interface CliSearch {
    env: NodeJS.ProcessEnv;
    home: string;
    repoRoot: string;
    /** The node binary, to run the npm package's launcher. */
    execPath: string;
    /** @default process.platform */
    platform?: NodeJS.Platform;
}

function compareVersions(a: string, b: string): number {
    const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
    const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
    }
    return 0;
}

/**
 * The Pulumi CLI, looked for where its installers put it, real binaries first:
 * 1. `pulumi` on PATH (outside node_modules);
 * 2. `~/.pulumi/bin/pulumi` (the install script's folder, often not on PATH);
 * 3. a binary the `pulumi` npm package already downloaded into npm's cache (`_pulumi/<version>/bin`), newest first;
 * 4. the `pulumi` npm package in this repository's node_modules (downloads the CLI on first use);
 * 5. `pulumi` on PATH inside a node_modules folder (the same launcher, installed elsewhere).
 */
export function findPulumiCli(search: CliSearch, probe: CliProbe = fileProbe): PulumiCli | undefined {
    const platform = search.platform ?? process.platform;
    const exe = platform === "win32" ? "pulumi.exe" : "pulumi";
    const delimiter = platform === "win32" ? ";" : ":";
    const dirs = (search.env.PATH ?? "").split(delimiter).filter((d) => d !== "");
    const launchers: string[] = [];
    for (const dir of dirs) {
        const file = path.join(dir, exe);
        if (!probe.isExecutable(file)) continue;
        if (dir.split(/[\\/]/).includes("node_modules")) launchers.push(file);
        else return { command: file, args: [], source: "PATH" };
    }
    const installed = path.join(search.home, ".pulumi", "bin", exe);
    if (probe.isExecutable(installed)) return { command: installed, args: [], source: "~/.pulumi/bin" };

    const cache = path.join(search.env.npm_config_cache || path.join(search.home, ".npm"), "_pulumi");
    const versions = probe.listDir(cache).filter((v) => /^\d+\.\d+\.\d+/.test(v)).sort(compareVersions).reverse();
    for (const v of versions) {
        const file = path.join(cache, v, "bin", exe);
        if (probe.isExecutable(file)) return { command: file, args: [], source: `npm cache (pulumi ${v})` };
    }

    const pkg = path.join(search.repoRoot, "node_modules", "pulumi");
    const manifest = probe.readText(path.join(pkg, "package.json"));
    if (manifest !== undefined && probe.isFile(path.join(pkg, "run.js"))) {
        try {
            if ((JSON.parse(manifest) as { name?: unknown }).name === "pulumi") {
                return { command: search.execPath, args: [path.join(pkg, "run.js")], source: "the pulumi npm package (node_modules/pulumi)" };
            }
        } catch { /* not the package we look for */ }
    }
    if (launchers.length > 0) return { command: launchers[0], args: [], source: "PATH (npm launcher)" };
    return undefined;
}

export const NO_CLI_EXIT_CODE = 2;

export const NO_CLI_MESSAGE = [
    "The demo needs the Pulumi CLI, and it was not found: not on PATH, not in ~/.pulumi/bin, not in npm's",
    "cache of the 'pulumi' package, not in node_modules/pulumi.",
    "Install it with one of these, then run 'npm run demo' again:",
    "  curl -fsSL https://get.pulumi.com | sh      (installs into ~/.pulumi/bin)",
    "  brew install pulumi/tap/pulumi",
    "  npm install --global pulumi                 (a launcher that downloads the CLI on first use)",
    "See https://www.pulumi.com/docs/install/",
].join("\n");

/** Not a secret: it encrypts the throwaway demo stack's state on this machine. */
export const DEMO_PASSPHRASE = "demo-only-not-a-secret";

/** Variables that would send the demo somewhere else than the local emulator and state folder. */
const DROPPED = /^(PULUMI_ACCESS_TOKEN|PULUMI_BACKEND_URL|PULUMI_CONFIG_PASSPHRASE_FILE|AZURE_[A-Z_]*|IDENTITY_ENDPOINT|MSI_ENDPOINT)$/;

/**
 * The environment of every pulumi command: a local state folder, the passphrase of the throwaway
 * stack, the emulator's CA for the provider host (read by Node at start-up), no update check, and the
 * CLI's folder first on PATH so the language host installed next to it is found.
 */
export function demoEnv(base: NodeJS.ProcessEnv, o: { backendDir: string; caCertPath?: string; cli: PulumiCli; platform?: NodeJS.Platform }): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(base)) if (!DROPPED.test(k)) env[k] = v;
    const delimiter = (o.platform ?? process.platform) === "win32" ? ";" : ":";
    const cliDir = path.dirname(o.cli.args[0] ? o.cli.args[0] : o.cli.command);
    env.PATH = [cliDir, base.PATH].filter(Boolean).join(delimiter);
    env.PULUMI_BACKEND_URL = `file://${o.backendDir.split(path.sep).join("/")}`;
    env.PULUMI_CONFIG_PASSPHRASE = DEMO_PASSPHRASE;
    env.PULUMI_SKIP_UPDATE_CHECK = "true";
    env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION = "true";
    if (o.caCertPath) env.NODE_EXTRA_CA_CERTS = o.caCertPath;
    else delete env.NODE_EXTRA_CA_CERTS;
    return env;
}

export interface DemoCredentials {
    tenantId: string;
    clientId: string;
    clientSecret: string;
}

export interface CliCommand {
    args: string[];
    /** Written to the command's stdin: how the secret travels, never on a command line. */
    stdin?: string;
}

/** `pulumi config set` commands for the demo stack: the provider pointed at the emulator. */
export function stackConfigCommands(o: { stack: string; configFile: string; emulatorUrl: string; credentials: DemoCredentials; pollIntervalSeconds: number }): CliCommand[] {
    const set = (key: string, value: string): CliCommand => ({ args: ["config", "set", "--stack", o.stack, "--config-file", o.configFile, key, value] });
    return [
        set("defender:apiBaseUrl", o.emulatorUrl),
        set("defender:authorityHost", o.emulatorUrl),
        set("defender:tenantId", o.credentials.tenantId),
        set("defender:clientId", o.credentials.clientId),
        { args: ["config", "set", "--stack", o.stack, "--config-file", o.configFile, "--secret", "defender:clientSecret"], stdin: o.credentials.clientSecret },
        set("defender:pollIntervalSeconds", String(o.pollIntervalSeconds)),
    ];
}

/** The flags every stack command of the demo carries. */
export function stackFlags(stack: string, configFile: string): string[] {
    return ["--stack", stack, "--config-file", configFile, "--non-interactive"];
}

/** A device as the demo's table shows it (the emulator's control view has these fields). */
export interface TableMachine {
    id: string;
    computerDnsName: string;
    osPlatform: string;
    online?: boolean;
    machineTags: string[];
    isolation: { isolated: boolean; isolationType: string | null };
}

/** A plain-text table, one device per line, isolated devices marked. */
export function renderDeviceTable(machines: readonly TableMachine[]): string {
    const rows = [...machines]
        .sort((a, b) => a.computerDnsName.localeCompare(b.computerDnsName) || a.id.localeCompare(b.id))
        .map((m) => [
            m.isolation.isolated ? `ISOLATED (${m.isolation.isolationType ?? "?"})` : "-",
            m.computerDnsName,
            m.id.slice(0, 12),
            m.osPlatform,
            m.online === false ? "offline" : "online",
            m.machineTags.join(",") || "-",
        ]);
    const header = ["isolation", "device", "id", "platform", "sensor", "tags"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
    return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
