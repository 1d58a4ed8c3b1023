// `npm run emulator -- [options]`: runs the emulator in the foreground until SIGINT/SIGTERM.
import { readFile } from "fs/promises";
import { resolve } from "path";
import { parse as parseYaml } from "yaml";
import { CLI_DEFAULT_PORT, CLI_USAGE, CliCommand, parseCliArgs } from "./cliArgs";
import { EmulatorOptions } from "./start/startOptions";
import { EmulatorOptionsError, startEmulator } from "./start/startEmulator";
import { stackCommands } from "./stackCommands";

async function readStructured(path: string, what: string): Promise<unknown> {
    let text: string;
    try {
        text = await readFile(path, "utf8");
    } catch (e) {
        throw new EmulatorOptionsError([`${what}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? "error"})`]);
    }
    try {
        return /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
    } catch (e) {
        throw new EmulatorOptionsError([`${what}: ${path} is not valid JSON/YAML: ${(e as Error).message}`]);
    }
}

function merge(base: EmulatorOptions, over: EmulatorOptions): EmulatorOptions {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) {
        const b = out[k];
        out[k] = typeof v === "object" && v !== null && !Array.isArray(v) && typeof b === "object" && b !== null && !Array.isArray(b) ? { ...b, ...v } : v;
    }
    return out;
}

/** The options a command line names: the CLI's port, then the --config file, then the flags, then --clients and --log. */
async function optionsOf(cmd: CliCommand): Promise<EmulatorOptions> {
    let options: EmulatorOptions = { port: CLI_DEFAULT_PORT };
    if (cmd.configFile !== undefined) {
        const fromFile = await readStructured(cmd.configFile, "--config");
        if (typeof fromFile !== "object" || fromFile === null || Array.isArray(fromFile)) {
            throw new EmulatorOptionsError([`--config: ${cmd.configFile} must hold an object of emulator options`]);
        }
        options = merge(options, fromFile);
    }
    options = merge(options, cmd.options);
    if (cmd.clientsFile !== undefined) {
        const clients = await readStructured(cmd.clientsFile, "--clients");
        options.clients = (
            typeof clients === "object" && clients !== null && !Array.isArray(clients) ? (clients as { clients?: unknown }).clients : clients
        ) as EmulatorOptions["clients"];
    }
    if (cmd.log) {
        options.onRequest = (e) => {
            const q = new URL(e.url, "http://x").search;
            process.stdout.write(
                `${e.timestamp} ${e.method} ${e.path}${q} -> ${e.status ?? "dropped"}${e.clientId ? ` (${e.clientId})` : ""}${e.fault ? ` [fault: ${e.fault}]` : ""}\n`,
            );
        };
    }
    return options;
}

async function main(argv: string[]): Promise<number> {
    const parsed = parseCliArgs(argv);
    if (!parsed.ok) {
        process.stderr.write(`${parsed.error.map((e) => `error: ${e}`).join("\n")}\n\n${CLI_USAGE}`);
        return 2;
    }
    const cmd = parsed.value;
    if (cmd.help) {
        process.stdout.write(CLI_USAGE);
        return 0;
    }
    const options = await optionsOf(cmd);
    const emu = await startEmulator(options);
    if (cmd.json) process.stdout.write(`${JSON.stringify({ url: emu.url, caCertPath: emu.caCertPath ?? null })}\n`);
    else {
        process.stdout.write(`Defender emulator listening on ${emu.url}${emu.caCertPath ? ` (CA file: ${emu.caCertPath})` : ""}\n`);
        process.stdout.write(stackCommands({ url: emu.url, caCertPath: emu.caCertPath ? resolve(emu.caCertPath) : undefined, clients: options.clients }));
    }

    await new Promise<void>((resolve) => {
        const stop = (): void => {
            process.off("SIGINT", stop);
            process.off("SIGTERM", stop);
            void emu.stop().then(resolve);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
    });
    process.stdout.write("Defender emulator stopped\n");
    return 0;
}

main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
    },
    (e: unknown) => {
        process.stderr.write(e instanceof EmulatorOptionsError ? `${e.message}\n` : `emulator failed: ${(e as Error).message}\n`);
        process.exitCode = e instanceof EmulatorOptionsError ? 2 : 1;
    },
);
