// What a Pulumi program loads before its first registration: the package's entry point and the GitOps
// program declare resources without the Defender client's dependencies (@azure/identity and axios,
// about a second of a busy two-core runner), which only the provider host and the inventory need.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import { REPO_ROOT } from "../../../testkit/paths";

/** The packages among the modules a fresh Node process holds after requiring `entry`. */
function loadedBy(entry: string): string[] {
    const script = `require(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(require.cache)));`;
    const out = execFileSync(process.execPath, ["-e", script], { cwd: REPO_ROOT, encoding: "utf8", timeout: 60_000 });
    const packages = (JSON.parse(out) as string[])
        .map((f) => /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(f)?.[1]?.replace("\\", "/"))
        .filter((p) => p !== undefined);
    return [...new Set(packages)].sort();
}

const CLIENT_ONLY = ["@azure/identity", "@azure/msal-node", "axios"];

describe("package: what a program loads before it declares anything", function () {
    this.timeout(120_000);

    it("the package's entry point: no Defender client dependency (the inventory loads it when called)", () => {
        const loaded = loadedBy(path.join(REPO_ROOT, "dist", "provider", "index.js"));
        assert.ok(loaded.includes("@pulumi/pulumi"), loaded.join(", "));
        assert.deepEqual(
            loaded.filter((p) => CLIENT_ONLY.includes(p)),
            [],
        );
    });

    it("the GitOps program: none either (names are looked up with a client loaded then)", () => {
        const loaded = loadedBy(path.join(REPO_ROOT, "dist", "provider", "apps", "gitops", "main.js"));
        assert.deepEqual(
            loaded.filter((p) => CLIENT_ONLY.includes(p)),
            [],
        );
    });

    it("the provider host's entry does load them: the check can fail", () => {
        const loaded = loadedBy(path.join(REPO_ROOT, "dist", "provider", "lifecycle", "index.js"));
        assert.deepEqual(
            loaded.filter((p) => CLIENT_ONLY.includes(p)),
            CLIENT_ONLY,
        );
    });
});
