/**
 * The program the CLI scenarios run: JavaScript beside the e2e suites' installed copy of
 * examples/minimal (this package from its npm-pack tarball, as a user installs it), declaring one
 * DeviceIsolation per machine id in the JSON file its `devicesFile` config names.
 */
import * as fs from "fs";
import * as path from "path";
import { sharedMinimalProgram } from "../test/e2e/support/userProgram";

export const FLEET_PROJECT = "defender-isolation-bench";

export function benchFleetProgram(): string {
    const program = sharedMinimalProgram();
    const dir = path.join(path.dirname(program), "bench-fleet");
    if (fs.existsSync(dir)) return dir;
    fs.mkdirSync(dir);
    fs.symlinkSync(path.join(program, "node_modules"), path.join(dir, "node_modules"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${FLEET_PROJECT}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n`);
    fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ name: FLEET_PROJECT, private: true, main: "index.js" })}\n`);
    fs.writeFileSync(path.join(dir, "index.js"), [
        "const fs = require(\"fs\");",
        "const pulumi = require(\"@pulumi/pulumi\");",
        "const { DeviceIsolation } = require(\"pulumi-defender-isolation\");",
        "const config = new pulumi.Config();",
        "const wait = config.requireBoolean(\"waitForCompletion\");",
        "JSON.parse(fs.readFileSync(config.require(\"devicesFile\"), \"utf8\")).forEach((machineId, i) => {",
        "    new DeviceIsolation(`bench-${i}`, { machineId, comment: \"INC-9001 ransomware outbreak: contain\", waitForCompletion: wait });",
        "});",
        "",
    ].join("\n"));
    return dir;
}
