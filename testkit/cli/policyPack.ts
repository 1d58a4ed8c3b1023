/**
 * The policy pack (policy/) ready to run: its own dependencies installed from its lockfile, and
 * compiled from the current sources. The install is repeated only when the lockfile changed since the
 * last one made here (a stamp in policy/node_modules); the compile always runs (a few seconds).
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "./engine";

export const POLICY_DIR = path.join(REPO_ROOT, "policy");

function npm(args: string[], cwd: string): void {
    const r = spawnSync("npm", args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_fund: "false", npm_config_audit: "false" } });
    if (r.status !== 0) throw new Error(`npm ${args.join(" ")} in ${cwd} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
}

export function preparePolicyPack(): string {
    const lock = fs.readFileSync(path.join(POLICY_DIR, "package-lock.json"));
    const digest = createHash("sha256").update(lock).digest("hex");
    const stamp = path.join(POLICY_DIR, "node_modules", ".installed-lockfile-sha256");
    if (!fs.existsSync(stamp) || fs.readFileSync(stamp, "utf8") !== digest) {
        npm(["ci"], POLICY_DIR);
        fs.writeFileSync(stamp, digest);
    }
    npm(["run", "build", "--silent"], POLICY_DIR);
    return POLICY_DIR;
}
