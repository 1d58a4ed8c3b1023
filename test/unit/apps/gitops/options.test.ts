import { strict as assert } from "assert";
import { formatConfigProblems, readProgramConfig, resolveProgramOptions } from "../../../../provider/apps/gitops/options";

const P = "defender-incidents";

describe("gitops: program options", () => {
    it("fills the documented defaults", () => {
        const now = new Date("2026-11-22T00:00:00Z");
        const { options, problems } = resolveProgramOptions({ now });
        assert.deepEqual(problems, []);
        assert.deepEqual(options, {
            incidentsDir: "examples/incidents",
            maxDevices: 50,
            protectedTags: ["DoNotIsolate"],
            waitForCompletion: true,
            allowEmpty: false,
            now,
            projectRoot: process.cwd(),
        });
    });

    it("reads every key from stack config text (JSON lists as Pulumi stores them, or comma-separated)", () => {
        const { options, problems } = readProgramConfig(
            {
                [`${P}:incidentsDir`]: "incidents",
                [`${P}:maxDevices`]: "80",
                [`${P}:protectedTags`]: '["DoNotIsolate","Tier0"]',
                [`${P}:waitForCompletion`]: "false",
                [`${P}:allowEmpty`]: "TRUE",
                "defender:clientSecret": "not read here",
            },
            P,
        );
        assert.deepEqual(problems, []);
        assert.deepEqual(options, {
            incidentsDir: "incidents",
            maxDevices: 80,
            protectedTags: ["DoNotIsolate", "Tier0"],
            waitForCompletion: false,
            allowEmpty: true,
        });
        assert.deepEqual(readProgramConfig({ [`${P}:protectedTags`]: "DoNotIsolate, Tier0" }, P).options.protectedTags, ["DoNotIsolate", "Tier0"]);
        assert.deepEqual(readProgramConfig({ [`${P}:protectedTags`]: "[]" }, P).options.protectedTags, []);
    });

    it("reports every bad or unknown key at once, with the command that fixes it", () => {
        const { problems } = readProgramConfig(
            {
                [`${P}:maxDevices`]: "fifty",
                [`${P}:protectedTags`]: '{"a":1}',
                [`${P}:allowEmpty`]: "yes",
                [`${P}:maxDevice`]: "80",
                [`${P}:color`]: "red",
            },
            P,
        );
        assert.deepEqual(
            problems.map((p) => `${p.key}: ${p.message}: ${p.fix}`),
            [
                "maxDevice: is not a setting of this program: did you mean maxDevices? pulumi config rm maxDevice",
                "color: is not a setting of this program: known settings are incidentsDir, maxDevices, protectedTags, waitForCompletion, allowEmpty; remove it with pulumi config rm color",
                'maxDevices: must be a whole number, got "fifty": pulumi config set maxDevices 50',
                'protectedTags: must be a list of machine tag names, got "{\\"a\\":1}": pulumi config set --path \'protectedTags[0]\' DoNotIsolate (a JSON list such as ["DoNotIsolate","Tier0"]; [] protects no tag)',
                'allowEmpty: must be true or false, got "yes": pulumi config set allowEmpty true',
            ],
        );
        assert.match(formatConfigProblems(problems), /^Invalid incident program configuration\. Nothing was declared.*\n {2}- maxDevice: /);
    });

    it("checks ranges of options given in code", () => {
        const { problems } = resolveProgramOptions({ maxDevices: 0, protectedTags: ["ok", " "], incidentsDir: " ", now: new Date(NaN) });
        assert.deepEqual(
            problems.map((p) => p.key),
            ["incidentsDir", "maxDevices", "protectedTags", "now"],
        );
        assert.equal(resolveProgramOptions({ maxDevices: 10_001 }).problems[0]?.message, "must be a whole number from 1 to 10000, got 10001");
        assert.equal(resolveProgramOptions({ maxDevices: 2.5 }).problems.length, 1);
    });
});
