import assert from "node:assert/strict";
import { parseCliArgs } from "../../../../provider/apps/cli/args";
import { clientSettings } from "../../../../provider/apps/cli/settings";
import { readSettings } from "../../../../provider/resource/settings";

const ID = "a1beb9c642989d916897d4ce0a770c37adc96b20";
const TENANT = "7d6b0a4e-1c3f-4d2b-9a8e-3f1e2d4c5b6a";
const CLIENT = "c0ffee00-1234-4abc-9def-0123456789ab";

function problems(argv: string[]): string[] {
    const r = parseCliArgs(argv);
    return r.ok ? [] : r.problems;
}

describe("cli/args", () => {
    it("maps flags to options", () => {
        const r = parseCliArgs([
            "status",
            "--machine",
            ID.toUpperCase(),
            "--machine",
            "Fin-LT-042.contoso.com",
            "--incidents",
            "incidents",
            "--stack",
            "org/proj/prod",
            "--markdown",
            "--cloud",
            "GCC",
            "--api-base-url",
            "https://eu.api.security.microsoft.com",
            "--authority-host",
            "https://login.example",
            "--scope",
            "x/.default",
        ]);
        assert.ok(r.ok);
        assert.deepEqual(r.args, {
            command: "status",
            machineIds: [ID],
            machineNames: ["fin-lt-042.contoso.com"],
            incidents: "incidents",
            stack: "org/proj/prod",
            format: "markdown",
            wide: false,
            force: false,
            alerts: [],
            live: false,
            cloud: "GCC",
            apiBaseUrl: "https://eu.api.security.microsoft.com",
            authorityHost: "https://login.example",
            scope: "x/.default",
        });
    });

    it("propose takes the Defender alert and incident, selector flags, the file's id and expiry", () => {
        const r = parseCliArgs([
            "propose",
            "--alert",
            " da1 ",
            "--alert",
            "da2",
            "--incident",
            "924601",
            "--tag",
            "HR",
            "--group",
            "Finance",
            "--name",
            "fin-*",
            "--ip",
            "10.0.0.0/8",
            "--external-ip",
            "198.51.100.7",
            "--id",
            "INC-1",
            "--comment",
            "why",
            "--isolation-type",
            "Selective",
            "--expires-in",
            "72h",
            "--live",
            "--json",
        ]);
        assert.ok(r.ok, r.ok ? "" : r.problems.join("; "));
        const a = r.args;
        assert.deepEqual(
            [a.alerts, a.incident, a.tag, a.group, a.name, a.ip, a.externalIp, a.id, a.comment, a.isolationType, a.expiresIn, a.live, a.format],
            [["da1", "da2"], "924601", "HR", "Finance", "fin-*", "10.0.0.0/8", "198.51.100.7", "INC-1", "why", "Selective", "72h", true, "json"],
        );
        assert.deepEqual(problems(["status", "--alert", "da1", "--live"]), [
            "--alert is an option of propose, not of status",
            "--live is an option of propose, not of status",
        ]);
        assert.deepEqual(problems(["export", "--incident", "INC-1", "--tag", "HR"]), ["--tag is an option of propose, not of export"]);
        assert.deepEqual(problems(["propose", "--machine", ID]), [
            "--machine is an option of status and export; propose chooses devices with --alert, --incident, --tag, --group, --name, --ip",
        ]);
    });

    it("export takes --incident, --title, --out, --force", () => {
        const r = parseCliArgs(["export", "--incident", "INC-3000", "--title", "Adopted", "--out", "x.yaml", "--force"]);
        assert.ok(r.ok);
        assert.deepEqual(
            [r.args.command, r.args.incident, r.args.title, r.args.out, r.args.force, r.args.format],
            ["export", "INC-3000", "Adopted", "x.yaml", true, "table"],
        );
    });

    it("no command or help prints usage", () => {
        for (const argv of [[], ["help"], ["--help"], ["help", "help"]]) {
            const r = parseCliArgs(argv);
            assert.ok(r.ok && r.args.command === "help" && r.args.topic === undefined, argv.join(" "));
        }
    });

    it("help about one command: 'help status', 'status --help', 'export -h', 'help propose'", () => {
        for (const [argv, topic] of [
            [["help", "status"], "status"],
            [["status", "--help"], "status"],
            [["status", "-h", "--json"], "status"],
            [["help", "export"], "export"],
            [["export", "-h"], "export"],
            [["help", "propose"], "propose"],
            [["propose", "--help"], "propose"],
        ] as const) {
            const r = parseCliArgs(argv);
            assert.ok(r.ok && r.args.command === "help" && r.args.topic === topic, argv.join(" "));
        }
    });

    it("--version, whatever else is given", () => {
        for (const argv of [["--version"], ["status", "--version"]]) {
            const r = parseCliArgs(argv);
            assert.ok(r.ok && r.args.command === "version", argv.join(" "));
        }
    });

    it("--wide is for the status table", () => {
        const r = parseCliArgs(["status", "--wide"]);
        assert.ok(r.ok && r.args.wide);
        assert.ok(parseCliArgs(["status"]).ok && !(parseCliArgs(["status"]) as { args: { wide: boolean } }).args.wide);
    });

    const BAD: Array<[string[], RegExp]> = [
        [["frobnicate"], /^unknown command 'frobnicate'/],
        [["status", "extra"], /^unexpected argument 'extra'/],
        [["status", "--bogus"], /^unknown option '--bogus'; see 'defender-isolation help'/],
        [["status", "--incidnets", "x"], /^unknown option '--incidnets': did you mean '--incidents'\?/],
        [["status", "--jsno"], /^unknown option '--jsno': did you mean '--json'\?/],
        [["status", "--api-base"], /^unknown option '--api-base'/],
        [["propose", "--tag", "HR", "--wide"], /^propose writes an incident file \(YAML\): --wide is for the status table/],
        [["stauts"], /^unknown command 'stauts': did you mean 'status'\? use status, export, propose or help/],
        [["help", "frobnicate"], /^'help frobnicate': there is no command 'frobnicate'/],
        [["status", "--wide", "--json"], /^--wide is for the table/],
        [["export", "--incident", "I", "--wide"], /--json, --markdown and --wide are for status/],
        [["status", "--machine"], /^--machine needs a value$/],
        [["status", "--json", "--markdown"], /exclude each other/],
        [["export", "--incident", "I", "--json"], /--json, --markdown and --wide are for status/],
        [["status", "--incident", "INC-1"], /^--incident is an option of export/],
        [["status", "--machine", "a1beb9c642989d916897d4ce0a770c37adc96b2"], /^--machine must be a device id \(40 hexadecimal characters\) or its DNS name/],
        [["status", "--machine", "fin lt 042"], /^--machine must be a device id/],
        [["status", "--stack", "--json"], /^--stack needs a value/],
        [["status", "--stack=-rf"], /^--stack must be a stack name/],
        [["status", "--incidents", " "], /^--incidents needs a value/],
        [["status", "--json=yes"], /^--json takes no value/],
    ];
    for (const [argv, expected] of BAD) {
        it(`refuses ${argv.join(" ")}`, () => {
            const found = problems(argv);
            assert.ok(
                found.some((p) => expected.test(p)),
                `${JSON.stringify(found)} does not match ${expected}`,
            );
        });
    }
});

describe("cli/settings: the provider's validation, in the command's names", () => {
    const flags = (extra: Record<string, string> = {}) => ({ ...extra });

    it("the three AZURE_* variables select the client secret credential", () => {
        const s = clientSettings(flags(), { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: "s" });
        assert.deepEqual(s, { options: { tenantId: TENANT, clientId: CLIENT, clientSecret: "s" }, problems: [] });
    });

    it("without AZURE_CLIENT_SECRET the ambient identity is chosen: DefaultAzureCredential reads the environment itself", () => {
        assert.deepEqual(clientSettings(flags(), { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_CERTIFICATE_PATH: "/c.pem" }), {
            options: { authMethod: "ambient" },
            problems: [],
        });
    });

    // Each bad setting: the command's problem is the provider's, word for word, with the setting's name.
    const CASES: Array<{ name: string; cli: [Record<string, string>, NodeJS.ProcessEnv]; provider: Record<string, string>; renames: Array<[string, string]> }> =
        [
            {
                name: "a plain-http API base",
                cli: [{ apiBaseUrl: "http://api.example.com" }, {}],
                provider: { apiBaseUrl: "http://api.example.com" },
                renames: [["defender:apiBaseUrl", "--api-base-url"]],
            },
            {
                name: "an authority host with a password",
                cli: [{ authorityHost: "https://u:p@login.example" }, {}],
                provider: { authorityHost: "https://u:p@login.example" },
                renames: [["defender:authorityHost", "--authority-host"]],
            },
            { name: "an unknown cloud", cli: [{ cloud: "Mars" }, {}], provider: { cloud: "Mars" }, renames: [["defender:cloud", "--cloud"]] },
            {
                name: "a scope without /.default",
                cli: [{ scope: "https://api.example" }, {}],
                provider: { scope: "https://api.example" },
                renames: [["defender:scope", "--scope"]],
            },
            {
                name: "a client id that is not a GUID",
                cli: [{}, { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: "app", AZURE_CLIENT_SECRET: "s" }],
                provider: { tenantId: TENANT, clientId: "app", clientSecret: "s" },
                renames: [["defender:clientId", "AZURE_CLIENT_ID"]],
            },
            {
                name: "a secret without tenant",
                cli: [{}, { AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: "s" }],
                provider: { clientId: CLIENT, clientSecret: "s" },
                renames: [
                    ["defender:tenantId", "AZURE_TENANT_ID"],
                    ["clientId", "AZURE_CLIENT_ID"],
                    ["clientSecret", "AZURE_CLIENT_SECRET"],
                    ["tenantId", "AZURE_TENANT_ID"],
                ],
            },
        ];
    for (const c of CASES) {
        it(`${c.name}: named as typed, refused before any request`, () => {
            const cli = clientSettings(c.cli[0], c.cli[1]).problems;
            let message = "";
            try {
                // The command chooses the ambient identity when no secret is given; the provider is told so.
                const provider: Record<string, string> = c.provider.clientSecret ? c.provider : { authMethod: "ambient", ...c.provider };
                readSettings((key) => provider[key.replace(/^defender:/, "")]);
            } catch (e) {
                message = (e as Error).message;
            }
            const providerLines = message
                .split("\n")
                .filter((l) => l.startsWith("  - "))
                .map((l) => l.slice(4));
            assert.equal(cli.length, 1, JSON.stringify(cli));
            assert.equal(providerLines.length, 1, message);
            let expected = providerLines[0];
            for (const [from, to] of c.renames) expected = expected.replace(new RegExp(`\\b${from}\\b`, "g"), to);
            assert.equal(cli[0], expected);
        });
    }
});
