/**
 * The GitOps program over one incident folder, in a process of its own as the language host runs it
 * (the engine mocked, Defender real: the emulator over HTTPS with the stack's defender:* config), for
 * the selector measurement (bench/selectorsRun.ts). Prints the devices declared and each selection's size.
 *
 *   node [--require dist/bench/rssProbe.js] dist/bench/selectorsProbe.js <config.json> <incidents dir> <previous.json> <maxDevices>
 */
import * as fs from "fs";
import { performance } from "perf_hooks";
import { incidentProgram } from "../provider/apps/gitops/program";
import { parsePreviousSelection } from "../provider/apps/gitops/previousSelection";
import { selectorClientFor } from "../provider/incidents/selectorLookup";
import { runProgram } from "../testkit/host/registration";

async function main(): Promise<void> {
    const [configFile, dir, previousFile, max] = process.argv.slice(2);
    const config = JSON.parse(fs.readFileSync(configFile, "utf8")) as Record<string, string>;
    const previous = parsePreviousSelection(JSON.parse(fs.readFileSync(previousFile, "utf8")));
    let selected: Record<string, number> = {};
    // The reads' span: from the first request's start to the last one's end (the resolution's wall time).
    let first = Infinity;
    let last = 0;
    const timed = async () => {
        const client = await selectorClientFor((k) => config[k]);
        const wrap =
            <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
            async (...a: A): Promise<R> => {
                first = Math.min(first, performance.now());
                try {
                    return await f(...a);
                } finally {
                    last = Math.max(last, performance.now());
                }
            };
        return {
            listFleet: wrap(client.listFleet),
            getAlert: wrap(client.getAlert),
            getIncident: wrap(client.getIncident),
            listMachines: wrap(client.listMachines),
        };
    };
    const start = performance.now();
    const run = await runProgram(
        async () => {
            const r = await incidentProgram(
                { incidentsDir: dir, maxDevices: Number(max) },
                { selectorClient: timed, previousSelection: () => Promise.resolve(previous) },
            );
            selected = Object.fromEntries(Object.entries(r.incidents).map(([id, i]) => [id, i.selection?.devices.length ?? 0]));
            return { deviceCount: r.deviceCount };
        },
        { timeoutMs: 30 * 60_000 },
    );
    const readsMs = last > 0 ? last - first : 0;
    process.stdout.write(`${JSON.stringify({ declared: run.resources.length, selected, readsMs, programMs: performance.now() - start })}\n`);
}

main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
});
