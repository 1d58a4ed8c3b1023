/** The benchmark's arithmetic and arguments: the ideal it divides by must be right to the call. */
import { strict as assert } from "assert";
import { apiRequestOf } from "../../../testkit/requests/apiLog";
import { idealOf } from "../../../bench/ideal";
import { parseArgs, selectScenarios } from "../../../bench/run";
import { FULL_SCENARIOS, QUICK_SCENARIOS } from "../../../bench/scenarios";
import { maxInAnyWindow, minimumIssueTimeMs, windowUse } from "../../../testkit/requests/windows";
import type { RequestLogEntry } from "../../../emulator";

describe("scale: benchmark arithmetic", () => {
    describe("minimumIssueTimeMs", () => {
        it("takes the first window free: n calls at c per w need floor((n-1)/c) windows", () => {
            assert.equal(minimumIssueTimeMs(0, [{ calls: 20, perSeconds: 2 }]), 0);
            assert.equal(minimumIssueTimeMs(1, [{ calls: 20, perSeconds: 2 }]), 0);
            assert.equal(minimumIssueTimeMs(20, [{ calls: 20, perSeconds: 2 }]), 0);
            assert.equal(minimumIssueTimeMs(21, [{ calls: 20, perSeconds: 2 }]), 2_000);
            assert.equal(minimumIssueTimeMs(100, [{ calls: 20, perSeconds: 2 }]), 8_000);
            assert.equal(minimumIssueTimeMs(2000, [{ calls: 100, perSeconds: 60 }]), 19 * 60_000);
        });

        it("honours every window at once: Defender's 100 a minute and 1,500 an hour", () => {
            const defender = [
                { calls: 100, perSeconds: 60 },
                { calls: 1500, perSeconds: 3600 },
            ];
            assert.equal(minimumIssueTimeMs(1500, defender), 14 * 60_000);
            assert.equal(minimumIssueTimeMs(1501, defender), 3_600_000);
            assert.equal(minimumIssueTimeMs(2000, defender), 3_600_000 + 4 * 60_000);
        });

        it("refuses a count that is not a whole number", () => {
            assert.throws(() => minimumIssueTimeMs(-1, []), /whole number/);
            assert.throws(() => minimumIssueTimeMs(1.5, []), /whole number/);
        });
    });

    it("maxInAnyWindow counts a call at t out of the window from t + w on, as the service does", () => {
        assert.equal(maxInAnyWindow([0, 0, 999, 1000, 1000], 1000), 3, "the calls at 0 are out at 1000");
        assert.equal(maxInAnyWindow([0, 0, 999, 999], 1000), 4);
        assert.equal(maxInAnyWindow([0, 1000, 2000], 1000), 1);
        assert.equal(maxInAnyWindow([], 1000), 0);
        assert.deepEqual(windowUse([5, 0, 10], [{ calls: 2, perSeconds: 1 }]), [{ calls: 2, perSeconds: 1, max: 3 }]);
    });

    describe("idealOf", () => {
        const windows = [{ calls: 20, perSeconds: 2 }];

        it("is the busiest budget's minimum time, each budget counted separately", () => {
            const ideal = idealOf({ calls: { "machines.read": 100, "actions.read": 130, isolate: 100 }, windows, isolations: 100, actionMs: 0 });
            assert.deepEqual(ideal, {
                idealMs: 12_000,
                boundBy: "actions.read",
                floorMs: 8_000,
                perBucketMs: { "machines.read": 8_000, "actions.read": 12_000, isolate: 8_000 },
            });
        });

        it("names the isolate budget when budgets tie", () => {
            const ideal = idealOf({ calls: { "machines.read": 100, "actions.read": 100, isolate: 100 }, windows, isolations: 100, actionMs: 0 });
            assert.equal(ideal.boundBy, "isolate");
            assert.equal(ideal.idealMs, 8_000);
        });

        it("adds the action's duration after the last isolate when creates wait", () => {
            const ideal = idealOf({ calls: { "actions.read": 105, isolate: 100 }, windows, isolations: 100, actionMs: 3_000 });
            assert.equal(ideal.floorMs, 11_000);
            assert.equal(ideal.idealMs, 11_000);
            assert.equal(ideal.boundBy, "action");
        });
    });

    it("counts id-in listings and reads by id as status polls, device listings as reads", () => {
        const entry = (route: string, query: Record<string, string>, status = 200) =>
            ({ route, query, status, timestamp: "2030-01-01T00:00:01.2500000Z" }) as unknown as RequestLogEntry;
        assert.deepEqual(apiRequestOf(entry("listActions", { $filter: "id in ('a','b')" })), {
            at: Date.parse("2030-01-01T00:00:01.250Z"),
            bucket: "actions.read",
            route: "listActions",
            status: 200,
            statusPoll: true,
        });
        assert.equal(apiRequestOf(entry("listActions", { $filter: "machineId eq 'm'" }))?.statusPoll, false);
        assert.equal(apiRequestOf(entry("getAction", {}))?.statusPoll, true);
        assert.equal(apiRequestOf(entry("getMachine", {}, 429))?.bucket, "machines.read");
        assert.equal(apiRequestOf(entry("token", {})), undefined);
    });

    describe("arguments", () => {
        it("runs the full set but its fullOnly scenarios by default, all of it with --full, the quick set with --quick", () => {
            const none = { quick: false, full: false, scenarios: [], help: false, engines: [] };
            const fullOnly = FULL_SCENARIOS.filter((s) => s.fullOnly).map((s) => s.name);
            assert.deepEqual(fullOnly, ["limit-500", "limit-500-wait"]);
            assert.deepEqual(selectScenarios(none), { ok: true, scenarios: FULL_SCENARIOS.filter((s) => !s.fullOnly) });
            assert.deepEqual(selectScenarios({ ...none, full: true }), { ok: true, scenarios: [...FULL_SCENARIOS] });
            assert.deepEqual(selectScenarios({ ...none, quick: true }), { ok: true, scenarios: [...QUICK_SCENARIOS] });
            const parsed = parseArgs(["--full"]);
            assert.ok(parsed.ok && parsed.args.full);
        });

        it("takes the engines to run, each once", () => {
            const parsed = parseArgs(["--engine", "cli", "--engine=host", "--quick"]);
            assert.ok(parsed.ok);
            assert.deepEqual(parsed.args.engines, ["cli", "host"]);
            assert.deepEqual((parseArgs([]) as { args: { engines: string[] } }).args.engines, []);
        });

        it("picks scenarios by name, in the order given", () => {
            const parsed = parseArgs(["--scenario", "preview-2000", "--scenario=create-100"]);
            assert.ok(parsed.ok);
            const picked = selectScenarios(parsed.args);
            assert.ok(picked.ok);
            assert.deepEqual(
                picked.scenarios.map((s) => s.name),
                ["preview-2000", "create-100"],
            );
        });

        it("names what is wrong", () => {
            assert.deepEqual(parseArgs(["--fast"]), { ok: false, problem: "unknown argument '--fast'" });
            assert.deepEqual(parseArgs(["--scenario"]), { ok: false, problem: "--scenario needs a scenario name" });
            assert.deepEqual(parseArgs(["--engine", "k8s"]), { ok: false, problem: "--engine takes host or cli, got 'k8s'" });
            assert.deepEqual(parseArgs(["--quick", "--full"]), { ok: false, problem: "--quick and --full exclude each other" });
            assert.deepEqual(selectScenarios({ quick: false, full: false, scenarios: ["nope"], help: false, engines: [] }), {
                ok: false,
                problem: "no scenario named 'nope'",
            });
        });

        it("has unique scenario names", () => {
            const names = [...FULL_SCENARIOS, ...QUICK_SCENARIOS].map((s) => s.name);
            assert.equal(new Set(names).size, names.length);
        });
    });
});
