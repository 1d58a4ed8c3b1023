/**
 * The testable parts of the demo: the environment and stack config commands it runs the CLI with,
 * and the device table it prints. No process is started here.
 */
import * as path from "path";
import type { PulumiCli } from "./findCli";

/** Not a secret: it encrypts the throwaway demo stack's state on this machine. */
export const DEMO_PASSPHRASE = "demo-only-not-a-secret";

/** Variables that would send the demo somewhere else than the local emulator and state folder. */
const DROPPED = /^(PULUMI_ACCESS_TOKEN|PULUMI_BACKEND_URL|PULUMI_CONFIG_PASSPHRASE_FILE|AZURE_[A-Z_]*|IDENTITY_ENDPOINT|MSI_ENDPOINT)$/;

/**
 * The environment of every pulumi command: a local state folder, the passphrase of the throwaway
 * stack, the emulator's CA for the provider host (read by Node at start-up), no update check, the
 * CLI's folder first on PATH so the language host installed next to it is found, then `nodeDir`: the
 * language host runs the program, and the provider host runs, on the `node` PATH finds first, which
 * is this Node.js (the one that runs the demo or the tests) rather than whatever else PATH holds.
 */
export function demoEnv(
    base: NodeJS.ProcessEnv,
    o: { backendDir: string; caCertPath?: string; cli: PulumiCli; platform?: NodeJS.Platform; nodeDir?: string },
): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(base)) if (!DROPPED.test(k)) env[k] = v;
    const delimiter = (o.platform ?? process.platform) === "win32" ? ";" : ":";
    const cliDir = path.dirname(o.cli.command);
    env.PATH = [...new Set([cliDir, o.nodeDir, base.PATH].filter(Boolean))].join(delimiter);
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
    /** Neither the command line nor its output is shown (setup steps); errors still are. */
    quiet?: boolean;
}

/** `pulumi config set` commands for the demo stack: the provider pointed at the emulator. */
export function stackConfigCommands(o: {
    stack: string;
    configFile: string;
    emulatorUrl: string;
    credentials: DemoCredentials;
    pollIntervalSeconds: number;
}): CliCommand[] {
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
    const line = (cells: string[]) =>
        cells
            .map((c, i) => c.padEnd(widths[i]))
            .join("  ")
            .trimEnd();
    return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
