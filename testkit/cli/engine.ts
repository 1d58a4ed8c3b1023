/**
 * The real Pulumi CLI for the end-to-end suites: found by the project's one lookup rule
 * (scripts/engine/findCli.ts), or built at the pinned release when there is none and Go is here.
 *
 * A suite that needs it never passes silently without it: under CI (CI=true) a missing or unusable
 * CLI fails the suite with the reason; elsewhere it prints one `skipped: no Pulumi CLI (...)` line and
 * the suite's tests count as pending in mocha's summary.
 */
import { findPulumiCli, type PulumiCli } from "../../scripts/engine/findCli";
import { installEngine } from "../../scripts/engine/install";

export { REPO_ROOT } from "../paths";
import { REPO_ROOT } from "../paths";

let lookup: Promise<PulumiCli | string> | undefined;
let skipShown = false;

async function locate(): Promise<PulumiCli | string> {
    let found = findPulumiCli({ env: process.env, repoRoot: REPO_ROOT });
    if (found.kind === "missing") {
        try {
            await installEngine({ repoRoot: REPO_ROOT, log: process.stderr });
        } catch (e) {
            return `none found (${found.looked.join(", ")}) and none could be built: ${e instanceof Error ? e.message : String(e)}`;
        }
        found = findPulumiCli({ env: process.env, repoRoot: REPO_ROOT });
    }
    if (found.kind === "found") return found.cli;
    return found.kind === "unusable" ? found.message : `none found after building (${found.looked.join(", ")})`;
}

/** Call from a suite's `before` hook: the CLI, or the suite fails (CI) or is skipped (elsewhere). */
export async function requirePulumiCli(ctx: Mocha.Context): Promise<PulumiCli> {
    ctx.timeout(40 * 60_000); // a cold build of the CLI takes minutes
    lookup ??= locate();
    const result = await lookup;
    if (typeof result !== "string") return result;
    if (process.env.CI === "true") throw new Error(`The end-to-end suites need the Pulumi CLI: ${result}`);
    if (!skipShown) {
        skipShown = true;
        process.stdout.write(`\n  skipped: no Pulumi CLI (${result})\n\n`);
    }
    ctx.skip();
}
