// What `npm pack` puts in the package: what the provider host and the command need, and nothing else.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as path from "path";

const repoRoot = path.resolve(__dirname, "..", "..", "..");

describe("package: npm pack contents", function () {
    this.timeout(120_000);
    let files: string[];
    let manifest: { main: string; types: string; bin: Record<string, string>; license: string; scripts: Record<string, string> };
    before(() => {
        const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
            cwd: repoRoot,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
        });
        files = (JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path).sort();
        manifest = require(path.join(repoRoot, "package.json"));
    });

    it("holds only dist/provider's JavaScript and declarations, the README, the LICENSE and package.json", () => {
        const stray = files.filter((f) => !/^dist\/provider\/.+\.(js|d\.ts)$/.test(f) && !["LICENSE", "README.md", "package.json"].includes(f));
        assert.deepEqual(stray, []);
        assert.ok(!files.some((f) => /^(test|emulator|bench|scripts|engine|examples)\/|\.map$|\.ts$(?<!\.d\.ts)/.test(f)));
    });

    it("holds what the provider host loads and what package.json points at", () => {
        for (const f of ["LICENSE", "dist/provider/lifecycle/index.js", manifest.main, manifest.types, ...Object.values(manifest.bin)]) {
            assert.ok(files.includes(f.replace(/^\.\//, "")), `${f} is in the package`);
        }
        assert.equal(manifest.license, "Apache-2.0");
    });

    it("builds dist/ on a Git install (prepare) with the package's own build, not the test build", () => {
        assert.equal(manifest.scripts.prepare, "tsc -p tsconfig.package.json");
        const tsconfig = require(path.join(repoRoot, "tsconfig.package.json")) as { include: string[] };
        assert.deepEqual(tsconfig.include, ["provider/**/*.ts"]);
    });
});
