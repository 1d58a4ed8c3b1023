import { strict as assert } from "assert";
import * as path from "path";
import {
    demoEnv, findPulumiCli, renderDeviceTable, stackConfigCommands, stackFlags, type CliProbe, type TableMachine,
} from "../../scripts/demoSupport";

/** A file system of executables and files, as paths. */
function probe(executables: string[], files: Record<string, string> = {}): CliProbe {
    return {
        isExecutable: (f) => executables.includes(f),
        isFile: (f) => executables.includes(f) || f in files,
        listDir: (dir) => [...new Set([...executables, ...Object.keys(files)]
            .filter((f) => f.startsWith(`${dir}/`))
            .map((f) => f.slice(dir.length + 1).split("/")[0]))],
        readText: (f) => files[f],
    };
}

const search = (PATH: string, extra: NodeJS.ProcessEnv = {}) => ({
    env: { PATH, ...extra }, home: "/home/ana", repoRoot: "/repo", execPath: "/usr/bin/node", platform: "linux" as const,
});

describe("demo: finding the Pulumi CLI", () => {
    it("takes the first pulumi on PATH that is executable", () => {
        const cli = findPulumiCli(search("/opt/a:/usr/local/bin:/usr/bin"), probe(["/usr/local/bin/pulumi", "/usr/bin/pulumi"]));
        assert.deepEqual(cli, { command: "/usr/local/bin/pulumi", args: [], source: "PATH" });
    });

    it("prefers a real binary to the npm launcher on PATH (npm run puts node_modules/.bin first)", () => {
        const cli = findPulumiCli(search("/repo/node_modules/.bin:/usr/bin"), probe(["/repo/node_modules/.bin/pulumi", "/home/ana/.pulumi/bin/pulumi"]));
        assert.deepEqual(cli, { command: "/home/ana/.pulumi/bin/pulumi", args: [], source: "~/.pulumi/bin" });
        const launcherOnly = findPulumiCli(search("/repo/node_modules/.bin:/usr/bin"), probe(["/repo/node_modules/.bin/pulumi"]));
        assert.deepEqual(launcherOnly, { command: "/repo/node_modules/.bin/pulumi", args: [], source: "PATH (npm launcher)" });
    });

    it("finds the newest binary the npm package downloaded into npm's cache", () => {
        const files = ["3.9.0", "3.265.0", "3.100.1"].map((v) => `/cache/_pulumi/${v}/bin/pulumi`);
        const cli = findPulumiCli(search("/usr/bin", { npm_config_cache: "/cache" }), probe(files));
        assert.deepEqual(cli, { command: "/cache/_pulumi/3.265.0/bin/pulumi", args: [], source: "npm cache (pulumi 3.265.0)" });
        const defaultCache = findPulumiCli(search("/usr/bin"), probe(["/home/ana/.npm/_pulumi/3.1.0/bin/pulumi"]));
        assert.equal(defaultCache?.command, "/home/ana/.npm/_pulumi/3.1.0/bin/pulumi");
    });

    it("runs the pulumi npm package's launcher with node when it is installed in the repository", () => {
        const cli = findPulumiCli(search("/usr/bin"), probe([], {
            "/repo/node_modules/pulumi/package.json": JSON.stringify({ name: "pulumi", bin: { pulumi: "run.js" } }),
            "/repo/node_modules/pulumi/run.js": "",
        }));
        assert.deepEqual(cli, { command: "/usr/bin/node", args: ["/repo/node_modules/pulumi/run.js"], source: "the pulumi npm package (node_modules/pulumi)" });
        const other = findPulumiCli(search("/usr/bin"), probe([], {
            "/repo/node_modules/pulumi/package.json": JSON.stringify({ name: "not-pulumi" }),
            "/repo/node_modules/pulumi/run.js": "",
        }));
        assert.equal(other, undefined);
    });

    it("finds nothing when nothing is installed, and ignores files that are not executable", () => {
        assert.equal(findPulumiCli(search("/usr/bin:/bin"), probe([], { "/usr/bin/pulumi": "" })), undefined);
    });

    it("looks for pulumi.exe on Windows", () => {
        const cli = findPulumiCli({ ...search("C:\\tools;C:\\bin"), platform: "win32" }, probe([path.join("C:\\bin", "pulumi.exe")]));
        assert.equal(cli?.command, path.join("C:\\bin", "pulumi.exe"));
    });
});

describe("demo: environment and stack config", () => {
    const cli = { command: "/home/ana/.pulumi/bin/pulumi", args: [], source: "~/.pulumi/bin" };

    it("points the CLI at a local state folder and the emulator's CA, and drops anything that leads elsewhere", () => {
        const env = demoEnv({
            PATH: "/usr/bin", HOME: "/home/ana", PULUMI_ACCESS_TOKEN: "pul-xyz", PULUMI_BACKEND_URL: "https://api.pulumi.com",
            AZURE_CLIENT_SECRET: "s", AZURE_TENANT_ID: "t", NODE_EXTRA_CA_CERTS: "/old.pem", LANG: "C",
        }, { backendDir: "/repo/.state/demo-backend", caCertPath: "/repo/.state/emulator-tls/ca.pem", cli, platform: "linux" });
        assert.deepEqual(env, {
            PATH: "/home/ana/.pulumi/bin:/usr/bin", HOME: "/home/ana", LANG: "C",
            PULUMI_BACKEND_URL: "file:///repo/.state/demo-backend",
            PULUMI_CONFIG_PASSPHRASE: "demo-only-not-a-secret",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            NODE_EXTRA_CA_CERTS: "/repo/.state/emulator-tls/ca.pem",
        });
    });

    it("puts the launcher's folder on PATH when the CLI runs through node", () => {
        const env = demoEnv({ PATH: "/usr/bin" }, { backendDir: "/b", cli: { command: "/usr/bin/node", args: ["/repo/node_modules/pulumi/run.js"], source: "" }, platform: "linux" });
        assert.equal(env.PATH, "/repo/node_modules/pulumi:/usr/bin");
        assert.equal(env.NODE_EXTRA_CA_CERTS, undefined);
    });

    it("configures the provider for the emulator, the secret on stdin only", () => {
        const commands = stackConfigCommands({
            stack: "demo-1", configFile: "/s/Pulumi.demo-1.yaml", emulatorUrl: "https://127.0.0.1:4443",
            credentials: { tenantId: "tenant", clientId: "client", clientSecret: "s3cr3t" }, pollIntervalSeconds: 0.2,
        });
        const base = ["config", "set", "--stack", "demo-1", "--config-file", "/s/Pulumi.demo-1.yaml"];
        assert.deepEqual(commands, [
            { args: [...base, "defender:apiBaseUrl", "https://127.0.0.1:4443"] },
            { args: [...base, "defender:authorityHost", "https://127.0.0.1:4443"] },
            { args: [...base, "defender:tenantId", "tenant"] },
            { args: [...base, "defender:clientId", "client"] },
            { args: [...base, "--secret", "defender:clientSecret"], stdin: "s3cr3t" },
            { args: [...base, "defender:pollIntervalSeconds", "0.2"] },
        ]);
        assert.deepEqual(stackFlags("demo-1", "/s/c.yaml"), ["--stack", "demo-1", "--config-file", "/s/c.yaml", "--non-interactive"]);
    });
});

describe("demo: device table", () => {
    const machine = (o: Partial<TableMachine>): TableMachine => ({
        id: "a1beb9c642989d916897d4ce0a770c37adc96b20", computerDnsName: "fin-lt-042.contoso.com", osPlatform: "Windows11",
        machineTags: ["Finance"], isolation: { isolated: false, isolationType: null }, ...o,
    });

    it("lists devices by name, isolated ones marked with their type", () => {
        const table = renderDeviceTable([
            machine({ computerDnsName: "web-lnx-03.contoso.com", id: "830bc31ca0d89ed582088af240d00d29645b69d7", osPlatform: "Linux", machineTags: [], online: false }),
            machine({ isolation: { isolated: true, isolationType: "Selective" } }),
        ]);
        assert.equal(table, [
            "isolation             device                  id            platform   sensor   tags",
            "--------------------  ----------------------  ------------  ---------  -------  -------",
            "ISOLATED (Selective)  fin-lt-042.contoso.com  a1beb9c64298  Windows11  online   Finance",
            "-                     web-lnx-03.contoso.com  830bc31ca0d8  Linux      offline  -",
        ].join("\n"));
    });
});
