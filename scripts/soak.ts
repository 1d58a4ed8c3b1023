/**
 * Soak: the load scenario (N declarations up and down at once, seeded faults, Defender's rate limits)
 * over many seeds and bigger N than `npm test` runs. Prints one line per run and every invariant
 * violation (or outcome its fault plan did not predict) with its seed; exits 1 if any run had one,
 * 2 on bad options.
 *
 *   npm run soak                                  # 10 runs of 500, random seeds
 *   npm run soak -- --runs 50 --n 1000 --fault-rate 0.7
 *   SEED=2187043178 npm run soak -- --runs 1 --n 200   # replay one run
 *
 * Only 127.0.0.1 is ever contacted: the emulator runs in this process.
 */
import { runLoad, seedFromEnv } from "../testkit/faults/faultLoad";

export interface SoakOptions {
    /** Load runs, each with its own seed (the first is SEED when set). @default 10 */
    runs: number;
    /** Declarations per run. @default 500 */
    n: number;
    /** Share of declarations given a fault of their own. @default 0.5 */
    faultRate: number;
    /** Stop starting new runs after this many minutes. @default 30 */
    minutes: number;
}

export const DEFAULT_SOAK_OPTIONS: SoakOptions = { runs: 10, n: 500, faultRate: 0.5, minutes: 30 };

const FLAGS: Record<string, { key: keyof SoakOptions; min: number; max: number; integer: boolean }> = {
    "--runs": { key: "runs", min: 1, max: 10_000, integer: true },
    "--n": { key: "n", min: 1, max: 5000, integer: true },
    "--fault-rate": { key: "faultRate", min: 0, max: 1, integer: false },
    "--minutes": { key: "minutes", min: 1, max: 24 * 60, integer: false },
};

/** The options, or every problem (each naming the flag and what it takes). */
export function parseSoakArgs(argv: readonly string[]): { options: SoakOptions; problems: string[] } {
    const options = { ...DEFAULT_SOAK_OPTIONS };
    const problems: string[] = [];
    for (let i = 0; i < argv.length; i += 2) {
        const flag = FLAGS[argv[i]];
        if (!flag) {
            problems.push(`${argv[i]}: unknown flag; known: ${Object.keys(FLAGS).join(", ")}`);
            continue;
        }
        const value = Number(argv[i + 1]);
        if (argv[i + 1] === undefined || !Number.isFinite(value) || value < flag.min || value > flag.max || (flag.integer && !Number.isInteger(value))) {
            problems.push(
                `${argv[i]} takes ${flag.integer ? "a whole number" : "a number"} from ${flag.min} to ${flag.max}; got ${JSON.stringify(argv[i + 1] ?? "nothing")}`,
            );
            continue;
        }
        options[flag.key] = value;
    }
    return { options, problems };
}

async function main(): Promise<number> {
    const { options, problems } = parseSoakArgs(process.argv.slice(2));
    let firstSeed: number;
    try {
        firstSeed = seedFromEnv();
    } catch (e) {
        problems.push((e as Error).message);
        firstSeed = 0;
    }
    if (problems.length > 0) {
        for (const p of problems) console.error(`soak: ${p}`);
        return 2;
    }
    const deadline = Date.now() + options.minutes * 60_000;
    let broken = 0;
    let ran = 0;
    for (let run = 0; run < options.runs && Date.now() < deadline; run++) {
        const seed = run === 0 ? firstSeed : Math.floor(Math.random() * 0xffffffff);
        const r = await runLoad({ n: options.n, seed, faultRate: options.faultRate });
        ran++;
        const bad = [...r.invariants.violations.map((v) => `invariant ${v.invariant}: ${v.message}`), ...r.unexpected.map((u) => `unexpected outcome: ${u}`)];
        console.log(
            `run ${run + 1}/${options.runs} seed ${seed}: n ${r.n}, created ${r.created} (+${r.createRecorded} recorded), create failed ${r.createFailed}, destroyed ${r.destroyed}, destroy failed ${r.destroyFailed}, faults ${r.faults}, invariant checks ${r.invariants.checks}, ${r.ms} ms: ${bad.length === 0 ? "ok" : `${bad.length} VIOLATIONS`}`,
        );
        for (const line of bad) console.log(`  seed ${seed} ${line}`);
        if (bad.length > 0) broken++;
    }
    console.log(`soak: ${ran} runs, ${broken} with violations`);
    return broken > 0 ? 1 : 0;
}

if (require.main === module) {
    main().then(
        (code) => {
            process.exitCode = code;
        },
        (e: unknown) => {
            console.error(e);
            process.exitCode = 1;
        },
    );
}
