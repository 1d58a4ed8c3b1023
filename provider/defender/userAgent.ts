/**
 * The User-Agent every request carries: `pulumi-defender-isolation/<version>`, the version read from
 * the package's own package.json (found by walking up from this file, in the source tree and in dist/).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const PACKAGE_NAME = "pulumi-defender-isolation";
const MAX_LEVELS = 6;

let cached: string | undefined;

export function userAgent(): string {
    cached ??= `${PACKAGE_NAME}/${packageVersion() ?? "unknown"}`;
    return cached;
}

function packageVersion(): string | undefined {
    let dir = __dirname;
    for (let i = 0; i < MAX_LEVELS; i++) {
        const file = join(dir, "package.json");
        if (existsSync(file)) {
            try {
                const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: unknown; version?: unknown };
                if (pkg.name === PACKAGE_NAME && typeof pkg.version === "string") return pkg.version;
            } catch {
                // not ours or unreadable: keep walking up
            }
        }
        const parent = dirname(dir);
        if (parent === dir) break;
        dir = parent;
    }
    return undefined;
}
