// The dynamic resource taken into state by `pulumi import --file` with `inputs` and `outputs`: with
// outputs the engine (v3.276.0) skips the provider's Read, so the SDK's provider host never needs the
// provider text it cannot get from an id; Check still runs, on the inputs, which carry the text. The
// outputs are taken on trust: the refresh that follows checks them against Defender.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_DEVICES } from "../../emulator";
import { PROVIDER_TEXT, DEVICE_ISOLATION_TYPE } from "../../provider/resource/deviceIsolation";
import { requirePulumiCli } from "../../testkit/cli/engine";
import { openStack, type E2eStack } from "../../testkit/cli/stack";
import { programBesideShared } from "../../testkit/cli/userProgram";
import { isolations } from "../../testkit/cli/workspace";

const device = DEFAULT_DEVICES.finLaptop;
const COMMENT = "INC-2031 contained from the portal";

describe("e2e: pulumi import --file with inputs and outputs, for the dynamic resource", function () {
    this.timeout(5 * 60_000);
    let s: E2eStack;
    let importFile: string;
    let action: { id: string; requestor?: string; status: string; creationDateTimeUtc?: string; lastUpdateDateTimeUtc?: string };

    before(async function () {
        const cli = await requirePulumiCli(this);
        this.timeout(15 * 60_000);
        const cwd = programBesideShared("import-file", "defender-import-file", [
            'const { DeviceIsolation } = require("pulumi-defender-isolation");',
            `new DeviceIsolation("fin-lt-042", { machineId: "${device.id}", comment: "${COMMENT}" });`,
        ]);
        s = await openStack({ cli, cwd, stack: "importfile", clientSecret: "import-file-suite-secret", prefix: "e2e-import-file-" });
        action = s.emulator.isolateOutOfBand(device.id, { isolationType: "Full", requestor: "analyst@contoso.com", comment: COMMENT }).action!;
        await new Promise((r) => setTimeout(r, 1500)); // the emulator's action reaches Succeeded
        const current = s.emulator.action(action.id)!;
        const declaration = {
            machineId: device.id,
            comment: COMMENT,
            isolationType: "Full",
            releaseComment: "Released by Pulumi: declaration removed",
            waitForCompletion: true,
            completionTimeoutSeconds: 600,
            protectedMachineTags: [],
        };
        importFile = path.join(s.ws.dir, "import.json");
        fs.writeFileSync(
            importFile,
            JSON.stringify({
                resources: [
                    {
                        type: DEVICE_ISOLATION_TYPE,
                        name: "fin-lt-042",
                        id: action.id,
                        inputs: { ...declaration, __provider: PROVIDER_TEXT },
                        outputs: {
                            ...declaration,
                            __provider: PROVIDER_TEXT,
                            computerDnsName: device.computerDnsName,
                            machineActionId: action.id,
                            status: current.status,
                            requestor: current.requestor ?? "",
                            creationDateTimeUtc: current.creationDateTimeUtc ?? "",
                            lastUpdateDateTimeUtc: current.lastUpdateDateTimeUtc ?? "",
                        },
                    },
                ],
            }),
        );
        s.writes();
    });
    after(async () => {
        await s?.stop();
    });

    it("imports with no API request at all: the provider's Read is skipped", async () => {
        const before = s.emulator.requests().length;
        await s.ok("import", "--file", importFile, "--yes", "--generate-code=false");
        assert.equal(s.emulator.requests().length, before, "no request reached Defender");
        const [res] = isolations(await s.exported());
        assert.equal(res.id, action.id);
        assert.equal(res.outputs?.requestor, "analyst@contoso.com");
    });

    it("refresh confirms the isolation against Defender and writes nothing", async () => {
        const r = await s.ok("refresh", "--yes");
        assert.doesNotMatch(r.stdout, /deleted/);
        assert.deepEqual(s.writes(), []);
        assert.equal(isolations(await s.exported())[0]?.outputs?.status, "Succeeded");
    });

    it("the next up is a no-op", async () => {
        const r = await s.ok("up", "--yes");
        assert.match(r.stdout, /2 unchanged/);
        assert.deepEqual(s.writes(), []);
    });
});
