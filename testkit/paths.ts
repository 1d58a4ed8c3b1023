/**
 * Where the repository and its compiled tree are, found once for every test, benchmark and script that
 * needs a path: the folder of this package's package.json, walking up from here (so moving a file
 * never changes what a path means).
 */
import * as fs from "node:fs";
import * as path from "node:path";

const PACKAGE_NAME = "pulumi-defender-isolation";

function findRoot(from: string): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        try {
            if ((JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string }).name === PACKAGE_NAME) return dir;
        } catch {
            // no package.json here: keep walking up
        }
        if (path.dirname(dir) === dir) throw new Error(`${PACKAGE_NAME}'s package.json not found above ${from}`);
    }
}

/** The repository's root folder. */
export const REPO_ROOT = findRoot(__dirname);

/** A path inside the compiled tree (`dist/`), e.g. `distPath("provider/apps/cli/main.js")`. */
export function distPath(...parts: string[]): string {
    return path.join(REPO_ROOT, "dist", ...parts);
}
