/**
 * The program the CLI scenarios run: JavaScript beside the e2e suites' installed copy of
 * examples/minimal (this package from its npm-pack tarball, as a user installs it), declaring one
 * DeviceIsolation per machine id in the JSON file its `devicesFile` config names.
 */
import { programBesideShared } from "../testkit/cli/userProgram";

export const FLEET_PROJECT = "defender-isolation-bench";

export function benchFleetProgram(): string {
    return programBesideShared("bench-fleet", FLEET_PROJECT, [
        'const fs = require("fs");',
        'const pulumi = require("@pulumi/pulumi");',
        'const { DeviceIsolation } = require("pulumi-defender-isolation");',
        "const config = new pulumi.Config();",
        'const wait = config.requireBoolean("waitForCompletion");',
        'JSON.parse(fs.readFileSync(config.require("devicesFile"), "utf8")).forEach((machineId, i) => {',
        '    new DeviceIsolation(`bench-${i}`, { machineId, comment: "INC-9001 ransomware outbreak: contain", waitForCompletion: wait });',
        "});",
    ]);
}
