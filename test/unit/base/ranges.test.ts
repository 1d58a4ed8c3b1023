import assert from "node:assert/strict";
import { isWholeIn, wholeNumberProblem, wholeNumberText } from "../../../provider/base/ranges";

describe("base/ranges: whole numbers in a range", () => {
    it("accepts integers in the range only", () => {
        assert.deepEqual(
            [0, 1, 5, 6, 1.5, Number.NaN, "3", undefined].map((v) => isWholeIn(v, 1, 5)),
            [false, true, true, false, false, false, false, false],
        );
    });

    it("says what is wanted, with the unit when there is one, and what was given", () => {
        assert.equal(wholeNumberText({ min: 1, max: 60, unit: "seconds" }), "a whole number of seconds from 1 to 60");
        assert.equal(wholeNumberProblem(30, "poll", { min: 1, max: 60 }), undefined);
        assert.equal(wholeNumberProblem(0.5, "poll", { min: 1, max: 60 }), "poll must be a whole number from 1 to 60; got 0.5");
        assert.equal(
            wholeNumberProblem(undefined, "rateLimits[0].calls", { min: 1, max: 9, unit: "calls" }),
            "rateLimits[0].calls must be a whole number of calls from 1 to 9; got nothing",
        );
        assert.equal(wholeNumberProblem("7", "top", { min: 1, max: 9 }), 'top must be a whole number from 1 to 9; got "7"');
    });
});
