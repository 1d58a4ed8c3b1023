/**
 * The engine's parallelism, as the program sees it, and the warning when it is too low for the
 * declared devices. Pulumi.yaml and the stack config cannot set it (only `--parallel` or
 * PULUMI_PARALLEL on the command can), so the program says so when the command did not.
 *
 * A create that waits for Defender's action holds one of the engine's slots for its whole wait. With
 * fewer slots than declared devices, the isolations go a slot at a time: the engine's default, 4 per
 * CPU, turned 150 waited isolations into 2.9 times what Defender's limits allow (188 s; 77 s at 1500).
 */
import { DEFAULT_RATE_LIMITS } from "../../defender/pacing";

/** Defender's hourly budget per API: the most isolations (or releases) one application starts in an hour. */
export const RECOMMENDED_PARALLELISM = Math.max(...DEFAULT_RATE_LIMITS.map((l) => l.calls));

/**
 * The engine's parallelism, which the language host hands the Node program (PULUMI_NODEJS_PARALLEL);
 * undefined when unknown (a test, another host).
 */
export function engineParallelism(env: NodeJS.ProcessEnv = process.env): number | undefined {
    const text = env.PULUMI_NODEJS_PARALLEL;
    if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
    const n = Number(text);
    return n > 0 ? n : undefined;
}

/**
 * The warning when the declared devices outnumber the engine's slots; undefined when they do not (or the
 * parallelism is unknown). Waits or not: the project refreshes every run (`refresh: always`), and with
 * few slots the engine hands the refresh's reads to the provider a few at a time, too few to batch (a
 * refresh of 500 with the program: 740 read calls at 8 slots, 58 at 1500).
 */
export function parallelismWarning(devices: number, waitForCompletion: boolean, parallel: number | undefined): string | undefined {
    if (parallel === undefined || devices <= parallel) return undefined;
    const waits = waitForCompletion ? `each isolation or release holds one while it waits for Defender, and ` : "";
    return (
        `The engine runs ${parallel} resource operations at once (--parallel), fewer than the ${devices} declared devices: ${waits}` +
        `the refresh reads them a few at a time, too few to share a request, so the run is slower than Defender's limits require. ` +
        `Run the command with --parallel ${RECOMMENDED_PARALLELISM} (or set PULUMI_PARALLEL=${RECOMMENDED_PARALLELISM}): ` +
        `Defender starts at most ${RECOMMENDED_PARALLELISM} isolations an hour per application. See docs/scaling.md.`
    );
}
