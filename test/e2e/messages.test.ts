// What the CLI shows a user: a bad input refused by check, a Defender failure at create, a refresh
// that fails, and the progress lines of a wait. Readable, naming the field or the device and the fix,
// no stack trace.
import { strict as assert } from "assert";
import { DEFAULT_DEVICES } from "../../emulator";
import { requirePulumiCli } from "../../testkit/cli/engine";
import { openStack, type E2eStack } from "../../testkit/cli/stack";
import { sharedMinimalProgram } from "../../testkit/cli/userProgram";
import { isolations } from "../../testkit/cli/workspace";

const STACK_TRACE = /\n\s+at [\w$.<>[\] ]+ \(|\n\s+at \/|node:internal/;

describe("e2e: what the CLI shows", function () {
    this.timeout(5 * 60_000);
    let s: E2eStack;

    before(async function () {
        const cli = await requirePulumiCli(this);
        this.timeout(15 * 60_000);
        s = await openStack({
            cli,
            cwd: sharedMinimalProgram(),
            stack: "messages",
            clientSecret: "messages-suite-secret",
            prefix: "e2e-messages-",
            emulator: { actionDelays: { toInProgressMs: 1500, toSucceededMs: 4000 } },
        });
    });
    after(async () => {
        await s?.run("destroy", "--yes");
        await s?.stop();
    });

    it("a bad input: the preview fails naming the field, the allowed values and what it got; nothing is sent", async () => {
        await s.config("isolationType", "Sideways");
        s.emulator.clearRequests();
        const r = await s.run("preview");
        assert.notEqual(r.code, 0);
        assert.match(
            r.stdout,
            /DeviceIsolation resource 'fin-lt-042': property isolationType value \{Sideways\} has a problem: must be one of Full, Selective, UnManagedDevice \(case-sensitive\), got "Sideways"/,
        );
        assert.doesNotMatch(r.stdout + r.stderr, STACK_TRACE);
        assert.equal(s.emulator.requests().filter((q) => q.path.startsWith("/api/")).length, 0);
        await s.config("isolationType", "Full");
    });

    it("a client secret not set: the preview says so once, naming the key and the fix; no stack trace; nothing sent", async () => {
        await s.ok("config", "rm", "defender:clientSecret");
        s.emulator.clearRequests();
        try {
            const r = await s.run("preview");
            assert.notEqual(r.code, 0);
            const all = r.stdout + r.stderr;
            // The engine's progress line shows the first line of a message, its diagnostics the whole: the problem once.
            assert.equal(all.match(/clientSecret is missing/g)?.length, 1, all);
            assert.match(all, /Invalid provider configuration:/);
            assert.match(all, /pulumi config set defender:<key> <value>' \('--secret' for defender:clientSecret\)/);
            assert.doesNotMatch(all, STACK_TRACE);
            assert.equal(s.emulator.requests().length, 0, "neither a token request nor an API call");
        } finally {
            // On stdin, as a user is told to: never on a command line.
            await s.ws.ok(["config", "set", ...s.flags.slice(0, -1), "--secret", "defender:clientSecret"], { cwd: s.cwd, stdin: "messages-suite-secret" });
        }
    });

    it("a Defender refusal at create: the device, the request, the status and code, the correlation id, the fix", async () => {
        s.emulator.injectFault({
            route: "isolate",
            kind: "status",
            status: 403,
            code: "Forbidden",
            message: "Missing application roles. API required roles: Machine.Isolate",
        });
        const r = await s.run("up", "--yes");
        assert.notEqual(r.code, 0);
        const line = /error: (Isolate device fin-lt-042\.contoso\.com .*)\n/.exec(r.stdout)?.[1] ?? "";
        assert.match(
            line,
            /^Isolate device fin-lt-042\.contoso\.com \([0-9a-f]{8}…\): Defender API POST \/api\/machines\/[0-9a-f]{40}\/isolate failed: 403 Forbidden — Missing application roles\. API required roles: Machine\.Isolate \(correlation id [0-9a-f-]{36}\)\. Grant the application the Machine\.Isolate permission/,
        );
        assert.match(line, /Nothing was isolated\.$/);
        assert.doesNotMatch(r.stdout + r.stderr, STACK_TRACE);
        assert.equal(isolations(await s.exported()).length, 0);
    });

    it("a wait: progress lines name the action, the device and its status, then how long it took", async () => {
        const r = await s.ok("up", "--yes", "--skip-preview");
        assert.match(r.stdout, /waiting for Isolate [0-9a-f]{8}… on fin-lt-042: Pending/);
        assert.match(r.stdout, /Isolate [0-9a-f]{8}… on fin-lt-042: Succeeded after \d+s/);
        assert.equal(s.emulator.machine(DEFAULT_DEVICES.finLaptop.id)?.isolation.isolated, true);
    });

    it("a refresh that fails: the device and the fix, no stack trace, state unchanged", async () => {
        s.emulator.injectFault({
            route: "GET /api/machineactions/*",
            kind: "status",
            status: 403,
            code: "Forbidden",
            message: "Missing application roles",
            count: 20,
        });
        s.emulator.injectFault({
            route: "GET /api/machineactions",
            kind: "status",
            status: 403,
            code: "Forbidden",
            message: "Missing application roles",
            count: 20,
        });
        const before = isolations(await s.exported());
        const r = await s.run("refresh", "--yes");
        s.emulator.clearFaults();
        assert.notEqual(r.code, 0);
        assert.match(r.stdout, /Refresh of fin-lt-042\.contoso\.com .*403 Forbidden.*Grant the application/);
        assert.doesNotMatch(r.stdout + r.stderr, STACK_TRACE);
        assert.deepEqual(
            isolations(await s.exported()).map((x) => x.id),
            before.map((x) => x.id),
        );
    });
});
