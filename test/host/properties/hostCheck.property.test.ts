/**
 * Check through the real provider host, on a bounded number of arbitrary declarations: the host never
 * fails the call, answers the same failures as the pure rules, and the emulator's request log proves
 * that not a single request (token or API) was made.
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { DEFAULT_DEVICES } from "../../../emulator";
import { checkInputs } from "../../../provider/resource/inputs";
import { counted } from "../../../testkit/faults/faultStats";
import { useWorld } from "../../../testkit/useWorld";

const RUNS = 60;

const value = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.string({ unit: "binary", maxLength: 60 }),
    fc.constantFrom(
        "Full",
        "full",
        "",
        " ",
        "../../api/machines",
        "%2e%2e",
        "a?b#c",
        "o'brien.contoso.com",
        "\u0661".repeat(40),
        DEFAULT_DEVICES.finLaptop.id,
        "a".repeat(1001),
    ),
);
const key = fc.oneof(
    fc.constantFrom(
        "machineId",
        "computerDnsName",
        "comment",
        "isolationType",
        "releaseComment",
        "waitForCompletion",
        "completionTimeoutSeconds",
        "protectedMachineTags",
        "MachineId",
        "constructor",
        "toString",
    ),
    fc.string({ unit: "binary", maxLength: 12 }).filter((k) => k !== "__proto__" && k !== "__provider"),
);
const overrides = fc.array(fc.tuple(key, value), { maxLength: 5 });

const strip = (property: string) => property.replace(/\[\d+\]$/, "");

describe("check through the provider host, on arbitrary declarations", function () {
    this.timeout(60_000);
    const world = useWorld();

    it(`answers ${RUNS} arbitrary declarations like the pure rules, with zero requests to Entra or Defender`, async () => {
        const registered = await world.register("d", { machineId: DEFAULT_DEVICES.finLaptop.id, comment: "INC-1" });
        world.emulator.clearRequests();
        await fc.assert(
            fc.asyncProperty(overrides, async (entries) => {
                const news: Record<string, unknown> = { ...registered };
                for (const [k, v] of entries) news[k] = v;
                const answer = await world.host.check(world.urn("d"), {}, news);
                const pure = checkInputs(JSON.parse(JSON.stringify(news)) as Record<string, unknown>);
                assert.deepEqual(answer.failures.map((f) => strip(f.property)).sort(), pure.failures.map((f) => strip(f.property)).sort());
                for (const f of answer.failures) assert.ok(f.reason !== "", "each failure says why");
            }),
            counted(RUNS),
        );
        assert.deepEqual(world.emulator.requests(), [], "no request at all");
        assert.deepEqual(
            world.host.stderr().filter((l) => /Error/.test(l)),
            [],
            "no error printed by the host",
        );
    });
});
