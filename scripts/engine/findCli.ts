/**
 * Where the Pulumi CLI is found: one rule for the demo, the tests and the benchmark.
 *
 * 1. `PULUMI_CLI` (a path to the `pulumi` executable): an explicit choice, never second-guessed;
 * 2. `pulumi` on PATH: what users have;
 * 3. `~/.pulumi/bin/pulumi`: where Pulumi's installer puts it, often not on PATH;
 * 4. the CLI `npm run pulumi:install` built at the pinned release, in `.state/pulumi/<version>/bin`.
 *
 * The first one found is the one used, and it must be at least MINIMUM_CLI_VERSION: an older one is
 * refused with the version found and the one needed, not skipped for another.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { builtCliDir, compareVersions, MINIMUM_CLI_VERSION, parseVersion } from "./pin";

export interface PulumiCli {
    /** The `pulumi` executable. */
    command: string;
    /** Where it was found, for messages: "PULUMI_CLI", "PATH", "~/.pulumi/bin" or "built by npm run pulumi:install". */
    source: string;
    /** What `pulumi version` printed, e.g. "v3.276.0". */
    version: string;
}

export type CliLookup =
    | { kind: "found"; cli: PulumiCli }
    /** A CLI is there but cannot be used (too old, or PULUMI_CLI names no executable). */
    | { kind: "unusable"; message: string }
    | { kind: "missing"; looked: string[] };

/** File system and process questions the lookup asks; injectable for tests. */
export interface CliProbe {
    isExecutable(file: string): boolean;
    /** What `<file> version` prints, or undefined when it fails. */
    versionOf(file: string): string | undefined;
}

export const systemProbe: CliProbe = {
    isExecutable(file) {
        try {
            fs.accessSync(file, fs.constants.X_OK);
            return fs.statSync(file).isFile();
        } catch {
            return false;
        }
    },
    versionOf(file) {
        try {
            return execFileSync(file, ["version"], {
                encoding: "utf8",
                timeout: 30_000,
                stdio: ["ignore", "pipe", "ignore"],
                env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
            }).trim();
        } catch {
            return undefined;
        }
    },
};

export interface CliSearch {
    env: NodeJS.ProcessEnv;
    repoRoot: string;
    /** @default os.homedir() */
    home?: string;
    /** @default process.platform */
    platform?: NodeJS.Platform;
    /** @default systemProbe */
    probe?: CliProbe;
}

export function findPulumiCli(search: CliSearch): CliLookup {
    const probe = search.probe ?? systemProbe;
    const platform = search.platform ?? process.platform;
    const exe = platform === "win32" ? "pulumi.exe" : "pulumi";
    const looked: string[] = [];

    const explicit = search.env.PULUMI_CLI?.trim();
    if (explicit) {
        const file = path.resolve(explicit);
        if (!probe.isExecutable(file)) {
            return { kind: "unusable", message: `PULUMI_CLI=${explicit} is not an executable file: point it at the pulumi executable, or unset it` };
        }
        return checked(file, "PULUMI_CLI", probe);
    }
    looked.push("PULUMI_CLI (not set)");

    const delimiter = platform === "win32" ? ";" : ":";
    for (const dir of (search.env.PATH ?? "").split(delimiter).filter((d) => d !== "")) {
        const file = path.join(dir, exe);
        if (probe.isExecutable(file)) return checked(file, "PATH", probe);
    }
    looked.push("pulumi on PATH");

    const installed = path.join(search.home ?? os.homedir(), ".pulumi", "bin", exe);
    if (probe.isExecutable(installed)) return checked(installed, "~/.pulumi/bin", probe);
    looked.push(installed);

    const built = path.join(builtCliDir(search.repoRoot), exe);
    if (probe.isExecutable(built)) return checked(built, "built by npm run pulumi:install", probe);
    looked.push(built);
    return { kind: "missing", looked };
}

function checked(file: string, source: string, probe: CliProbe): CliLookup {
    const printed = probe.versionOf(file);
    const version = printed === undefined ? undefined : parseVersion(printed);
    if (!version) {
        return {
            kind: "unusable",
            message: `${file} (from ${source}) did not answer 'pulumi version' with a version${printed ? ` (it printed ${JSON.stringify(printed.slice(0, 80))})` : ""}`,
        };
    }
    const minimum = parseVersion(MINIMUM_CLI_VERSION)!;
    if (compareVersions(version, minimum) < 0) {
        return {
            kind: "unusable",
            message:
                `The Pulumi CLI at ${file} (from ${source}) is ${printed}, and this project needs ${MINIMUM_CLI_VERSION} or newer ` +
                "(older engines do not pass the stack's config to dynamic providers). Upgrade it, or set PULUMI_CLI to a newer one " +
                "(npm run pulumi:install builds the pinned release into .state/pulumi).",
        };
    }
    return { kind: "found", cli: { command: file, source, version: printed!.split(/\s/)[0] } };
}
