import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

// The Defender layer knows nothing of Pulumi: it is loaded by the provider at call time and must
// stay free of anything Pulumi serializes or registers.
describe("defender/layering", () => {
    it("no file under provider/defender imports @pulumi/*", () => {
        const dir = join(__dirname, "..", "..", "..", "provider", "defender");
        const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));
        assert.ok(files.includes("transport.ts"), `not the source folder: ${dir}`);
        const offenders = files.filter((f) => /(from\s+|require\()\s*["']@pulumi\//.test(readFileSync(join(dir, f), "utf8")));
        assert.deepEqual(offenders, []);
    });
});
