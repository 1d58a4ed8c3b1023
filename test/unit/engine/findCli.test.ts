import { strict as assert } from "assert";
import * as path from "path";
import { findPulumiCli, type CliProbe } from "../../../scripts/engine/findCli";
import { builtCliDir, MINIMUM_CLI_VERSION, parseVersion, pinnedVersion } from "../../../scripts/engine/pin";
import { REPO_ROOT } from "../../../testkit/paths";

const repoRoot = REPO_ROOT;
const built = path.join(builtCliDir(repoRoot), "pulumi");

/** Executables and what each answers to `version`. */
function probe(versions: Record<string, string | undefined>): CliProbe & { asked: string[] } {
    const asked: string[] = [];
    return {
        asked,
        isExecutable: (f) => f in versions,
        versionOf: (f) => {
            asked.push(f);
            return versions[f];
        },
    };
}

const search = (env: NodeJS.ProcessEnv, p: CliProbe) => ({ env, repoRoot, home: "/home/ana", platform: "linux" as const, probe: p });

describe("engine: where the Pulumi CLI is found", () => {
    it("reads the pin from engine/go.mod", () => {
        assert.match(pinnedVersion(repoRoot), /^v3\.\d+\.\d+$/);
        assert.ok(built.includes(path.join(".state", "pulumi", pinnedVersion(repoRoot), "bin")));
    });

    const table: { name: string; env: NodeJS.ProcessEnv; versions: Record<string, string | undefined>; want: string }[] = [
        {
            name: "PULUMI_CLI first, even with pulumi on PATH",
            env: { PULUMI_CLI: "/opt/p/pulumi", PATH: "/usr/bin" },
            versions: { "/opt/p/pulumi": "v3.276.0", "/usr/bin/pulumi": "v3.276.0" },
            want: "found /opt/p/pulumi PULUMI_CLI",
        },
        {
            name: "then the first pulumi on PATH",
            env: { PATH: "/a:/b:/c" },
            versions: { "/b/pulumi": "v3.200.0", "/c/pulumi": "v3.276.0" },
            want: "found /b/pulumi PATH",
        },
        {
            name: "then ~/.pulumi/bin",
            env: { PATH: "/usr/bin" },
            versions: { "/home/ana/.pulumi/bin/pulumi": "v3.150.0", [built]: "v3.276.0" },
            want: "found /home/ana/.pulumi/bin/pulumi ~/.pulumi/bin",
        },
        {
            name: "then the one npm run pulumi:install built",
            env: { PATH: "/usr/bin" },
            versions: { [built]: "v3.276.0" },
            want: `found ${built} built by npm run pulumi:install`,
        },
        {
            name: "an old CLI is refused, not skipped for a newer one",
            env: { PATH: "/usr/bin" },
            versions: { "/usr/bin/pulumi": "v3.99.0", [built]: "v3.276.0" },
            want: "unusable",
        },
        {
            name: "a PULUMI_CLI that is no executable is refused",
            env: { PULUMI_CLI: "/nope/pulumi", PATH: "/usr/bin" },
            versions: { "/usr/bin/pulumi": "v3.276.0" },
            want: "unusable",
        },
        { name: "a CLI that prints no version is refused", env: { PATH: "/usr/bin" }, versions: { "/usr/bin/pulumi": undefined }, want: "unusable" },
        { name: "nothing anywhere", env: { PATH: "/usr/bin" }, versions: {}, want: "missing" },
        { name: "exactly the minimum is accepted", env: { PATH: "/x" }, versions: { "/x/pulumi": `v${MINIMUM_CLI_VERSION}` }, want: "found /x/pulumi PATH" },
    ];
    for (const row of table) {
        it(row.name, () => {
            const r = findPulumiCli(search(row.env, probe(row.versions)));
            const got = r.kind === "found" ? `found ${r.cli.command} ${r.cli.source}` : r.kind;
            assert.equal(got, row.want);
        });
    }

    it("says which version it found and which it needs", () => {
        const r = findPulumiCli(search({ PATH: "/usr/bin" }, probe({ "/usr/bin/pulumi": "v3.99.0" })));
        assert.equal(r.kind, "unusable");
        assert.match(
            r.kind === "unusable" ? r.message : "",
            new RegExp(`/usr/bin/pulumi \\(from PATH\\) is v3\\.99\\.0, and this project needs ${MINIMUM_CLI_VERSION.replace(/\./g, "\\.")} or newer`),
        );
    });

    it("lists where it looked when there is none", () => {
        const r = findPulumiCli(search({ PATH: "/usr/bin" }, probe({})));
        assert.deepEqual(r.kind === "missing" ? r.looked : [], ["PULUMI_CLI (not set)", "pulumi on PATH", "/home/ana/.pulumi/bin/pulumi", built]);
    });

    it("parses versions as the CLI prints them", () => {
        assert.deepEqual(parseVersion("v3.276.0"), [3, 276, 0]);
        assert.deepEqual(parseVersion("3.142.1-alpha.x1234\n"), [3, 142, 1]);
        assert.equal(parseVersion("unknown"), undefined);
    });
});
