// What the CLI shows a user: a bad input refused by check, a Defender failure at create, and the
// progress lines of a wait. Readable, naming the field or the device and the fix, no stack trace.
import { strict as assert } from "assert";
import * as path from "path";
import { DEFAULT_DEVICES, startEmulator, type RunningEmulator } from "../../emulator";
import { stackConfigCommands } from "../../scripts/demoSupport";
import { REPO_ROOT, requirePulumiCli } from "./support/engine";
import { sharedMinimalProgram } from "./support/userProgram";
import { CliWorkspace, isolations } from "./support/workspace";

const STACK = "messages";
const STACK_TRACE = /\n\s+at [\w$.<>[\] ]+ \(|\n\s+at \/|node:internal/;

describe("e2e: what the CLI shows", function () {
    this.timeout(5 * 60_000);
    let emulator: RunningEmulator;
    let ws: CliWorkspace;
    let program: string;

    before(async function () {
        const cli = await requirePulumiCli(this);
        this.timeout(15 * 60_000);
        emulator = await startEmulator({ tls: { dir: path.join(REPO_ROOT, ".state", "emulator-tls") }, actionDelays: { toInProgressMs: 1500, toSucceededMs: 4000 } });
        ws = new CliWorkspace(cli, { caCertPath: emulator.caCertPath, prefix: "e2e-messages-" });
        program = sharedMinimalProgram();
        await ws.ok(["stack", "init", STACK, "--non-interactive"], { cwd: program });
        for (const c of stackConfigCommands({ stack: STACK, configFile: path.join(program, `Pulumi.${STACK}.yaml`), emulatorUrl: emulator.url, credentials: { tenantId: "00000000-0000-0000-0000-000000000001", clientId: "7d3f4c2a-9b1e-4f6d-8a2c-5e0b1d9c3f47", clientSecret: "messages-suite-secret" }, pollIntervalSeconds: 0.2 })) {
            await ws.ok(c.args, { cwd: program, stdin: c.stdin });
        }
    });
    after(async () => {
        await ws?.run(["destroy", "--yes", "--stack", STACK, "--non-interactive"], { cwd: program });
        ws?.remove();
        await emulator?.stop();
    });
    const config = (key: string, value: string) => ws.ok(["config", "set", "--stack", STACK, key, value], { cwd: program });
    const run = (...args: string[]) => ws.run([...args, "--stack", STACK, "--non-interactive"], { cwd: program });

    it("a bad input: the preview fails naming the field, the allowed values and what it got; nothing is sent", async () => {
        await config("isolationType", "Sideways");
        emulator.clearRequests();
        const r = await run("preview");
        assert.notEqual(r.code, 0);
        assert.match(r.stdout, /DeviceIsolation resource 'fin-lt-042': property isolationType value \{Sideways\} has a problem: must be one of Full, Selective, UnManagedDevice \(case-sensitive\), got "Sideways"/);
        assert.doesNotMatch(r.stdout + r.stderr, STACK_TRACE);
        assert.equal(emulator.requests().filter((q) => q.path.startsWith("/api/")).length, 0);
        await config("isolationType", "Full");
    });

    it("a Defender refusal at create: the device, the request, the status and code, the correlation id, the fix", async () => {
        emulator.injectFault({ route: "isolate", kind: "status", status: 403, code: "Forbidden", message: "Missing application roles. API required roles: Machine.Isolate" });
        const r = await run("up", "--yes");
        assert.notEqual(r.code, 0);
        const line = /error: (Isolate device fin-lt-042\.contoso\.com .*)\n/.exec(r.stdout)?.[1] ?? "";
        assert.match(line, /^Isolate device fin-lt-042\.contoso\.com \([0-9a-f]{8}…\): Defender API POST \/api\/machines\/[0-9a-f]{40}\/isolate failed: 403 Forbidden — Missing application roles\. API required roles: Machine\.Isolate \(correlation id [0-9a-f-]{36}\)\. Grant the application the Machine\.Isolate permission/);
        assert.match(line, /Nothing was isolated\.$/);
        assert.doesNotMatch(r.stdout + r.stderr, STACK_TRACE);
        assert.equal(isolations(await ws.exportStack(STACK, program)).length, 0);
    });

    it("a wait: progress lines name the action, the device and its status, then how long it took", async () => {
        const r = await run("up", "--yes", "--skip-preview");
        assert.equal(r.code, 0, r.stdout);
        assert.match(r.stdout, /waiting for Isolate [0-9a-f]{8}… on fin-lt-042: Pending/);
        assert.match(r.stdout, /Isolate [0-9a-f]{8}… on fin-lt-042: Succeeded after \d+s/);
        assert.equal(emulator.machine(DEFAULT_DEVICES.finLaptop.id)?.isolation.isolated, true);
    });
});
