// `npm run demo` through the real Pulumi CLI: the README's main job, end to end.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT, requirePulumiCli } from "../../testkit/cli/engine";
import type { PulumiCli } from "../../scripts/engine/findCli";

describe("e2e: npm run demo with the real Pulumi CLI", function () {
    this.timeout(10 * 60_000);
    let cli: PulumiCli;
    let stateDir: string;
    let run: { code: number | null; stdout: string; stderr: string };

    before(async function () {
        cli = await requirePulumiCli(this);
        stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-demo-"));
        run = await new Promise((resolve, reject) => {
            const child = spawn(process.execPath, [path.join(REPO_ROOT, "dist", "scripts", "demo.js")], {
                cwd: REPO_ROOT,
                stdio: ["ignore", "pipe", "pipe"],
                env: { ...process.env, PULUMI_CLI: cli.command, DEMO_STATE_DIR: stateDir, CI: undefined },
            });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
            child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
            child.on("error", reject);
            child.on("close", (code) => resolve({ code, stdout, stderr }));
        });
    });
    after(() => {
        if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
    });

    /** The device table printed after a section title: device name → isolation column. */
    const table = (title: RegExp): Map<string, string> => {
        const at = run.stdout.search(title);
        assert.ok(at >= 0, `no section ${title} in:\n${run.stdout}`);
        const lines = run.stdout.slice(at).split("\n").slice(3);
        const rows = new Map<string, string>();
        for (const l of lines) {
            if (l.trim() === "" || l.startsWith("===")) break;
            const m = /^(\S+(?: \(\w+\))?)\s+(\S+)/.exec(l);
            if (m) rows.set(m[2], m[1]);
        }
        return rows;
    };
    const isolated = (rows: Map<string, string>) =>
        [...rows]
            .filter(([, v]) => v.startsWith("ISOLATED"))
            .map(([k, v]) => `${k} ${v}`)
            .sort();
    const declared = [
        "dsg-mac-11.contoso.com ISOLATED (Selective)",
        "fin-lt-042.contoso.com ISOLATED (Full)",
        "fin-lt-043.contoso.com ISOLATED (Selective)",
        "hr-lt-007.contoso.com ISOLATED (Full)",
        "web-lnx-03.contoso.com ISOLATED (Full)",
    ];

    it("ends 0, having run the real CLI", () => {
        assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
        assert.match(run.stdout, new RegExp(`^Pulumi CLI ${cli.version.replace(/\./g, "\\.")}: `));
        assert.match(run.stdout, /=== Done\n$/);
    });

    it("previews the incidents' five devices (one chosen by a selector, listed), then isolates exactly them (the root project finds examples/incidents)", () => {
        assert.deepEqual(isolated(table(/=== Devices before/)), []);
        assert.match(run.stdout, /\$ pulumi preview [^\n]*\n(?:.*\n)*?Resources:\n\s+\+ 6 to create\n/);
        assert.match(run.stdout, /INC-2060 selects 1 device \(whenDeselected: keep\):\n.*select\[0\] \(tag "HR"\) matches 1 device: hr-lt-007\.contoso\.com/);
        assert.deepEqual(isolated(table(/=== Devices after `pulumi up`: the incidents/)), declared);
    });

    it("repairs a release behind Pulumi's back: refresh reports it, the next up isolates the device again", () => {
        assert.deepEqual(
            isolated(table(/released behind Pulumi's back/)),
            declared.filter((d) => !d.startsWith("fin-lt-042")),
        );
        assert.match(run.stdout, /fin-lt-042\.contoso\.com \([0-9a-f]{8}…\): released since this isolation by portal-user@contoso\.com/);
        assert.match(run.stdout, /Resources:\n\s+\+ 1 created\n\s+5 unchanged\n/);
        assert.deepEqual(isolated(table(/is isolated again/)), declared);
    });

    it("destroys: every device released, the stack removed", () => {
        assert.match(run.stdout, /Resources:\n\s+- 6 deleted\n/);
        assert.deepEqual(isolated(table(/=== After `pulumi destroy`/)), []);
        assert.ok(!fs.readdirSync(stateDir).some((f) => f.startsWith("Pulumi.")), "the stack config file is removed");
    });

    it("prints no secret and no stack trace", () => {
        assert.doesNotMatch(`${run.stdout}${run.stderr}`, /clientSecret["=:]\s*"?[A-Za-z0-9_-]{10,}|\n\s+at [\w.<>]+ \(/);
    });
});
