// The quick start, as a new user follows it: `npm pack` in the checkout, examples/minimal copied outside the
// repository as it is (no file rewritten), the tarball installed with `npm install`, `npm run emulator`
// started as a process, and the commands it printed pasted into a shell, then preview, up and destroy
// through the real Pulumi CLI.
import { strict as assert } from "assert";
import { execFileSync, spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_DEVICES } from "../../emulator";
import { REPO_ROOT, requirePulumiCli } from "../../testkit/cli/engine";
import { packThisPackage } from "../../testkit/cli/userProgram";
import { send } from "../../testkit/http/send";
import { distPath } from "../../testkit/paths";
import type { PulumiCli } from "../../scripts/engine/findCli";

const DEVICE = DEFAULT_DEVICES.finLaptop;

/** Starts `node dist/emulator/cli.js` (what `npm run emulator` runs) and waits for the block of commands it prints. */
async function startEmulatorProcess(tlsDir: string): Promise<{ child: ChildProcess; url: string; caCertPath: string; printed: string }> {
    const child = spawn(
        process.execPath,
        [distPath("emulator/cli.js"), "--port", "0", "--tls-dir", tlsDir, "--to-in-progress-ms", "200", "--to-succeeded-ms", "400"],
        {
            stdio: ["ignore", "pipe", "pipe"],
        },
    );
    let out = "";
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the emulator printed no commands within 20 s:\n${out}`)), 20_000);
        const check = () => {
            if (/pulumi preview/.test(out)) {
                clearTimeout(timer);
                resolve();
            }
        };
        child.stdout?.on("data", check);
        child.on("exit", (code) => reject(new Error(`the emulator exited ${code}:\n${out}`)));
    });
    const start = /listening on (https:\/\/\S+) \(CA file: (\S+)\)/.exec(out);
    assert.ok(start, out);
    return { child, url: start[1], caCertPath: start[2], printed: out };
}

/** The commands of the printed block, as a user pastes them: the indented lines. */
function printedCommands(printed: string): string[] {
    return printed
        .split("\n")
        .filter((l) => l.startsWith("  "))
        .map((l) => l.trim());
}

describe("e2e: the quick start, from a copy of examples/minimal outside the repository", function () {
    this.timeout(10 * 60_000);
    let cli: PulumiCli;
    let dir: string;
    let program: string;
    let emulator: Awaited<ReturnType<typeof startEmulatorProcess>>;
    let shell: (script: string) => { code: number; out: string };

    before(async function () {
        cli = await requirePulumiCli(this);
        this.timeout(15 * 60_000);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-quickstart-"));
        const tarball = packThisPackage(dir);
        program = path.join(dir, "defender-minimal");
        fs.cpSync(path.join(REPO_ROOT, "examples", "minimal"), program, { recursive: true, filter: (src) => !src.split(path.sep).includes("node_modules") });
        execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], {
            cwd: program,
            stdio: ["ignore", "pipe", "pipe"],
            timeout: 600_000,
        });
        emulator = await startEmulatorProcess(path.join(REPO_ROOT, ".state", "emulator-tls"));
        // A user's shell: the CLI (and its language host) on PATH, their own PULUMI_HOME, nothing of this test's.
        const env: NodeJS.ProcessEnv = {
            PATH: [path.dirname(cli.command), path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
            HOME: dir,
            PULUMI_HOME: path.join(dir, "pulumi-home"),
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        };
        shell = (script) => {
            try {
                const out = execFileSync("bash", ["-c", `set -euo pipefail\n${script}`], {
                    cwd: program,
                    env,
                    encoding: "utf8",
                    stdio: ["ignore", "pipe", "pipe"],
                    timeout: 300_000,
                });
                return { code: 0, out };
            } catch (e) {
                const x = e as { status?: number; stdout?: string; stderr?: string };
                return { code: x.status ?? 1, out: `${x.stdout ?? ""}\n${x.stderr ?? ""}` };
            }
        };
    });
    after(() => {
        emulator?.child.kill("SIGTERM");
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const isolated = async () => (await send(emulator.url, `/_emulator/machines/${DEVICE.id}`, {}, emulator.caCertPath)).json?.isolation?.isolated as boolean;

    it("the copy installs the package from the tarball, not a link into the file system", () => {
        const installed = path.join(program, "node_modules", "pulumi-defender-isolation");
        assert.ok(!fs.lstatSync(installed).isSymbolicLink(), "a copy of the package, not a link");
        assert.ok(fs.existsSync(path.join(installed, "dist", "provider", "index.js")));
        const manifest = JSON.parse(fs.readFileSync(path.join(program, "package.json"), "utf8")) as { dependencies: Record<string, string> };
        assert.match(manifest.dependencies["pulumi-defender-isolation"], /^file:.*pulumi-defender-isolation-\d+\.\d+\.\d+\.tgz$/);
    });

    it("npm run emulator prints the commands, with the CA's absolute path", () => {
        const commands = printedCommands(emulator.printed);
        assert.ok(path.isAbsolute(emulator.caCertPath));
        assert.ok(commands.includes(`export NODE_EXTRA_CA_CERTS=${emulator.caCertPath}`), emulator.printed);
        assert.ok(commands.includes(`pulumi config set defender:apiBaseUrl ${emulator.url}`), emulator.printed);
    });

    it("the printed commands, pasted into a shell, make a stack whose preview, up and destroy work", async () => {
        const commands = printedCommands(emulator.printed);
        const preview = shell(commands.join("\n"));
        assert.equal(preview.code, 0, preview.out);
        assert.match(preview.out, /\+\s+pulumi-nodejs:dynamic\/defender:DeviceIsolation fin-lt-042 create/);
        assert.doesNotMatch(preview.out, /TS2307|Cannot find module/);
        assert.equal(await isolated(), false, "a preview isolates nothing");

        const setup = commands.filter((c) => c.startsWith("export ") || c.startsWith("mkdir "));
        const up = shell([...setup, "pulumi up --yes --non-interactive"].join("\n"));
        assert.equal(up.code, 0, up.out);
        assert.equal(await isolated(), true, `isolated after up:\n${up.out}`);

        const destroy = shell([...setup, "pulumi destroy --yes --non-interactive"].join("\n"));
        assert.equal(destroy.code, 0, destroy.out);
        assert.equal(await isolated(), false, "released by destroy");
        assert.ok(fs.existsSync(path.join(program, ".pulumi-local", ".pulumi")), "the state is in the folder the commands named");
    });
});
