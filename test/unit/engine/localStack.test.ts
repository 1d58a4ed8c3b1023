import { strict as assert } from "assert";
import { demoEnv, renderDeviceTable, stackConfigCommands, stackFlags, type TableMachine } from "../../../scripts/engine/localStack";

describe("demo: environment and stack config", () => {
    const cli = { command: "/home/ana/.pulumi/bin/pulumi", source: "~/.pulumi/bin", version: "v3.276.0" };

    it("points the CLI at a local state folder and the emulator's CA, and drops anything that leads elsewhere", () => {
        const env = demoEnv(
            {
                PATH: "/usr/bin",
                HOME: "/home/ana",
                PULUMI_ACCESS_TOKEN: "pul-xyz",
                PULUMI_BACKEND_URL: "https://api.pulumi.com",
                AZURE_CLIENT_SECRET: "s",
                AZURE_TENANT_ID: "t",
                NODE_EXTRA_CA_CERTS: "/old.pem",
                LANG: "C",
            },
            { backendDir: "/repo/.state/demo-backend", caCertPath: "/repo/.state/emulator-tls/ca.pem", cli, platform: "linux" },
        );
        assert.deepEqual(env, {
            PATH: "/home/ana/.pulumi/bin:/usr/bin",
            HOME: "/home/ana",
            LANG: "C",
            PULUMI_BACKEND_URL: "file:///repo/.state/demo-backend",
            PULUMI_CONFIG_PASSPHRASE: "demo-only-not-a-secret",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            NODE_EXTRA_CA_CERTS: "/repo/.state/emulator-tls/ca.pem",
        });
    });

    it("puts the Node.js it is given right after the CLI, so the program and the provider host run on it", () => {
        const env = demoEnv(
            { PATH: "/usr/bin:/opt/node20/bin" },
            { backendDir: "/b", cli, platform: "linux", nodeDir: "/repo/.state/node/22/node_modules/node/bin" },
        );
        assert.equal(env.PATH, "/home/ana/.pulumi/bin:/repo/.state/node/22/node_modules/node/bin:/usr/bin:/opt/node20/bin");
    });

    it("drops the emulator's CA when there is none to trust", () => {
        const env = demoEnv({ PATH: "/usr/bin", NODE_EXTRA_CA_CERTS: "/old.pem" }, { backendDir: "/b", cli, platform: "linux" });
        assert.equal(env.NODE_EXTRA_CA_CERTS, undefined);
    });

    it("configures the provider for the emulator, the secret on stdin only", () => {
        const commands = stackConfigCommands({
            stack: "demo-1",
            configFile: "/s/Pulumi.demo-1.yaml",
            emulatorUrl: "https://127.0.0.1:4443",
            credentials: { tenantId: "tenant", clientId: "client", clientSecret: "s3cr3t" },
            pollIntervalSeconds: 0.2,
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
        id: "a1beb9c642989d916897d4ce0a770c37adc96b20",
        computerDnsName: "fin-lt-042.contoso.com",
        osPlatform: "Windows11",
        machineTags: ["Finance"],
        isolation: { isolated: false, isolationType: null },
        ...o,
    });

    it("lists devices by name, isolated ones marked with their type", () => {
        const table = renderDeviceTable([
            machine({
                computerDnsName: "web-lnx-03.contoso.com",
                id: "830bc31ca0d89ed582088af240d00d29645b69d7",
                osPlatform: "Linux",
                machineTags: [],
                online: false,
            }),
            machine({ isolation: { isolated: true, isolationType: "Selective" } }),
        ]);
        assert.equal(
            table,
            [
                "isolation             device                  id            platform   sensor   tags",
                "--------------------  ----------------------  ------------  ---------  -------  -------",
                "ISOLATED (Selective)  fin-lt-042.contoso.com  a1beb9c64298  Windows11  online   Finance",
                "-                     web-lnx-03.contoso.com  830bc31ca0d8  Linux      offline  -",
            ].join("\n"),
        );
    });
});
