/**
 * The end-to-end demo: the example incident files applied to a local Defender emulator by the real
 * Pulumi CLI (`npm run demo`).
 *
 * 1. Starts the emulator in this process (HTTPS, its CA handed to the CLI's processes).
 * 2. Creates a throwaway stack in a local state folder and points the provider at the emulator.
 * 3. `pulumi up`: the devices of examples/incidents are isolated (device table before and after).
 * 4. Releases one device behind Pulumi's back, then `pulumi up` again: the refresh notices, the
 *    device is isolated again.
 * 5. Always, even after a failure or Ctrl-C: `pulumi destroy` (every device released), the stack
 *    removed, the emulator stopped.
 *
 * Exit codes: 0 done, 1 a step failed, 2 no Pulumi CLI (nothing was started).
 * DEMO_STATE_DIR moves the state folder. @default "<repo>/.state"
 */
import { spawn } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_DEVICES, startEmulator, type RunningEmulator } from "../emulator";
import {
    demoEnv, findPulumiCli, NO_CLI_EXIT_CODE, NO_CLI_MESSAGE, renderDeviceTable, stackConfigCommands, stackFlags,
    type CliCommand, type PulumiCli,
} from "./demoSupport";

/** Bound on each CLI command; an up waits for every isolation. */
const COMMAND_TIMEOUT_MS = 10 * 60_000;
const CREDENTIALS_TENANT = "00000000-0000-0000-0000-000000000001";
const CREDENTIALS_CLIENT = "7d3f4c2a-9b1e-4f6d-8a2c-5e0b1d9c3f47";

function section(title: string): void {
    process.stdout.write(`\n=== ${title}\n`);
}

function showDevices(emulator: RunningEmulator, title: string): void {
    section(title);
    process.stdout.write(`${renderDeviceTable(emulator.state().machines)}\n`);
}

function runCli(cli: PulumiCli, command: CliCommand, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
    const shown = `pulumi ${command.args.join(" ")}`;
    process.stdout.write(`\n$ ${shown}\n`);
    return new Promise((resolve, reject) => {
        const child = spawn(cli.command, [...cli.args, ...command.args], {
            cwd, env, stdio: [command.stdin === undefined ? "ignore" : "pipe", "inherit", "inherit"], timeout: COMMAND_TIMEOUT_MS,
        });
        if (command.stdin !== undefined) child.stdin?.end(command.stdin);
        child.on("error", (e) => reject(new Error(`${shown}: could not start ${cli.command}: ${e.message}`)));
        child.on("exit", (code, signal) => {
            if (code === 0) resolve();
            else reject(new Error(`${shown} failed (${signal ? `signal ${signal}` : `exit code ${code}`})`));
        });
    });
}

async function main(): Promise<number> {
    const repoRoot = path.resolve(__dirname, "..", "..");
    const cli = findPulumiCli({ env: process.env, home: os.homedir(), repoRoot, execPath: process.execPath });
    if (!cli) {
        process.stderr.write(`${NO_CLI_MESSAGE}\n`);
        return NO_CLI_EXIT_CODE;
    }
    if (!fs.existsSync(path.join(repoRoot, "dist", "provider", "gitops", "main.js"))) {
        process.stderr.write("The program is not built: run 'npm run build' first (npm run demo does).\n");
        return 1;
    }
    process.stdout.write(`Pulumi CLI: ${cli.command} ${cli.args.join(" ")} (from ${cli.source})\n`);

    const stateDir = path.resolve(process.env.DEMO_STATE_DIR ?? path.join(repoRoot, ".state"));
    const backendDir = path.join(stateDir, "demo-backend");
    fs.mkdirSync(backendDir, { recursive: true });
    const stack = `demo-${Date.now().toString(36)}`;
    const configFile = path.join(stateDir, `Pulumi.${stack}.yaml`);

    // Ctrl-C reaches the CLI too (same process group); keep this process alive to clean up after it.
    let interrupted = false;
    const onSigint = () => { interrupted = true; };
    process.on("SIGINT", onSigint);

    section("Starting the Defender emulator");
    const emulator = await startEmulator({
        tls: { dir: path.join(stateDir, "emulator-tls") },
        actionDelays: { toInProgressMs: 300, toSucceededMs: 900 },
    });
    process.stdout.write(`Emulator at ${emulator.url} (CA ${emulator.caCertPath})\n`);
    const env = demoEnv(process.env, { backendDir, caCertPath: emulator.caCertPath, cli });
    const pulumi = (command: CliCommand) => {
        if (interrupted) return Promise.reject(new Error("interrupted"));
        return runCli(cli, command, repoRoot, env);
    };
    const flags = stackFlags(stack, configFile);

    let stackCreated = false;
    let failure: unknown;
    try {
        await pulumi({ args: ["stack", "init", stack, "--non-interactive"] });
        stackCreated = true;
        const credentials = { tenantId: CREDENTIALS_TENANT, clientId: CREDENTIALS_CLIENT, clientSecret: randomBytes(18).toString("base64url") };
        for (const c of stackConfigCommands({ stack, configFile, emulatorUrl: emulator.url, credentials, pollIntervalSeconds: 0.2 })) await pulumi(c);

        showDevices(emulator, "Devices before: nothing isolated");
        await pulumi({ args: ["up", "--yes", ...flags] });
        showDevices(emulator, "Devices after `pulumi up`: the incidents' devices are isolated");

        const victim = DEFAULT_DEVICES.finLaptop;
        emulator.releaseOutOfBand(victim.id, { comment: "Released from the portal during a call" });
        showDevices(emulator, `${victim.computerDnsName} released behind Pulumi's back`);
        await pulumi({ args: ["up", "--yes", ...flags] });
        showDevices(emulator, `After \`pulumi up\` (refresh: always): ${victim.computerDnsName} is isolated again`);
    } catch (e) {
        failure = e;
    } finally {
        if (stackCreated) {
            interrupted = false; // clean up even after Ctrl-C
            try {
                await pulumi({ args: ["destroy", "--yes", ...flags] });
                showDevices(emulator, "After `pulumi destroy`: every device released");
            } catch (e) {
                failure ??= e;
            }
            await pulumi({ args: ["stack", "rm", "--yes", "--force", "--stack", stack, "--non-interactive"] })
                .catch((e: unknown) => { failure ??= e; });
        }
        fs.rmSync(configFile, { force: true });
        await emulator.stop();
        process.off("SIGINT", onSigint);
    }
    if (failure !== undefined) {
        process.stderr.write(`\nThe demo failed: ${failure instanceof Error ? failure.message : String(failure)}\n`);
        return 1;
    }
    section("Done");
    return 0;
}

main().then(
    (code) => { process.exitCode = code; },
    (e: unknown) => {
        process.stderr.write(`The demo failed: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = 1;
    },
);
