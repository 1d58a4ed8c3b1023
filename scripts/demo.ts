/**
 * The end-to-end demo: the example incident files applied to a local Defender emulator by the real
 * Pulumi CLI (`npm run demo`).
 *
 * 1. Finds the Pulumi CLI (scripts/engine/findCli.ts); when there is none, builds the pinned one from
 *    Go modules first (`npm run pulumi:install`), saying so.
 * 2. Starts the emulator in this process (HTTPS, its CA handed to the CLI's processes), and creates a
 *    throwaway stack in a local state folder, the provider pointed at the emulator.
 * 3. The device table; `pulumi preview` (what will be isolated); `pulumi up`; the table again.
 * 4. Releases one device behind Pulumi's back; `pulumi up` again: its refresh (refresh: always) finds
 *    the drift and the update isolates the device again.
 * 5. Always, even after a failure or Ctrl-C: `pulumi destroy` (every device released), the stack
 *    removed, the emulator stopped.
 *
 * Exit codes: 0 done, 1 a step failed, 2 no usable Pulumi CLI and none could be built (nothing started).
 * DEMO_STATE_DIR moves the state folder. @default "<repo>/.state"
 */
import { spawn } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { inspect } from "util";
import { DEFAULT_DEVICES, startEmulator, type RunningEmulator } from "../emulator";
import { demoEnv, renderDeviceTable, stackConfigCommands, stackFlags, type CliCommand } from "./engine/localStack";
import { findPulumiCli, type PulumiCli } from "./engine/findCli";
import { EngineInstallError, installEngine } from "./engine/install";
import { parallelFlags } from "./engine/parallelism";
import { repoRootFromHere } from "./engine/pin";

/** Bound on each CLI command; an up waits for every isolation. */
const COMMAND_TIMEOUT_MS = 10 * 60_000;
const CREDENTIALS_TENANT = "00000000-0000-0000-0000-000000000001";
const CREDENTIALS_CLIENT = "7d3f4c2a-9b1e-4f6d-8a2c-5e0b1d9c3f47";
const NO_CLI_EXIT_CODE = 2;
/**
 * The plan and the result, without the per-second progress lines and the stack outputs' detail; the
 * engine's parallelism from Defender's window, not the engine's 4 per CPU (scripts/engine/parallelism.ts).
 */
const COMMAND_FLAGS = ["--suppress-progress", "--suppress-outputs", ...parallelFlags()];

function section(title: string): void {
    process.stdout.write(`\n=== ${title}\n`);
}

function showDevices(emulator: RunningEmulator, title: string): void {
    section(title);
    process.stdout.write(`${renderDeviceTable(emulator.state().machines)}\n`);
}

function runCli(cli: PulumiCli, command: CliCommand, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
    const shown = `pulumi ${command.args.join(" ")}`;
    if (!command.quiet) process.stdout.write(`\n$ ${shown}\n`);
    return new Promise((resolve, reject) => {
        const child = spawn(cli.command, command.args, {
            cwd,
            env,
            stdio: [command.stdin === undefined ? "ignore" : "pipe", command.quiet ? "ignore" : "inherit", "inherit"],
            timeout: COMMAND_TIMEOUT_MS,
        });
        if (command.stdin !== undefined) child.stdin?.end(command.stdin);
        child.on("error", (e) => reject(new Error(`${shown}: could not start ${cli.command}: ${e.message}`)));
        child.on("exit", (code, signal) => {
            if (code === 0) resolve();
            else reject(new Error(`${shown} failed (${signal ? `signal ${signal}` : `exit code ${code}`})`));
        });
    });
}

/** The CLI the lookup rule finds, or the pinned one built now when there is none. */
async function pulumiCli(repoRoot: string): Promise<PulumiCli | number> {
    let lookup = findPulumiCli({ env: process.env, repoRoot });
    if (lookup.kind === "missing") {
        process.stdout.write("No Pulumi CLI found (PULUMI_CLI, PATH, ~/.pulumi/bin, .state/pulumi): building the pinned one from Go modules first.\n");
        try {
            await installEngine({ repoRoot });
        } catch (e) {
            process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
            return e instanceof EngineInstallError ? e.exitCode : 1;
        }
        lookup = findPulumiCli({ env: process.env, repoRoot });
    }
    if (lookup.kind === "unusable") {
        process.stderr.write(`${lookup.message}\n`);
        return NO_CLI_EXIT_CODE;
    }
    if (lookup.kind === "missing") {
        process.stderr.write(`No Pulumi CLI, even after building one; looked at: ${lookup.looked.join(", ")}\n`);
        return 1;
    }
    return lookup.cli;
}

async function main(): Promise<number> {
    const repoRoot = repoRootFromHere();
    const cli = await pulumiCli(repoRoot);
    if (typeof cli === "number") return cli;
    if (!fs.existsSync(path.join(repoRoot, "dist", "provider", "apps", "gitops", "main.js"))) {
        process.stderr.write("The program is not built: run 'npm run build' first (npm run demo does).\n");
        return 1;
    }
    process.stdout.write(`Pulumi CLI ${cli.version}: ${cli.command} (${cli.source})\n`);

    const stateDir = path.resolve(process.env.DEMO_STATE_DIR ?? path.join(repoRoot, ".state"));
    const backendDir = path.join(stateDir, "demo-backend");
    fs.mkdirSync(backendDir, { recursive: true });
    const stack = `demo-${Date.now().toString(36)}`;
    const configFile = path.join(stateDir, `Pulumi.${stack}.yaml`);

    // Ctrl-C reaches the CLI too (same process group); keep this process alive to clean up after it.
    let interrupted = false;
    const onSigint = () => {
        interrupted = true;
    };
    process.on("SIGINT", onSigint);

    section("Starting the Defender emulator");
    const emulator = await startEmulator({
        tls: { dir: path.join(stateDir, "emulator-tls") },
        actionDelays: { toInProgressMs: 300, toSucceededMs: 900 },
    });
    process.stdout.write(`Emulator at ${emulator.url} (CA ${emulator.caCertPath})\n`);
    const env = demoEnv(process.env, { backendDir, caCertPath: emulator.caCertPath, cli, nodeDir: path.dirname(process.execPath) });
    const pulumi = (command: CliCommand) => {
        if (interrupted) return Promise.reject(new Error("interrupted"));
        return runCli(cli, command, repoRoot, env);
    };
    const flags = stackFlags(stack, configFile);

    let stackCreated = false;
    let failure: unknown;
    try {
        await pulumi({ args: ["stack", "init", stack, "--non-interactive"], quiet: true });
        stackCreated = true;
        const credentials = { tenantId: CREDENTIALS_TENANT, clientId: CREDENTIALS_CLIENT, clientSecret: randomBytes(18).toString("base64url") };
        for (const c of stackConfigCommands({ stack, configFile, emulatorUrl: emulator.url, credentials, pollIntervalSeconds: 0.2 }))
            await pulumi({ ...c, quiet: true });
        process.stdout.write(`Stack ${stack}: local state in ${path.relative(repoRoot, backendDir) || backendDir}, provider pointed at the emulator\n`);

        showDevices(emulator, "Devices before: nothing isolated");
        section("What the incident files would isolate");
        await pulumi({ args: ["preview", ...flags, ...COMMAND_FLAGS] });
        section("Isolating");
        await pulumi({ args: ["up", "--yes", "--skip-preview", ...flags, ...COMMAND_FLAGS] });
        showDevices(emulator, "Devices after `pulumi up`: the incidents' devices are isolated");

        const victim = DEFAULT_DEVICES.finLaptop;
        emulator.releaseOutOfBand(victim.id, { comment: "Released from the portal during a call" });
        showDevices(emulator, `${victim.computerDnsName} released behind Pulumi's back`);
        section("`pulumi up` again: its refresh finds the drift, the update repairs it");
        await pulumi({ args: ["up", "--yes", "--skip-preview", ...flags, ...COMMAND_FLAGS] });
        showDevices(emulator, `After \`pulumi up\`: ${victim.computerDnsName} is isolated again`);
    } catch (e) {
        failure = e;
    } finally {
        if (stackCreated) {
            interrupted = false; // clean up even after Ctrl-C
            try {
                section("Releasing everything");
                await pulumi({ args: ["destroy", "--yes", "--skip-preview", ...flags, ...COMMAND_FLAGS] });
                showDevices(emulator, "After `pulumi destroy`: every device released");
            } catch (e) {
                failure ??= e;
            }
            await pulumi({ args: ["stack", "rm", "--yes", "--force", "--stack", stack, "--non-interactive"], quiet: true }).catch((e: unknown) => {
                failure ??= e;
            });
        }
        fs.rmSync(configFile, { force: true });
        await emulator.stop();
        process.off("SIGINT", onSigint);
    }
    if (failure !== undefined) {
        process.stderr.write(`\nThe demo failed: ${failure instanceof Error ? failure.message : inspect(failure)}\n`);
        return 1;
    }
    section("Done");
    return 0;
}

main().then(
    (code) => {
        process.exitCode = code;
    },
    (e: unknown) => {
        process.stderr.write(`The demo failed: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = 1;
    },
);
