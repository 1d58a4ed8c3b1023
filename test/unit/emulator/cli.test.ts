// The command line: argument parsing as a table, and one real run stopped by SIGTERM.
import assert from "assert";
import { spawn } from "child_process";
import { CLI_DEFAULT_PORT, parseCliArgs } from "../../../emulator/cliArgs";
import { QUICK_START_CREDENTIALS, stackCommands } from "../../../emulator/stackCommands";
import { send } from "../../../testkit/http/send";
import { distPath } from "../../../testkit/paths";

const CLI = distPath("emulator/cli.js");

describe("emulator: command line", () => {
    describe("arguments", () => {
        it("maps flags to options", () => {
            const r = parseCliArgs([
                "--port",
                "9000",
                "--http",
                "--devices",
                "fleet.yaml",
                "--generate-devices=2000",
                "--to-in-progress-ms",
                "10",
                "--to-succeeded-ms",
                "20",
                "--offline-timeout-ms",
                "30",
                "--token-lifetime",
                "60",
                "--audience",
                "any",
                "--duplicates",
                "returnExisting",
                "--rate-limits",
                "5/1,50/60",
                "--no-retry-after",
                "--indexing-lag-ms",
                "7",
                "--merge-window-ms",
                "8",
                "--no-filter-in",
                "--max-page-size",
                "50",
                "--log",
                "--json",
            ]);
            assert.ok(r.ok);
            assert.deepStrictEqual(r.value.options, {
                port: 9000,
                tls: false,
                fleet: { file: "fleet.yaml", generate: 2000 },
                actionDelays: { toInProgressMs: 10, toSucceededMs: 20 },
                offlineTimeoutMs: 30,
                tokenLifetimeSeconds: 60,
                audience: ["any"],
                duplicates: "returnExisting",
                rateLimits: {
                    windows: [
                        { calls: 5, perSeconds: 1 },
                        { calls: 50, perSeconds: 60 },
                    ],
                    retryAfterHeader: false,
                },
                quirks: { indexingLagMs: 7, mergeWindowMs: 8, filterInSupported: false },
                maxPageSize: 50,
            });
            assert.deepStrictEqual([r.value.log, r.value.json], [true, true]);
        });

        it("maps the TLS directory", () => {
            const r = parseCliArgs(["--tls-dir", "/tmp/emu-tls"]);
            assert.ok(r.ok);
            assert.deepStrictEqual(r.value.options, { tlsDir: "/tmp/emu-tls" });
        });

        it("maps TLS files, a config file, clients and rate limits off", () => {
            const r = parseCliArgs([
                "--tls-cert",
                "c.pem",
                "--tls-key",
                "k.pem",
                "--tls-ca",
                "ca.pem",
                "--config",
                "emu.yaml",
                "--clients",
                "apps.yaml",
                "--rate-limits",
                "off",
            ]);
            assert.ok(r.ok);
            assert.deepStrictEqual(r.value.options, { tls: { certFile: "c.pem", keyFile: "k.pem", caFile: "ca.pem" }, rateLimits: false });
            assert.deepStrictEqual([r.value.configFile, r.value.clientsFile], ["emu.yaml", "apps.yaml"]);
        });

        const bad: Array<[string[], RegExp]> = [
            [["--bogus"], /--bogus: unknown option/],
            [["--port"], /--port: needs a value/],
            [["--port", "eighty"], /--port: expects a non-negative integer/],
            [["--duplicates", "sometimes"], /--duplicates: expects reject or returnExisting/],
            [["--rate-limits", "lots"], /--rate-limits: expects off or calls\/seconds/],
            [["--http", "--tls-dir", "x"], /--http: cannot be combined/],
            [["--log=yes"], /--log: takes no value/],
            [["--tls-cert", "c.pem"], /--tls-cert and --tls-key: give both/],
        ];
        for (const [argv, message] of bad) {
            it(`rejects ${argv.join(" ")}`, () => {
                const r = parseCliArgs(argv);
                assert.strictEqual(r.ok, false);
                if (!r.ok) assert.match(r.error.join("\n"), message);
            });
        }

        it("defaults the CLI port to a fixed one", () => {
            assert.strictEqual(CLI_DEFAULT_PORT, 8443);
        });
    });

    describe("the commands it prints to point a stack at it", () => {
        const commands = (text: string) =>
            text
                .split("\n")
                .filter((l) => l.startsWith("  "))
                .map((l) => l.trim());

        it("a local backend, the passphrase, the CA's absolute path, every defender:* key the provider needs", () => {
            const text = stackCommands({ url: "https://127.0.0.1:8443", caCertPath: "/home/me/repo/.state/emulator-tls/ca.pem" });
            assert.deepStrictEqual(commands(text), [
                'mkdir -p .pulumi-local && export PULUMI_BACKEND_URL="file://$PWD/.pulumi-local"',
                "export PULUMI_CONFIG_PASSPHRASE=emulator-only-not-a-secret",
                "export NODE_EXTRA_CA_CERTS=/home/me/repo/.state/emulator-tls/ca.pem",
                "pulumi stack init emulator",
                "pulumi config set defender:apiBaseUrl https://127.0.0.1:8443",
                "pulumi config set defender:authorityHost https://127.0.0.1:8443",
                `pulumi config set defender:tenantId ${QUICK_START_CREDENTIALS.tenantId}`,
                `pulumi config set defender:clientId ${QUICK_START_CREDENTIALS.clientId}`,
                `pulumi config set --secret defender:clientSecret ${QUICK_START_CREDENTIALS.clientSecret}`,
                "pulumi preview    # then: pulumi up, pulumi destroy",
            ]);
        });

        it("a CA path with spaces or quotes is quoted for the shell; --clients names the registered client", () => {
            const text = stackCommands({
                url: "https://127.0.0.1:9443",
                caCertPath: "/home/me/my repo's/ca.pem",
                clients: [{ tenantId: "t-1", clientId: "c-1" }],
            });
            assert.ok(commands(text).includes(`export NODE_EXTRA_CA_CERTS='/home/me/my repo'\\''s/ca.pem'`), text);
            assert.ok(commands(text).includes("pulumi config set defender:tenantId t-1"));
            assert.ok(commands(text).includes("pulumi config set --secret defender:clientSecret <its clientSecret from the --clients file>"));
        });

        it("over plain HTTP: no CA, and why sign-in will be refused", () => {
            const text = stackCommands({ url: "http://127.0.0.1:8080" });
            assert.doesNotMatch(text, /NODE_EXTRA_CA_CERTS=/);
            assert.match(text, /leave out --http/);
        });
    });

    it("runs in the foreground, prints its URL, and stops cleanly on SIGTERM", async function () {
        this.timeout(15_000);
        const child = spawn(process.execPath, [CLI, "--port", "0", "--http", "--log"], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
        try {
            const url = await new Promise<string>((res, rej) => {
                const timer = setTimeout(() => rej(new Error(`no start line: ${out}`)), 10_000);
                child.stdout.on("data", () => {
                    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
                    if (m) {
                        clearTimeout(timer);
                        res(m[1]);
                    }
                });
            });
            const r = await send(url, "/api/machines");
            assert.strictEqual(r.status, 401);
            child.kill("SIGTERM");
            assert.strictEqual(await exited, 0);
            assert.match(out, /GET \/api\/machines -> 401/);
            assert.match(out, /Defender emulator stopped/);
        } finally {
            child.kill("SIGKILL");
        }
    });
});
