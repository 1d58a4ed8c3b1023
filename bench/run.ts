/**
 * `npm run bench [-- --quick | --full] [-- --scenario <name>]...`: isolation at the speed of the API's
 * limit, measured against the emulator through the real provider host and the real CLI. Prints
 * tables and one JSON line.
 * Exit code 1 when a resource failed, an isolate was duplicated or the inventory misread a state, 2 on bad arguments.
 */
import { jsonLine, report, statesMatch } from "./report";
import * as path from "path";
import { findPulumiCli, type PulumiCli } from "../scripts/engine/findCli";
import { needsCli, runScenarios, type Engine } from "./runner";
import { FULL_SCENARIOS, QUICK_SCENARIOS, type Scenario } from "./scenarios";

export interface BenchArgs {
    quick: boolean;
    /** Also the scenarios marked fullOnly (N = 500 at Defender's windows: minutes each). */
    full: boolean;
    /** Names given with --scenario; empty runs them all. */
    scenarios: string[];
    help: boolean;
    /** --engine host|cli (repeatable); empty: both when a CLI is found, else the host. */
    engines: Engine[];
}

const USAGE = `usage: npm run bench -- [--quick | --full] [--engine host|cli] [--scenario <name>]...
  --quick            small scenarios, a smoke run (about two minutes)
  --full             also N = 500 at Defender's own windows, through the CLI (about 20 minutes more: four rows of at least 4 minutes of windows)
  --engine <e>       host: the provider host driven over gRPC; cli: the real pulumi CLI (repeatable;
                     default both when a CLI is found by scripts/engine/findCli.ts, else host)
  --scenario <name>  run only this scenario (repeatable); names:
                       default: ${FULL_SCENARIOS.filter((s) => !s.fullOnly)
                           .map((s) => s.name)
                           .join(", ")}
                       --full adds: ${FULL_SCENARIOS.filter((s) => s.fullOnly)
                           .map((s) => s.name)
                           .join(", ")}
                       quick: ${QUICK_SCENARIOS.map((s) => s.name).join(", ")}`;

/** Parses the arguments, or says what is wrong. */
export function parseArgs(argv: readonly string[]): { ok: true; args: BenchArgs } | { ok: false; problem: string } {
    const args: BenchArgs = { quick: false, full: false, scenarios: [], help: false, engines: [] };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--quick") args.quick = true;
        else if (a === "--full") args.full = true;
        else if (a === "--help" || a === "-h") args.help = true;
        else if (a === "--scenario") {
            const name = argv[++i];
            if (name === undefined || name.startsWith("--")) return { ok: false, problem: "--scenario needs a scenario name" };
            args.scenarios.push(name);
        } else if (a.startsWith("--scenario=")) args.scenarios.push(a.slice("--scenario=".length));
        else if (a === "--engine" || a.startsWith("--engine=")) {
            const e = a === "--engine" ? argv[++i] : a.slice("--engine=".length);
            if (e !== "host" && e !== "cli") return { ok: false, problem: `--engine takes host or cli, got '${e ?? ""}'` };
            args.engines.push(e);
        } else return { ok: false, problem: `unknown argument '${a}'` };
    }
    if (args.quick && args.full) return { ok: false, problem: "--quick and --full exclude each other" };
    return { ok: true, args };
}

/** The scenarios to run: by name from both sets (a quick name needs no --quick), else the whole set (fullOnly ones with --full). */
export function selectScenarios(args: BenchArgs): { ok: true; scenarios: Scenario[] } | { ok: false; problem: string } {
    if (args.scenarios.length === 0) {
        if (args.quick) return { ok: true, scenarios: [...QUICK_SCENARIOS] };
        return { ok: true, scenarios: FULL_SCENARIOS.filter((s) => args.full || !s.fullOnly) };
    }
    const all = [...(args.quick ? QUICK_SCENARIOS : FULL_SCENARIOS), ...(args.quick ? FULL_SCENARIOS : QUICK_SCENARIOS)];
    const picked: Scenario[] = [];
    for (const name of args.scenarios) {
        const s = all.find((x) => x.name === name);
        if (!s) return { ok: false, problem: `no scenario named '${name}'` };
        picked.push(s);
    }
    return { ok: true, scenarios: picked };
}

async function main(): Promise<number> {
    const parsed = parseArgs(process.argv.slice(2));
    if (!parsed.ok) {
        console.error(`bench: ${parsed.problem}\n${USAGE}`);
        return 2;
    }
    if (parsed.args.help) {
        console.log(USAGE);
        return 0;
    }
    const selected = selectScenarios(parsed.args);
    if (!selected.ok) {
        console.error(`bench: ${selected.problem}\n${USAGE}`);
        return 2;
    }
    const found = findPulumiCli({ env: process.env, repoRoot: path.resolve(__dirname, "..", "..") });
    const cli: PulumiCli | undefined = found.kind === "found" ? found.cli : undefined;
    let engines: Engine[] = parsed.args.engines.length > 0 ? [...new Set(parsed.args.engines)] : cli ? ["host", "cli"] : ["host"];
    if (engines.includes("cli") && !cli) {
        const why =
            found.kind === "unusable"
                ? found.message
                : `none found (${found.kind === "missing" ? found.looked.join(", ") : ""}); npm run pulumi:install builds one`;
        if (parsed.args.engines.includes("cli")) {
            console.error(`bench: --engine cli needs the Pulumi CLI: ${why}`);
            return 2;
        }
        engines = ["host"];
    }
    if (!cli && parsed.args.engines.length === 0)
        console.error(`bench: no Pulumi CLI (${found.kind === "unusable" ? found.message : "none found"}): provider host only`);
    const skipped = engines.includes("cli") ? [] : selected.scenarios.filter(needsCli);
    if (skipped.length > 0) console.error(`bench: through the CLI only, skipped without it: ${skipped.map((s) => s.name).join(", ")}`);
    const started = Date.now();
    const results = await runScenarios(selected.scenarios, {
        engines,
        cli,
        log: (line) => console.error(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${line}`),
    });
    console.log(report(results));
    console.log(jsonLine(results));
    const bad = results.some(
        (r) =>
            (r.kind === "create" && (r.failed > 0 || r.duplicateIsolates > 0 || (r.followUps ?? []).some((f) => f.failed > 0))) ||
            (r.kind === "cli" && (r.failed > 0 || r.exitCode !== 0)) ||
            (r.kind === "inventory" && !statesMatch(r)),
    );
    return bad ? 1 : 0;
}

if (require.main === module) {
    main().then(
        (code) => process.exit(code),
        (e: unknown) => {
            console.error(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
            process.exit(1);
        },
    );
}
