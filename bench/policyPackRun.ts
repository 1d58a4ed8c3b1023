/**
 * What the guardrails cost a preview: `pulumi preview` of the root project (the GitOps program, real
 * CLI, emulator) over an incident file declaring `--devices` isolations, with and without the policy
 * pack and its config, alternating, `--runs` times each. Prints each run's wall time, the medians and
 * their difference: the time the pack adds to every pull request's preview and to the up job's.
 *
 *   npm run bench:pack [-- --runs 5 --devices 20]
 */
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { DEFAULT_FLEET, syntheticDevices } from "../emulator";
import { findPulumiCli } from "../scripts/engine/findCli";
import { preparePolicyPack } from "../testkit/cli/policyPack";
import { rootProjectStack } from "../testkit/cli/rootProject";
import { REPO_ROOT } from "../testkit/paths";

function arg(name: string, fallback: number): number {
    const at = process.argv.indexOf(`--${name}`);
    const v = at > 0 ? Number(process.argv[at + 1]) : fallback;
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a whole number of at least 1, got ${process.argv[at + 1]}`);
    return v;
}

const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
    const runs = arg("runs", 5);
    const devices = arg("devices", 20);
    const found = findPulumiCli({ env: process.env, repoRoot: REPO_ROOT });
    if (found.kind !== "found") throw new Error(`No usable Pulumi CLI: run npm run pulumi:install, or set PULUMI_CLI (${found.kind})`);
    preparePolicyPack();
    const fleet = syntheticDevices(devices);
    const root = await rootProjectStack(found.cli, {
        prefix: "bench-pack-",
        clientSecret: "bench-pack-secret",
        emulator: { fleet: { devices: [...DEFAULT_FLEET, ...fleet] } },
    });
    try {
        const lines = [
            "incident: INC-9001",
            "title: Benchmark of the guardrails",
            "isolate:",
            ...fleet.map((d) => `  - machineId: ${d.id}\n    isolationType: Selective`),
        ];
        fs.writeFileSync(path.join(root.incidentsDir, "inc-9001.yaml"), `${lines.join("\n")}\n`);
        const config = path.join(root.ws.dir, "pack-config.json");
        fs.writeFileSync(config, JSON.stringify({ "mass-isolation-brake": { maxDevices: Math.max(devices, 50) } }));
        const pack = ["--policy-pack", path.join(REPO_ROOT, "policy"), "--policy-pack-config", config];
        const times: Record<"without" | "with", number[]> = { without: [], with: [] };
        // One untimed preview of each first: the language host's and the pack's first start fill caches.
        for (const extra of [[], pack]) await root.ok(["preview", ...extra]);
        for (let i = 0; i < runs; i++) {
            for (const [kind, extra] of [
                ["without", []],
                ["with", pack],
            ] as const) {
                const t0 = performance.now();
                await root.ok(["preview", ...extra]);
                const ms = performance.now() - t0;
                times[kind].push(ms);
                process.stdout.write(`run ${i + 1} ${kind.padEnd(7)} the pack: ${(ms / 1000).toFixed(2)} s\n`);
            }
        }
        const a = median(times.without);
        const b = median(times.with);
        process.stdout.write(
            `\npreview of ${devices} isolations, median of ${runs}: without the pack ${(a / 1000).toFixed(2)} s, with it ${(b / 1000).toFixed(2)} s: ` +
                `the pack adds ${((b - a) / 1000).toFixed(2)} s (${(((b - a) / a) * 100).toFixed(0)} %)\n`,
        );
    } finally {
        await root.run(["stack", "rm", "--yes", "--force"]);
        await root.stop();
    }
}

main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
});
