/** The CLI rows' own figures: process start times, the way to the first isolate, the parallelism a row ran with. */
import { strict as assert } from "assert";
import { milestonesOf, parallelArgs, parallelLabel, sameWindows } from "../../../bench/cliRun";
import { processStartMs } from "../../../bench/processWatch";
import type { ApiRequest } from "../../../testkit/requests/apiLog";

describe("bench: the CLI rows' figures", () => {
    describe("processStartMs", () => {
        // Field 22 of /proc/<pid>/stat is the start time in clock ticks after boot; the command name
        // (field 2) may hold spaces and parentheses, so fields are counted after its closing one.
        const stat = (comm: string, ticks: number) =>
            `4242 (${comm}) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 7 0 ${ticks} 123456 789 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0`;
        const boot = 1_700_000_000_000;

        it("adds the ticks after boot, at 100 a second, to the boot time", () => {
            assert.equal(processStartMs(stat("node", 12345), boot), 1_700_000_000_000 + 123_450);
        });

        it("counts fields after the last parenthesis: a command name with spaces and parentheses", () => {
            assert.equal(processStartMs(stat("a) b (c", 250), boot), 1_700_000_000_000 + 2_500);
        });

        it("is undefined when the record is not one", () => {
            assert.equal(processStartMs("", boot), undefined);
        });
    });

    describe("milestonesOf", () => {
        const req = (at: number, bucket: ApiRequest["bucket"], statusPoll = false): ApiRequest => ({ at, bucket, route: "x", status: 200, statusPoll });
        const cost = {
            peakRssMb: { cli: 0, language: 0, provider: 0 },
            cliBytesWritten: 0,
            started: { cli: 1_700, languageHost: 2_000, program: 2_600, providerHost: 4_700 },
        };

        it("times processes from the command's own process start, traffic from the spawn; the first read is a lookup or listing, never a status poll", () => {
            const m = {
                spawnedAt: 1_000,
                wallMs: 9_000,
                code: 0,
                output: "",
                requests: [
                    req(5_200, "actions.read", true),
                    req(5_400, "machines.read"),
                    req(5_500, "actions.read"),
                    req(6_000, "isolate"),
                    req(7_000, "isolate"),
                ],
                cost,
                writes: { versions: 0, bytes: 0 },
                tokenAt: 5_000,
                parallel: "engine default" as const,
            };
            assert.deepEqual(milestonesOf(m), {
                languageHostMs: 300,
                programMs: 900,
                providerHostMs: 3_000,
                signInMs: 4_000,
                firstReadMs: 4_400,
                firstIsolateMs: 5_000,
            });
        });

        it("leaves out what did not happen", () => {
            const m = {
                spawnedAt: 0,
                wallMs: 1,
                code: 0,
                output: "",
                requests: [],
                cost: { ...cost, started: {} },
                writes: { versions: 0, bytes: 0 },
                parallel: 8,
            };
            const got = milestonesOf(m);
            assert.deepEqual(
                Object.values(got).filter((v) => v !== undefined),
                [],
            );
        });
    });

    it("runs the engine's default without a flag, and names it as the CLI computes it (4 per CPU)", () => {
        assert.deepEqual(parallelArgs("engine default"), []);
        assert.deepEqual(parallelArgs(1500), ["--parallel", "1500"]);
        assert.equal(parallelLabel("engine default", 2), "8 (default: 4 per CPU)");
        assert.equal(parallelLabel(1500, 2), "1500");
    });

    it("knows Defender's windows in any order, and no others", () => {
        const defender = [
            { calls: 100, perSeconds: 60 },
            { calls: 1500, perSeconds: 3600 },
        ];
        assert.ok(sameWindows([...defender].reverse(), defender));
        assert.ok(!sameWindows([{ calls: 20, perSeconds: 2 }], defender));
        assert.ok(!sameWindows([], []));
    });
});
