// The demo script's control flow, with a stand-in CLI that records its calls (and fails on demand).
// The demo through the real CLI is test/e2e/demo.test.ts.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { distPath } from "../../../../testkit/paths";
import { parallelFlags } from "../../../../scripts/engine/parallelism";

const DEMO = distPath("scripts/demo.js");

interface Run {
    code: number | null;
    stdout: string;
    stderr: string;
}

function runDemo(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<Run> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [DEMO], { env, stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("exit", (code) => resolve({ code, stdout, stderr }));
    });
}

/** A `pulumi` that logs each call (and how much arrived on stdin) and fails on `FAKE_FAIL_ON`. */
const FAKE_PULUMI = `#!/bin/sh
if [ "$1" = "version" ]; then echo "$FAKE_VERSION"; exit 0; fi
if [ "$1" = "config" ] && [ "$(echo "$@" | grep -c -- --secret)" = "1" ]; then
  input=$(cat); echo "$* <stdin ${"$"}{#input} chars>" >> "$FAKE_LOG"
else
  echo "$*" >> "$FAKE_LOG"
fi
if [ "$1" = "up" ]; then echo "env $PULUMI_BACKEND_URL $NODE_EXTRA_CA_CERTS $PULUMI_CONFIG_PASSPHRASE" >> "$FAKE_LOG"; fi
if [ -n "$FAKE_FAIL_ON" ] && [ "$1" = "$FAKE_FAIL_ON" ]; then echo "error: $1 failed" >&2; exit 3; fi
exit 0
`;

describe("demo script", function () {
    this.timeout(60_000);
    let tmp: string;
    beforeEach(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "demo-"));
    });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    /** An environment with nothing installed: empty PATH entries, empty home and npm cache. */
    const bareEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
        for (const d of ["empty-bin", "home", "npm-cache", "state"]) fs.mkdirSync(path.join(tmp, d), { recursive: true });
        return {
            PATH: path.join(tmp, "empty-bin"),
            HOME: path.join(tmp, "home"),
            npm_config_cache: path.join(tmp, "npm-cache"),
            DEMO_STATE_DIR: path.join(tmp, "state"),
            ...extra,
        };
    };

    const withFakeCli = (extra: NodeJS.ProcessEnv = {}) => {
        const bin = path.join(tmp, "bin");
        fs.mkdirSync(bin);
        fs.writeFileSync(path.join(bin, "pulumi"), FAKE_PULUMI, { mode: 0o755 });
        return bareEnv({
            PULUMI_CLI: path.join(bin, "pulumi"),
            PATH: "/usr/bin:/bin",
            FAKE_LOG: path.join(tmp, "calls.log"),
            FAKE_VERSION: "v3.276.0",
            ...extra,
        });
    };

    it("refuses a CLI older than the minimum, naming both versions, before starting anything", async () => {
        const run = await runDemo(withFakeCli({ FAKE_VERSION: "v3.100.0" }));
        assert.equal(run.code, 2);
        assert.match(run.stderr, /is v3\.100\.0, and this project needs 3\.142\.0 or newer/);
        assert.equal(run.stdout, "");
        assert.ok(!fs.existsSync(path.join(tmp, "calls.log")), "no pulumi command was run");
        assert.deepEqual(fs.readdirSync(path.join(tmp, "state")), [], "no state folder, no emulator CA");
    });

    const calls = () => fs.readFileSync(path.join(tmp, "calls.log"), "utf8").trim().split("\n");

    /** The calls, with the generated stack name and temp paths made stable. */
    const normalized = () => {
        const lines = calls();
        const stack = /^stack init (demo-[a-z0-9]+) /.exec(lines[0])?.[1];
        assert.ok(stack, lines[0]);
        return lines.map((l) =>
            l
                .split(stack)
                .join("STACK")
                .split(tmp)
                .join("TMP")
                .replace(/https:\/\/127\.0\.0\.1:\d+/g, "EMULATOR"),
        );
    };
    const config = (rest: string) => `config set --stack STACK --config-file TMP/state/Pulumi.STACK.yaml ${rest}`;
    const flags = "--stack STACK --config-file TMP/state/Pulumi.STACK.yaml --non-interactive";
    // The demo runs the engine with as many slots as Defender starts isolations in an hour.
    const quiet = ["--suppress-progress", "--suppress-outputs", ...parallelFlags()].join(" ");
    const envLine = "env file://TMP/state/demo-backend TMP/state/emulator-tls/ca.pem demo-only-not-a-secret";

    it("drives the CLI: stack, config (secret on stdin), preview, up, out-of-band release, up, destroy, stack rm", async () => {
        const run = await runDemo(withFakeCli());
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(normalized(), [
            "stack init STACK --non-interactive",
            config("defender:apiBaseUrl EMULATOR"),
            config("defender:authorityHost EMULATOR"),
            config("defender:tenantId 00000000-0000-0000-0000-000000000001"),
            config("defender:clientId 7d3f4c2a-9b1e-4f6d-8a2c-5e0b1d9c3f47"),
            config("--secret defender:clientSecret <stdin 24 chars>"),
            config("defender:pollIntervalSeconds 0.2"),
            `preview ${flags} ${quiet}`,
            `up --yes --skip-preview ${flags} ${quiet}`,
            envLine,
            `up --yes --skip-preview ${flags} ${quiet}`,
            envLine,
            `destroy --yes --skip-preview ${flags} ${quiet}`,
            "stack rm --yes --force --stack STACK --non-interactive",
        ]);
        assert.match(run.stdout, /=== Devices before: nothing isolated\nisolation +device +id/);
        assert.match(run.stdout, /=== fin-lt-042\.contoso\.com released behind Pulumi's back\n/);
        assert.match(run.stdout, /=== Done\n$/);
        assert.ok(fs.existsSync(path.join(tmp, "state", "emulator-tls", "ca.pem")));
        assert.ok(!fs.readdirSync(path.join(tmp, "state")).some((f) => f.startsWith("Pulumi.")), "the stack config file is removed");
    });

    it("after a failed step still destroys and removes the stack, then exits 1", async () => {
        const run = await runDemo(withFakeCli({ FAKE_FAIL_ON: "up" }));
        assert.equal(run.code, 1);
        assert.deepEqual(normalized().slice(-4), [
            `up --yes --skip-preview ${flags} ${quiet}`,
            envLine,
            `destroy --yes --skip-preview ${flags} ${quiet}`,
            "stack rm --yes --force --stack STACK --non-interactive",
        ]);
        assert.match(run.stderr, /The demo failed: pulumi up --yes .* failed \(exit code 3\)\n$/);
    });
});
