// The $filter compiler on its own: a table of expressions and the rows they select.
import assert from "assert";
import { FieldTable, compileFilter } from "../../../emulator/defender/odata";

interface Row {
    id: string;
    status: string;
    at: number;
    tags: string[];
    group: number;
}

const FIELDS: FieldTable<Row> = {
    id: { type: "string", get: (r) => r.id },
    status: { type: "string", get: (r) => r.status },
    at: { type: "datetime", get: (r) => r.at },
    tags: { type: "collection", get: (r) => r.tags },
    group: { type: "number", get: (r) => r.group },
};

const ROWS: Row[] = [
    { id: "a", status: "Pending", at: Date.parse("2024-01-01T00:00:00Z"), tags: ["Finance", "Laptop"], group: 1 },
    { id: "b", status: "Succeeded", at: Date.parse("2024-01-02T00:00:00Z"), tags: ["HR"], group: 2 },
    { id: "c", status: "Failed", at: Date.parse("2024-01-03T00:00:00Z"), tags: [], group: 2 },
    { id: "it's", status: "Pending", at: Date.parse("2024-01-04T00:00:00Z"), tags: ["it's", "Finance-EU"], group: 3 },
];

function select(filter: string, inSupported = true): string[] {
    const p = compileFilter(filter, FIELDS, inSupported);
    if (!p.ok) throw new Error(p.error);
    return ROWS.filter(p.value).map((r) => r.id);
}

describe("emulator: OData $filter compiler", () => {
    const table: Array<[string, string[]]> = [
        ["status eq 'Pending'", ["a", "it's"]],
        ["status eq 'PENDING'", ["a", "it's"]],
        ["id eq 'it''s'", ["it's"]],
        ["status eq 'Pending' and id eq 'a'", ["a"]],
        ["id eq 'a' or id eq 'c'", ["a", "c"]],
        ["id eq 'a' or id eq 'b' and status eq 'Failed'", ["a"]],
        ["(id eq 'a' or id eq 'b') and status eq 'Succeeded'", ["b"]],
        ["((id eq 'c'))", ["c"]],
        ["id in ('a','c','zzz')", ["a", "c"]],
        ["id in ('b')", ["b"]],
        ["at gt 2024-01-02T00:00:00Z", ["c", "it's"]],
        ["at ge 2024-01-02T00:00:00Z", ["b", "c", "it's"]],
        ["at lt 2024-01-02T00:00:00.000Z", ["a"]],
        ["at le '2024-01-01T00:00:00Z'", ["a"]],
        ["at eq 2024-01-03T00:00:00+00:00", ["c"]],
        ["status ne 'Pending'", ["b", "c"]],
        ["  status   eq   'Failed'  ", ["c"]],
        ["startswith(status,'pend')", ["a", "it's"]],
        ["startswith(id,'IT')", ["it's"]],
        ["startswith(status,'Pending') and id ne 'a'", ["it's"]],
        ["tags/any(tag: tag eq 'finance')", ["a"]],
        ["tags/any(t:t eq 'Finance-EU')", ["it's"]],
        ["tags/any(x: x eq 'it''s')", ["it's"]],
        ["tags/any(tag: tag eq 'HR') or tags/any(tag: tag eq 'Laptop')", ["a", "b"]],
        ["group eq 2", ["b", "c"]],
        ["group gt 1 and status eq 'Pending'", ["it's"]],
    ];
    for (const [filter, expected] of table) {
        it(`${filter} → ${expected.join(", ") || "nothing"}`, () => {
            assert.deepStrictEqual(select(filter), expected);
        });
    }

    const errors: Array<[string, RegExp]> = [
        ["", /empty/],
        ["status", /operator/],
        ["status eq", /value/],
        ["bogus eq 'x'", /Property 'bogus' is not supported/],
        ["endswith(id,'a')", /Function 'endswith'/],
        ["contains(id,'a')", /Function 'contains'/],
        ["startswith(at,'2024')", /'startswith' is not supported on 'at'/],
        ["startswith(id 'a')", /property and a quoted string/],
        ["tags eq 'HR'", /collection/],
        ["tags/any(tag: tag ne 'HR')", /Operator 'ne' is not supported inside any/],
        ["tags/any(tag: other eq 'HR')", /range variable 'tag'/],
        ["tags/any(tag eq 'HR')", /range variable/],
        ["tags/any(tag: tag eq HR)", /quoted string/],
        ["status/any(s: s eq 'x')", /not a collection/],
        ["group eq '2'", /whole number/],
        ["not status eq 'x'", /'not'/],
        ["status has 'x'", /Operator 'has'/],
        ["status lt 'x'", /not supported on 'status'/],
        ["at in ('2024-01-01')", /'in' is not supported on 'at'/],
        ["at gt yesterday", /needs a date/],
        ["id eq 'a' id eq 'b'", /unexpected/],
        ["id in ('a',)", /quoted string/],
        ["id in 'a'", /expected '\('/],
        ["(id eq 'a'", /expected '\)'/],
        ["id eq 'a", /Unterminated/],
    ];
    for (const [filter, message] of errors) {
        it(`rejects ${JSON.stringify(filter)}`, () => {
            const p = compileFilter(filter, FIELDS, true);
            assert.strictEqual(p.ok, false);
            if (!p.ok) assert.match(p.error, message);
        });
    }

    it("rejects in (...) when told it is unsupported", () => {
        const p = compileFilter("id in ('a')", FIELDS, false);
        assert.strictEqual(p.ok, false);
        assert.deepStrictEqual(select("id eq 'a'", false), ["a"]);
    });
});
