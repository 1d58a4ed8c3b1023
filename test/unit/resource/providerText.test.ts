/**
 * The provider text every DeviceIsolation stores as `__provider`, loaded the way the dynamic-provider
 * host loads it (require-from-string from its working directory, then `handler()`): it hands back the
 * installed package's lifecycle module, finds this repository's own build by walking up, and says what
 * to do when the package is nowhere.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROVIDER_TEXT } from "../../../provider/resource/deviceIsolation";
import { REPO_ROOT } from "../../../testkit/paths";

const LIFECYCLE = path.join(REPO_ROOT, "dist/provider/lifecycle/index.js");

/** In a node process of its own started in `cwd`, as the host runs: the methods loaded, and whether they are this build's. */
function loadIn(cwd: string): { methods?: string[]; same?: boolean; error?: string } {
    const script = `
        const text = require(${JSON.stringify(path.join(REPO_ROOT, "dist/provider/resource/deviceIsolation.js"))}).PROVIDER_TEXT;
        let out;
        try {
            const p = require(${JSON.stringify(require.resolve("require-from-string"))})(text).handler();
            out = { methods: Object.keys(p).filter((k) => typeof p[k] === "function").sort(), same: p === require(${JSON.stringify(LIFECYCLE)}) };
        } catch (e) { out = { error: e.message }; }
        process.stdout.write(JSON.stringify(out));`;
    return JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd, encoding: "utf8" }));
}

describe("the provider text stored in state", () => {
    let tmp: string;
    beforeEach(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "provider-text-"));
    });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("is small: under 450 bytes, stored twice per resource", () => {
        assert.ok(Buffer.byteLength(PROVIDER_TEXT) < 450, `${Buffer.byteLength(PROVIDER_TEXT)} B`);
        assert.doesNotMatch(PROVIDER_TEXT, /"/, "no double quote: JSON stores it unescaped");
    });

    it("loads the installed package's lifecycle from the program's folder", () => {
        fs.mkdirSync(path.join(tmp, "node_modules"));
        fs.symlinkSync(REPO_ROOT, path.join(tmp, "node_modules", "pulumi-defender-isolation"));
        assert.deepEqual(loadIn(tmp), { methods: ["check", "configure", "create", "delete", "diff", "read", "update"], same: true });
    });

    it("finds this repository's build from a folder inside it (the root project's program)", () => {
        assert.deepEqual(loadIn(path.join(REPO_ROOT, "dist", "provider", "apps", "gitops")), {
            methods: ["check", "configure", "create", "delete", "diff", "read", "update"],
            same: true,
        });
    });

    it("names the package and the folder when it is not installed", () => {
        const { error } = loadIn(tmp);
        assert.ok(error?.includes("pulumi-defender-isolation is not installed where this Pulumi program runs") && error.includes(fs.realpathSync(tmp)), error);
    });
});
