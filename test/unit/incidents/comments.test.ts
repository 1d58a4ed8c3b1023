import { strict as assert } from "assert";
import fc from "fast-check";
import { MAX_COMMENT_LENGTH } from "../../../provider/resource/inputs";
import { boundedList, compareIncidentIds, incidentNote, isolationComment, releaseComment } from "../../../provider/incidents/comments";

describe("gitops: comments", () => {
    it("names the incident, its title and the device's own comment", () => {
        assert.equal(
            incidentNote({ id: "INC-2031", title: "Cobalt Strike beacon on finance laptops" }, "keeps Teams for the user's manager call"),
            "INC-2031 Cobalt Strike beacon on finance laptops: keeps Teams for the user's manager call",
        );
        assert.equal(incidentNote({ id: "INC-7", title: "Phishing" }), "INC-7 Phishing");
    });

    it("joins every incident while it fits", () => {
        assert.equal(isolationComment(["INC-1 A", "INC-2 B: c"]), "INC-1 A; INC-2 B: c");
    });

    it("past the bound, drops whole incidents from the end and counts them", () => {
        const parts = ["INC-1 aaaa", "INC-2 bbbb", "INC-3 cccc", "INC-4 dddd"];
        assert.equal(boundedList(parts, 40), "INC-1 aaaa; INC-2 bbbb; … and 2 more");
        assert.equal(boundedList(parts, 25), "INC-1 aaaa; … and 3 more");
        assert.equal(boundedList(parts, 20), "INC-1 aa… and 3 more");
        assert.equal(boundedList(["x".repeat(30)], 10), "xxxxxxxxx…");
    });

    it("release comments name the closed incidents", () => {
        assert.equal(releaseComment(["INC-2031"]), "Released by Pulumi: incident INC-2031 closed");
        assert.equal(releaseComment(["INC-2031", "INC-2044"]), "Released by Pulumi: incidents INC-2031, INC-2044 closed");
        const many = Array.from({ length: 200 }, (_, i) => `INC-${1000 + i}`);
        const text = releaseComment(many);
        assert.ok(text.length <= MAX_COMMENT_LENGTH);
        assert.match(text, /^Released by Pulumi: incidents INC-1000, INC-1001, .*, … and \d+ more closed$/);
    });

    it("never exceeds the bound, and keeps everything when it fits (property)", () => {
        fc.assert(
            fc.property(
                fc.array(fc.string({ minLength: 1, maxLength: 400 }), { minLength: 1, maxLength: 20 }),
                fc.integer({ min: 20, max: 1200 }),
                (parts, max) => {
                    const text = boundedList(parts, max);
                    assert.ok(text.length <= max, `${text.length} > ${max}`);
                    if (parts.join("; ").length <= max) assert.equal(text, parts.join("; "));
                    else assert.match(text, /(… and \d+ more|…)$/);
                },
            ),
        );
    });

    it("sorts incident ids the way people read them", () => {
        assert.deepEqual(["INC-100", "inc-99", "INC-2031"].sort(compareIncidentIds), ["inc-99", "INC-100", "INC-2031"]);
    });
});
