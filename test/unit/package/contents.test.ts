// What `npm pack` puts in the package: what the provider host and the command need, and nothing else.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import { REPO_ROOT } from "../../../testkit/paths";

const repoRoot = REPO_ROOT;

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

    it("holds only dist/provider's JavaScript and declarations, the plugin's entry, the schema, the README, the LICENSE and package.json", () => {
        const extra = ["LICENSE", "README.md", "package.json", "plugin/pulumi-resource-defender", "schema.json"];
        const stray = files.filter((f) => !/^dist\/provider\/.+\.(js|d\.ts)$/.test(f) && !extra.includes(f));
        assert.deepEqual(stray, []);
        assert.ok(!files.some((f) => /^(test|emulator|bench|scripts|engine|examples)\/|\.map$|\.ts$(?<!\.d\.ts)/.test(f)));
    });

    it("holds what the provider host loads and what package.json points at", () => {
        for (const f of [
            "LICENSE",
            "dist/provider/lifecycle/index.js",
            "dist/provider/apps/plugin/main.js",
            "schema.json",
            manifest.main,
            manifest.types,
            ...Object.values(manifest.bin),
        ]) {
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

// The package's public surface is its exports map: the entry point, and the one address every stored
// provider text loads. Internal files cannot be deep-imported, so moving them breaks no user.
describe("package: exports map", () => {
    const name = "pulumi-defender-isolation";
    it("resolves the entry point and the provider text's address", () => {
        assert.equal(require.resolve(name), path.join(repoRoot, "dist/provider/index.js"));
        assert.equal(require.resolve(`${name}/dist/provider/lifecycle/index.js`), path.join(repoRoot, "dist/provider/lifecycle/index.js"));
    });

    it("the provider text's address serves the lifecycle (configure, check, diff, create, read, update, delete)", () => {
        const lifecycle = require(`${name}/dist/provider/lifecycle/index.js`) as Record<string, unknown>;
        for (const op of ["configure", "check", "diff", "create", "read", "update", "delete"]) assert.equal(typeof lifecycle[op], "function", op);
    });

    it("refuses a deep import of an internal file", () => {
        for (const internal of [
            `${name}/dist/provider/defender/index.js`,
            `${name}/dist/provider/resource/create.js`,
            `${name}/dist/provider/apps/cli/main.js`,
        ]) {
            assert.throws(
                () => require.resolve(internal),
                (e: NodeJS.ErrnoException) => e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED",
                internal,
            );
        }
    });
});
