// Exit codes, bad settings and failures of `defender-isolation`, as a child process against the emulator.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type RunningEmulator } from "../../../../emulator";
import { parseIncidentFile } from "../../../../provider/incidents/incidentFile";
import { CLIENT_ID, CLIENT_SECRET, FAST_EMULATOR, REPO_ROOT, TENANT_ID } from "../../../../testkit/world";
import { apiRequests, at, commandEnv, runCommand, seedEveryState, type SeededFleet } from "../../../../testkit/cli/command";

describe("cli: exit codes, settings and failures", function () {
    this.timeout(60_000);
    let emu: RunningEmulator;
    let fleet: SeededFleet;
    let tmp: string;
    const outputs: string[] = [];
    const run = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
        const r = await runCommand(args, commandEnv(emu, extraEnv));
        outputs.push(r.stdout, r.stderr);
        return r;
    };

    before(async () => {
        emu = await startEmulator({ ...FAST_EMULATOR, clients: [{ tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }] });
        fleet = await seedEveryState(emu);
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "inventory-exit-"));
    });
    beforeEach(() => {
        emu.clearRequests();
        emu.clearFaults();
    });
    after(async () => {
        await emu?.stop();
        fs.rmSync(tmp, { recursive: true, force: true });
        assert.ok(
            outputs.every((o) => !o.includes(CLIENT_SECRET)),
            "the client secret appeared in the command's output",
        );
    });

    it("help: exit 0, the usage on stdout", async () => {
        const r = await run(["help"]);
        assert.equal(r.code, 0);
        assert.match(r.stdout, /^usage: defender-isolation <command> \[options\]/);
        assert.match(r.stdout, /exit codes: 0 done, 1 Defender \(or the Pulumi CLI\) failed, 2 bad usage/);
    });

    it("help status: exit 0, the options of status only", async () => {
        for (const argv of [
            ["help", "status"],
            ["status", "--help"],
        ]) {
            const r = await run(argv);
            assert.equal(r.code, 0, argv.join(" "));
            assert.match(r.stdout, /^usage: defender-isolation status \[options\]/);
            assert.match(r.stdout, /--wide\s+the table with every column in full/);
            assert.doesNotMatch(r.stdout, /--out <file>/);
        }
    });

    it("--version: the package's version, exit 0, nothing sent", async () => {
        const r = await run(["--version"]);
        assert.equal(r.code, 0);
        const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
        assert.equal(r.stdout, `pulumi-defender-isolation ${version}\n`);
    });

    describe("bad usage: exit 2, the flag named, nothing sent (not even a token request)", () => {
        const CASES: Array<{ name: string; args: string[]; env?: NodeJS.ProcessEnv; expected: RegExp }> = [
            { name: "an unknown flag", args: ["status", "--colour"], expected: /unknown option '--colour'/ },
            {
                name: "a mistyped flag",
                args: ["status", "--incident", "x", "--markdwon"],
                expected: /unknown option '--markdwon': did you mean '--markdown'\?/,
            },
            { name: "an unknown command", args: ["list"], expected: /unknown command 'list'/ },
            { name: "a bad --machine", args: ["status", "--machine", "fin lt"], expected: /--machine must be a device id/ },
            {
                name: "plain http to a remote API",
                args: ["status", "--api-base-url", "http://api.example.com"],
                expected: /--api-base-url must use https \(plain http is allowed only on a loopback host/,
            },
            { name: "an unknown cloud", args: ["status", "--cloud", "Azure"], expected: /--cloud must be one of Commercial, GCC, GCCHigh, DoD; got "Azure"/ },
            {
                name: "a scope without /.default",
                args: ["status", "--scope", "https://api.securitycenter.microsoft.com"],
                expected: /--scope must be a token scope ending with "\/\.default"/,
            },
            {
                name: "a client id that is not a GUID",
                args: ["status"],
                env: { AZURE_CLIENT_ID: "my-app" },
                expected: /AZURE_CLIENT_ID must be the application \(client\) id, a GUID/,
            },
            {
                name: "a secret without its tenant",
                args: ["status"],
                env: { AZURE_TENANT_ID: "" },
                expected: /AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET go together: AZURE_TENANT_ID is missing/,
            },
            { name: "export without --incident", args: ["export"], expected: /--incident is required/ },
            { name: "export with a bad incident id", args: ["export", "--incident", "INC 1"], expected: /--incident must be letters, digits/ },
        ];
        for (const c of CASES) {
            it(c.name, async () => {
                const r = await run([...c.args, ...(c.args.includes("--api-base-url") ? [] : at(emu))], c.env);
                assert.equal(r.code, 2, r.stderr);
                assert.match(r.stderr, c.expected);
                assert.equal(r.stdout, "");
                assert.deepEqual(
                    emu.requests().map((q) => q.url),
                    [],
                );
            });
        }

        it("every bad setting at once", async () => {
            const r = await run(["status", "--cloud", "Azure", "--api-base-url", "ftp://x", "--authority-host", "http://login.example"]);
            assert.equal(r.code, 2);
            assert.deepEqual(
                r.stderr
                    .split("\n")
                    .filter((l) => l.startsWith("  - "))
                    .map((l) => l.split(" must ")[0]),
                ["  - --cloud", "  - --api-base-url", "  - --authority-host"],
            );
        });
    });

    describe("Defender failures: exit 1, Defender's words, nothing partial on stdout", () => {
        it("a wrong client secret", async () => {
            const r = await run(["status", ...at(emu)], { AZURE_CLIENT_SECRET: "wrong-secret-value" });
            assert.equal(r.code, 1);
            assert.match(r.stderr, /token request .* failed/i);
            assert.match(r.stderr, /AADSTS7000215/);
            assert.equal(r.stdout, "");
            assert.ok(!r.stderr.includes("wrong-secret-value"));
        });

        it("a listing refused (403)", async () => {
            emu.injectFault({
                route: "listActions",
                kind: "status",
                status: 403,
                code: "Forbidden",
                message: "Missing application roles. API required roles: Machine.Read.All",
                count: 10,
            });
            const r = await run(["status", "--json", ...at(emu)]);
            assert.equal(r.code, 1);
            assert.match(r.stderr, /Defender API GET \/api\/machineactions\?.* failed: 403 Forbidden — Missing application roles/);
            assert.equal(r.stdout, "");
        });

        it("a listing that keeps failing (500): retried, then exit 1", async () => {
            emu.injectFault({ route: "listActions", kind: "status", status: 500, count: 100 });
            const r = await run(["status", ...at(emu)]);
            assert.equal(r.code, 1);
            assert.match(r.stderr, /500 InternalServerError.*after \d+ attempts/);
        });

        it("a transient 503 is retried: exit 0", async () => {
            emu.injectFault({ route: "listActions", kind: "status", status: 503, count: 1 });
            const r = await run(["status", "--json", ...at(emu)]);
            assert.equal(r.code, 0, r.stderr);
            assert.equal((JSON.parse(r.stdout) as { devices: unknown[] }).devices.length, 5);
        });

        it("an API that cannot be reached", async () => {
            const r = await run(["status", "--api-base-url", "https://127.0.0.1:1", "--authority-host", emu.url]);
            assert.equal(r.code, 1);
            assert.match(r.stderr, /no response \(ECONNREFUSED\)/);
        });
    });

    describe("export", () => {
        it("--out: the file, which the incident parser accepts; refuses to overwrite without --force", async () => {
            const out = path.join(tmp, "inc-3000.yaml");
            const r = await run(["export", "--incident", "INC-3000", "--title", "Adopted isolations", "--out", out, ...at(emu)]);
            assert.equal(r.code, 0, r.stderr);
            assert.equal(r.stdout, "");
            assert.match(r.stderr, /INC-3000 declares 3 devices in .*inc-3000\.yaml/);
            assert.match(r.stderr, /left out dsg-mac-11\.contoso\.com .*a release .* is on its way/);
            const parsed = parseIncidentFile(fs.readFileSync(out, "utf8"), "inc-3000.yaml");
            assert.deepEqual(parsed.problems, []);
            assert.deepEqual(
                parsed.incident?.devices.map((d) => [d.machineId, d.isolationType]).sort(),
                [
                    [fleet.isolated.machineId, "Full"],
                    [fleet.selective.machineId, "Selective"],
                    [fleet.isolating.machineId, "Full"],
                ].sort(),
            );
            assert.deepEqual(
                apiRequests(emu).filter((c) => c.startsWith("POST")),
                [],
            );

            const again = await run(["export", "--incident", "INC-3000", "--out", out, ...at(emu)]);
            assert.equal(again.code, 2);
            assert.match(again.stderr, /--out .* exists: choose another file, or add --force/);
            const forced = await run(["export", "--incident", "INC-3001", "--out", out, "--force", ...at(emu)]);
            assert.equal(forced.code, 0, forced.stderr);
            assert.match(fs.readFileSync(out, "utf8"), /^incident: INC-3001$/m);
        });

        it("to stdout by default", async () => {
            const r = await run(["export", "--incident", "INC-1", ...at(emu)]);
            assert.equal(r.code, 0, r.stderr);
            assert.match(r.stdout, /^incident: INC-1$/m);
            assert.match(r.stdout, /comment: "isolated by analyst@contoso\.com at .* UTC \(Portal\); adopted from Defender"/);
        });

        it("with --incidents, only what nothing declares yet", async () => {
            const dir = fs.mkdtempSync(path.join(tmp, "incidents-"));
            fs.writeFileSync(path.join(dir, "inc-1.yaml"), `incident: INC-1\ntitle: Beacon\nisolate:\n  - machineId: ${fleet.isolated.machineId}\n`);
            const r = await run(["export", "--incident", "INC-2", "--incidents", dir, ...at(emu)]);
            assert.equal(r.code, 0, r.stderr);
            const parsed = parseIncidentFile(r.stdout, "x.yaml");
            assert.deepEqual(parsed.incident?.devices.map((d) => d.machineId).sort(), [fleet.selective.machineId, fleet.isolating.machineId].sort());
            assert.match(r.stderr, /left out fin-lt-042\.contoso\.com .*already declared in INC-1/);
        });
    });
});
