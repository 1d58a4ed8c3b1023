/**
 * What resolving selectors costs over a large fleet, under Defender's documented limits: the GitOps
 * program (bench/selectorsProbe.ts, its own process, real HTTPS client) against the emulator holding
 * the default fleet plus N synthetic devices (20 groups, 10 tagged waves), every API held to 100 calls a
 * minute and 1,500 an hour (Defender XDR's incidents API to 50 a minute). Prints, per scenario, the
 * requests per route, the 429s, the wall time, the devices selected and the program process's peak RSS.
 *
 *   npm run build && node dist/bench/selectorsRun.js [--devices 10000]
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { DEFAULT_ALERTS, startEmulator, syntheticDevices, type RequestLogEntry } from "../emulator";
import { REPO_ROOT, stackConfig } from "../testkit/world";

const PROBE = path.join(REPO_ROOT, "dist/bench/selectorsProbe.js");
const RSS = path.join(REPO_ROOT, "dist/bench/rssProbe.js");
const LIMITS = [
    { calls: 100, perSeconds: 60 },
    { calls: 1500, perSeconds: 3600 },
];

interface Scenario {
    name: string;
    select: string[];
    /** Device ids the last deployment selected (keep: read again by id). */
    previous?: string[];
}

function scenarios(devices: number): Scenario[] {
    const synthetic = syntheticDevices(devices);
    return [
        { name: "tag Wave-3 (a filtered listing)", select: ["  - tag: Wave-3"] },
        { name: "group Fleet-07 (not filterable: the whole fleet)", select: ["  - group: Fleet-07"] },
        { name: 'name "syn-00*" (startswith listing)', select: ['  - name: "syn-00*.fleet.contoso.com"'] },
        { name: "ip 10.0.0.0/12 (a range: the whole fleet)", select: ["  - ip: 10.0.0.0/12"] },
        { name: "alert + Defender incident", select: [`  - alert: ${DEFAULT_ALERTS.hrQakbot.id}`, "  - defenderIncident: 924610"] },
        {
            name: `keep: ${Math.ceil(devices / 10).toLocaleString("en-US")} selected before, none matching now (read by id)`,
            select: ["  - tag: NoDeviceHasThis"],
            previous: synthetic.filter((_, i) => i % 10 === 0).map((d) => d.id),
        },
        {
            name: "all of the above in one incident",
            select: [
                "  - tag: Wave-3",
                "  - group: Fleet-07",
                '  - name: "syn-00*.fleet.contoso.com"',
                "  - ip: 10.0.0.0/12",
                `  - alert: ${DEFAULT_ALERTS.hrQakbot.id}`,
                "  - defenderIncident: 924610",
            ],
        },
    ];
}

function probe(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["--require", RSS, PROBE, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

async function main(): Promise<void> {
    const at = process.argv.indexOf("--devices");
    const devices = at >= 0 ? Number(process.argv[at + 1]) : 10_000;
    const log: RequestLogEntry[] = [];
    const emu = await startEmulator({
        fleet: { generate: devices },
        rateLimits: { windows: LIMITS, retryAfterHeader: true },
        requestLogLimit: 0,
        onRequest: (e) => {
            if (e.path.startsWith("/api/")) log.push(e);
        },
    });
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-selectors-"));
    const config = stackConfig(emu, { rateLimits: JSON.stringify(LIMITS) });
    fs.writeFileSync(path.join(tmp, "config.json"), JSON.stringify(config));
    process.stdout.write(`Selectors over ${devices.toLocaleString("en-US")} synthetic devices + the default fleet, Defender's limits enforced per API\n\n`);
    process.stdout.write(
        "| scenario | selected | requests (by route) | 429s | reads (resolution) | program, devices declared | peak RSS |\n|---|---|---|---|---|---|---|\n",
    );
    try {
        for (const [i, s] of scenarios(devices).entries()) {
            const dir = path.join(tmp, `incidents-${i}`);
            fs.mkdirSync(dir);
            fs.writeFileSync(path.join(dir, "inc.yaml"), ["incident: INC-1", "title: Benchmark", "select:", ...s.select, ""].join("\n"));
            const previous = {
                incidents: {
                    "INC-1": { selection: { devices: (s.previous ?? []).map((machineId) => ({ machineId, isolationType: "Full", selectedBy: [] })) } },
                },
            };
            fs.writeFileSync(path.join(tmp, `previous-${i}.json`), JSON.stringify(previous));
            const rssFile = path.join(tmp, `rss-${i}`);
            emu.reset();
            log.length = 0;
            const start = performance.now();
            const r = await probe([path.join(tmp, "config.json"), dir, path.join(tmp, `previous-${i}.json`), "10000"], {
                ...process.env,
                NODE_EXTRA_CA_CERTS: emu.caCertPath,
                BENCH_RSS_FILE: rssFile,
            });
            const wall = (performance.now() - start) / 1000;
            if (r.code !== 0) throw new Error(`${s.name}: ${r.stderr}`);
            // The program's log lines come first (the mock engine prints them); the result is the last line.
            const last =
                r.stdout
                    .trim()
                    .split("\n")
                    .filter((l) => l.startsWith("{"))
                    .pop() ?? "{}";
            const out = JSON.parse(last) as { selected: Record<string, number>; readsMs: number; programMs: number };
            const routes = new Map<string, number>();
            for (const e of log) routes.set(e.route ?? "?", (routes.get(e.route ?? "?") ?? 0) + 1);
            const shown = [...routes].map(([k, v]) => `${k} ${v}`).join(", ");
            const rss = Number(fs.readFileSync(rssFile, "utf8")) / 1024;
            const limited = log.filter((e) => e.status === 429).length;
            process.stdout.write(
                `| ${s.name} | ${out.selected["INC-1"]} | ${log.length} (${shown}) | ${limited} | ${(out.readsMs / 1000).toFixed(2)} s | ${(out.programMs / 1000).toFixed(1)} s (process ${wall.toFixed(1)} s) | ${rss.toFixed(0)} MB |\n`,
            );
        }
    } finally {
        await emu.stop();
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
});
