import assert from "node:assert/strict";
import { parseMachine, parseMachineAction, parsePage, type ParseResult } from "../../../provider/defender";
import { actionId, machine, machineAction, machineActionJson, machineJson } from "./support/fixtures";

function ok<T>(r: ParseResult<T>): T {
    if (!r.ok) assert.fail(r.problem);
    return r.value;
}

function problem<T>(r: ParseResult<T>): string {
    if (r.ok) assert.fail("expected a problem");
    return r.problem;
}

describe("defender/models", () => {
    it("picks the known MachineAction fields and ignores the rest", () => {
        const parsed = ok(parseMachineAction(machineActionJson()));
        assert.deepEqual(parsed, { ...machineAction(), title: "Isolate device", requestSource: "PublicApi", errorHResult: 0 });
    });

    it("returns plain JSON: no undefined values, nulls where Defender sends none", () => {
        const parsed = ok(
            parseMachineAction({
                id: actionId(2),
                type: "Unisolate",
                status: "Succeeded",
                machineId: "a".repeat(40),
                creationDateTimeUtc: "2024-01-01T00:00:00Z",
            }),
        );
        assert.deepEqual(JSON.parse(JSON.stringify(parsed)), parsed);
        assert.equal(parsed.scope, null);
        assert.equal(parsed.lastUpdateDateTimeUtc, null);
        assert.ok(!("externalId" in parsed));
    });

    const missing: Array<[string, Record<string, unknown>, RegExp]> = [
        ["no id", { id: undefined }, /^MachineAction field "id" is missing$/],
        ["a non-GUID id", { id: "42" }, /^MachineAction field "id" must be a GUID; got "42"$/],
        ["a null type", { type: null }, /^MachineAction field "type" is missing$/],
        ["no status", { status: undefined }, /^MachineAction field "status" is missing$/],
        ["a status that is no string", { status: 3 }, /^MachineAction field "status" must be a non-empty string; got 3$/],
        ["a null machineId", { machineId: null }, /^MachineAction field "machineId" is missing$/],
        ["an unreadable creationDateTimeUtc", { creationDateTimeUtc: "yesterday" }, /^MachineAction field "creationDateTimeUtc" must be an ISO timestamp/],
    ];
    for (const [name, overrides, pattern] of missing) {
        it(`refuses a MachineAction with ${name}`, () => {
            const body = machineActionJson(overrides);
            for (const [k, v] of Object.entries(overrides)) if (v === undefined) delete body[k];
            assert.match(problem(parseMachineAction(body)), pattern);
        });
    }

    it("refuses bodies that are not objects", () => {
        assert.equal(problem(parseMachineAction([])), "a MachineAction must be a JSON object; got an array");
        assert.equal(problem(parseMachineAction(null)), "a MachineAction must be a JSON object; got null");
        assert.equal(problem(parseMachine("x")), "a Machine must be a JSON object; got string");
    });

    it("parses a Machine, keeping only string tags", () => {
        assert.deepEqual(ok(parseMachine(machineJson())), machine());
        assert.deepEqual(
            ok(parseMachine(machineJson({ machineTags: ["a", 3, null, "b"], lastSeen: null }))),
            machine({ machineTags: ["a", "b"], lastSeen: null }),
        );
        assert.deepEqual(ok(parseMachine({ id: machine().id })).machineTags, []);
        assert.match(problem(parseMachine(machineJson({ id: "fin-lt-042" }))), /^Machine field "id" must be 40 hexadecimal characters/);
    });

    it("parses a page, with its nextLink, and names the bad item", () => {
        const page = ok(
            parsePage({ value: [machineActionJson(), machineActionJson({ id: actionId(2) })], "@odata.nextLink": "https://x/next" }, parseMachineAction),
        );
        assert.deepEqual(
            page.items.map((a) => a.id),
            [actionId(1), actionId(2)],
        );
        assert.equal(page.nextLink, "https://x/next");
        assert.ok(!("nextLink" in ok(parsePage({ value: [] }, parseMachineAction))));
        assert.equal(
            problem(parsePage({ value: [machineActionJson(), { id: actionId(3) }] }, parseMachineAction)),
            'value[1]: MachineAction field "type" is missing',
        );
        assert.match(problem(parsePage({ values: [] }, parseMachineAction)), /must be a JSON object with a "value" array; got an object without it/);
    });
});
