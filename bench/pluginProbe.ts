/**
 * `npm run bench:plugin`: the native provider plugin beside the dynamic provider host, on the same
 * small scenario, each started and driven over gRPC as the engine does (testkit/host/providerHost.ts)
 * against the emulator: start (spawn to port), then check + create + read + delete of one isolation.
 * Prints a table and one JSON line; `--rounds N` (default 5) fresh processes per way in, alternated.
 *
 * Figures per process: `startMs` (spawn until it printed its port), `firstOpMs` (configure + the first
 * check, which loads the lifecycle), `scenarioMs` (check through delete, the emulator's action delays
 * included), `peakRssMb` (VmHWM from /proc at the end: the process's high-water mark).
 */
import { DEFAULT_DEVICES, startEmulator, type RunningEmulator } from "../emulator";
import { PROVIDER_TEXT } from "../provider/resource/deviceIsolation";
import { NATIVE_DEVICE_ISOLATION_TYPE } from "../provider/apps/plugin/schema";
import { startProviderHost, urnFor, type ProviderHost } from "../testkit/host/providerHost";
import { distPath, REPO_ROOT } from "../testkit/paths";
import { FAST_EMULATOR, RESOURCE_TYPE, stackConfig } from "../testkit/world";
import { peakRssMb } from "./processMemory";

type Way = "dynamic" | "native";

export interface ProbeRound {
    way: Way;
    startMs: number;
    firstOpMs: number;
    scenarioMs: number;
    peakRssMb: number;
}

const DEVICE = DEFAULT_DEVICES.finLaptop;

async function start(way: Way, emulator: RunningEmulator): Promise<ProviderHost> {
    const env: NodeJS.ProcessEnv = { NODE_EXTRA_CA_CERTS: emulator.caCertPath };
    if (way === "native") {
        env.PULUMI_CONFIG = JSON.stringify(Object.fromEntries(Object.entries(stackConfig(emulator)).map(([k, v]) => [k.replace(/^defender:/, ""), v])));
        env.PULUMI_NODEJS_ENGINE = "";
    }
    return startProviderHost({
        cwd: REPO_ROOT,
        env,
        hostScript: way === "native" ? distPath("provider", "apps", "plugin", "main.js") : undefined,
        callTimeoutMs: 60_000,
    });
}

export async function probeRound(way: Way, emulator: RunningEmulator): Promise<ProbeRound> {
    emulator.reset();
    const spawned = performance.now();
    const host = await start(way, emulator);
    const started = performance.now();
    try {
        const urn = way === "native" ? urnFor(NATIVE_DEVICE_ISOLATION_TYPE, "laptop") : urnFor(RESOURCE_TYPE, "laptop");
        const news = { machineId: DEVICE.id, comment: "INC-2031 beacon", ...(way === "dynamic" ? { __provider: PROVIDER_TEXT } : {}) };
        if (way === "native") await host.configure({});
        else await host.configure(stackConfig(emulator), ["defender:clientSecret"]);
        const checked = await host.check(urn, {}, news);
        if (checked.failures.length > 0) throw new Error(`${way}: check failed: ${JSON.stringify(checked.failures)}`);
        const firstOp = performance.now();
        const created = await host.create(urn, checked.inputs);
        const read = await host.read(created.id, urn, created.properties, checked.inputs);
        await host.delete(created.id, urn, read.properties);
        const done = performance.now();
        const writes = emulator.requests().filter((r) => r.method === "POST" && r.path.startsWith("/api/")).length;
        if (writes !== 2) throw new Error(`${way}: ${writes} API writes, expected 2 (isolate, unisolate)`);
        return { way, startMs: started - spawned, firstOpMs: firstOp - started, scenarioMs: done - started, peakRssMb: peakRssMb(host.pid) };
    } finally {
        await host.stop();
    }
}

function median(values: number[]): number {
    const s = [...values].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(argv: string[]): Promise<void> {
    const at = argv.indexOf("--rounds");
    const rounds = at >= 0 ? Number(argv[at + 1]) : 5;
    if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) {
        process.stderr.write("--rounds takes a whole number from 1 to 50\n");
        process.exit(2);
    }
    const emulator = await startEmulator(FAST_EMULATOR);
    const results: ProbeRound[] = [];
    try {
        for (let i = 0; i < rounds; i++) for (const way of ["dynamic", "native"] as const) results.push(await probeRound(way, emulator));
    } finally {
        await emulator.stop();
    }
    const row = (way: Way) => {
        const mine = results.filter((r) => r.way === way);
        const m = (k: keyof Omit<ProbeRound, "way">) => median(mine.map((r) => r[k]));
        return { way, rounds: mine.length, startMs: m("startMs"), firstOpMs: m("firstOpMs"), scenarioMs: m("scenarioMs"), peakRssMb: m("peakRssMb") };
    };
    const rows = [row("dynamic"), row("native")];
    process.stdout.write(`medians of ${rounds} fresh processes each, one isolation: check, create, read, delete against the emulator\n\n`);
    process.stdout.write("way        start ms   configure+check ms   scenario ms   peak RSS MB\n");
    for (const r of rows) {
        process.stdout.write(
            `${r.way.padEnd(10)} ${r.startMs.toFixed(0).padStart(8)}   ${r.firstOpMs.toFixed(0).padStart(18)}   ${r.scenarioMs.toFixed(0).padStart(11)}   ${r.peakRssMb.toFixed(1).padStart(11)}\n`,
        );
    }
    process.stdout.write(`\n${JSON.stringify({ bench: "plugin-probe", at: new Date().toISOString(), node: process.version, rows, results })}\n`);
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((e: unknown) => {
        process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        process.exit(1);
    });
}
