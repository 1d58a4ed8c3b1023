#!/usr/bin/env node
/** The `defender-isolation` command (the package's bin): see `defender-isolation help`. */
import { runCommand } from "./run";

runCommand(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    now: () => new Date(),
}).then(
    (code) => {
        process.exitCode = code;
    },
    (e: unknown) => {
        process.stderr.write(`defender-isolation: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = 1;
    },
);
