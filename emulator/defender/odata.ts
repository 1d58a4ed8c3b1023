// The subset of OData $filter the Defender listings accept: eq/ne (and gt/ge/lt/le on dates and numbers),
// and, or, parentheses, `in ('a','b')`, `startswith(property,'text')` (Microsoft's OData samples use it on
// computerDnsName) and, on a collection such as machineTags, `machineTags/any(tag: tag eq 'text')`.
// Anything else is an ODataError, as the service answers unsupported syntax.
import { Result, fail, ok } from "../base/result";

export type FieldDef<T> =
    | {
          type: "string" | "datetime" | "number";
          /** Strings compare case-insensitively; datetimes as epoch ms. */
          get: (entity: T) => string | number | null;
      }
    | {
          /** A list of strings, filtered only through `any`: `field/any(x: x eq 'value')`. */
          type: "collection";
          get: (entity: T) => string[];
      };
export type FieldTable<T> = Record<string, FieldDef<T>>;
export type Predicate<T> = (entity: T) => boolean;

export const MAX_FILTER_LENGTH = 32_768;

type Token = { t: "(" | ")" | ","; pos: number } | { t: "str"; v: string; pos: number } | { t: "word"; v: string; pos: number };

const COMPARISONS = ["eq", "ne", "gt", "ge", "lt", "le"] as const;
type Comparison = (typeof COMPARISONS)[number];

function tokenize(text: string): Result<Token[], string> {
    const tokens: Token[] = [];
    let i = 0;
    while (i < text.length) {
        const c = text[i];
        if (/\s/.test(c)) {
            i++;
        } else if (c === "(" || c === ")" || c === ",") {
            tokens.push({ t: c, pos: i });
            i++;
        } else if (c === "'") {
            const start = i;
            let v = "";
            i++;
            for (;;) {
                if (i >= text.length) return fail(`Unterminated string literal at position ${start}`);
                if (text[i] === "'") {
                    if (text[i + 1] === "'") {
                        v += "'";
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                v += text[i++];
            }
            tokens.push({ t: "str", v, pos: start });
        } else {
            const m = /^[^\s(),']+/.exec(text.slice(i)) as RegExpExecArray;
            tokens.push({ t: "word", v: m[0], pos: i });
            i += m[0].length;
        }
    }
    return ok(tokens);
}

class ParseError extends Error {}

class Parser<T> {
    private i = 0;

    constructor(
        private readonly tokens: Token[],
        private readonly fields: FieldTable<T>,
        private readonly inSupported: boolean,
    ) {}

    parse(): Predicate<T> {
        if (this.tokens.length === 0) throw new ParseError("The $filter expression is empty");
        const p = this.parseOr();
        const extra = this.tokens[this.i];
        if (extra) throw new ParseError(`Syntax error at position ${extra.pos}: unexpected '${"v" in extra ? extra.v : extra.t}'`);
        return p;
    }

    private peekWord(word: string): boolean {
        const t = this.tokens[this.i];
        return t !== undefined && t.t === "word" && t.v === word;
    }

    private parseOr(): Predicate<T> {
        let left = this.parseAnd();
        while (this.peekWord("or")) {
            this.i++;
            const l = left;
            const r = this.parseAnd();
            left = (e) => l(e) || r(e);
        }
        return left;
    }

    private parseAnd(): Predicate<T> {
        let left = this.parsePrimary();
        while (this.peekWord("and")) {
            this.i++;
            const l = left;
            const r = this.parsePrimary();
            left = (e) => l(e) && r(e);
        }
        return left;
    }

    private expect(t: "(" | ")"): void {
        const tok = this.tokens[this.i];
        if (tok === undefined || tok.t !== t) {
            throw new ParseError(`Syntax error: expected '${t}' ${tok ? `at position ${tok.pos}` : "at end of expression"}`);
        }
        this.i++;
    }

    private parsePrimary(): Predicate<T> {
        const tok = this.tokens[this.i];
        if (tok === undefined) throw new ParseError("Syntax error: expression ends early");
        if (tok.t === "(") {
            this.i++;
            const inner = this.parseOr();
            this.expect(")");
            return inner;
        }
        if (tok.t !== "word") throw new ParseError(`Syntax error at position ${tok.pos}: expected a property name`);
        this.i++;
        if (tok.v === "not") throw new ParseError("The 'not' operator is not supported");
        if (this.tokens[this.i]?.t === "(") {
            if (tok.v === "startswith") return this.parseStartsWith();
            const lambda = /^([A-Za-z]+)\/any$/.exec(tok.v);
            if (lambda) return this.parseAny(lambda[1]);
            throw new ParseError(`Function '${tok.v}' is not supported in $filter`);
        }
        const field = this.field(tok.v);
        if (field.type === "collection") throw new ParseError(`Property '${tok.v}' is a collection: filter it with ${tok.v}/any(x: x eq '...')`);
        const op = this.tokens[this.i];
        if (op === undefined || op.t !== "word") throw new ParseError(`Syntax error: expected an operator after '${tok.v}'`);
        this.i++;
        if (op.v === "in") return this.parseIn(tok.v, field);
        if (!(COMPARISONS as readonly string[]).includes(op.v)) throw new ParseError(`Operator '${op.v}' is not supported`);
        const cmp = op.v as Comparison;
        if (field.type === "string" && cmp !== "eq" && cmp !== "ne") {
            throw new ParseError(`Operator '${cmp}' is not supported on '${tok.v}'; use eq, ne or in`);
        }
        const value = this.parseLiteral(tok.v, field);
        return compare(field, cmp, value);
    }

    private field(name: string): FieldDef<T> {
        const field = Object.prototype.hasOwnProperty.call(this.fields, name) ? this.fields[name] : undefined;
        if (field === undefined) throw new ParseError(`Property '${name}' is not supported in $filter; supported: ${Object.keys(this.fields).join(", ")}`);
        return field;
    }

    private word(what: string): string {
        const tok = this.tokens[this.i];
        if (tok === undefined || tok.t !== "word")
            throw new ParseError(`Syntax error: expected ${what}${tok ? ` at position ${tok.pos}` : " at end of expression"}`);
        this.i++;
        return tok.v;
    }

    /** `startswith(property,'text')`: case-insensitive, like every string comparison here. */
    private parseStartsWith(): Predicate<T> {
        this.expect("(");
        const name = this.word("a property name");
        const field = this.field(name);
        if (field.type !== "string") throw new ParseError(`Function 'startswith' is not supported on '${name}'`);
        if (this.tokens[this.i]?.t !== ",") throw new ParseError("Syntax error: startswith takes a property and a quoted string");
        this.i++;
        const prefix = String(this.parseLiteral(name, field)).toLowerCase();
        this.expect(")");
        return (e) => {
            const v = field.get(e);
            return typeof v === "string" && v.toLowerCase().startsWith(prefix);
        };
    }

    /** `collection/any(x: x eq 'text')`: some element equals the text, case-insensitively. */
    private parseAny(name: string): Predicate<T> {
        const field = this.field(name);
        if (field.type !== "collection") throw new ParseError(`'${name}' is not a collection; 'any' applies to collections such as machineTags`);
        this.expect("(");
        // The range variable and its colon may arrive as one word ("tag:") or glued to its use ("t:t").
        const head = /^([A-Za-z_]\w*):(.*)$/.exec(this.word("a range variable such as 'tag:'"));
        if (!head) throw new ParseError(`Syntax error: ${name}/any needs a range variable, as in ${name}/any(tag: tag eq 'x')`);
        const use = head[2] !== "" ? head[2] : this.word(`'${head[1]}'`);
        if (use !== head[1]) throw new ParseError(`Syntax error: expected the range variable '${head[1]}', got '${use}'`);
        const op = this.word("eq");
        if (op !== "eq") throw new ParseError(`Operator '${op}' is not supported inside any(); use eq`);
        const lit = this.tokens[this.i];
        if (lit === undefined || lit.t !== "str") throw new ParseError(`Syntax error: ${name}/any(...) compares with a quoted string like '...'`);
        this.i++;
        this.expect(")");
        const wanted = lit.v.toLowerCase();
        return (e) => field.get(e).some((v) => v.toLowerCase() === wanted);
    }

    private parseIn(name: string, field: FieldDef<T> & { type: "string" | "datetime" | "number" }): Predicate<T> {
        if (!this.inSupported) throw new ParseError("The 'in' operator is not supported");
        if (field.type !== "string") throw new ParseError(`Operator 'in' is not supported on '${name}'`);
        this.expect("(");
        const values = new Set<string>();
        for (;;) {
            values.add(String(this.parseLiteral(name, field)).toLowerCase());
            const sep = this.tokens[this.i];
            if (sep?.t === ",") {
                this.i++;
                continue;
            }
            break;
        }
        this.expect(")");
        return (e) => {
            const v = field.get(e);
            return typeof v === "string" && values.has(v.toLowerCase());
        };
    }

    private parseLiteral(name: string, field: FieldDef<T>): string | number {
        const tok = this.tokens[this.i];
        if (tok === undefined) throw new ParseError(`Syntax error: expected a value for '${name}'`);
        this.i++;
        if (field.type === "string") {
            if (tok.t !== "str") throw new ParseError(`Syntax error at position ${tok.pos}: '${name}' needs a quoted string like '...'`);
            return tok.v;
        }
        if (field.type === "number") {
            if (tok.t !== "word" || !/^-?\d{1,15}$/.test(tok.v)) throw new ParseError(`Syntax error at position ${tok.pos}: '${name}' needs a whole number`);
            return Number(tok.v);
        }
        const text = tok.t === "str" || tok.t === "word" ? tok.v : "";
        const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(text) ? Date.parse(text) : NaN;
        if (Number.isNaN(ms)) throw new ParseError(`Syntax error at position ${tok.pos}: '${name}' needs a date like 2024-05-01T00:00:00Z`);
        return ms;
    }
}

function compare<T>(field: FieldDef<T> & { type: "string" | "datetime" | "number" }, op: Comparison, value: string | number): Predicate<T> {
    if (field.type === "string") {
        const wanted = String(value).toLowerCase();
        return op === "eq"
            ? (e) => String(field.get(e) ?? "").toLowerCase() === wanted && field.get(e) !== null
            : (e) => String(field.get(e) ?? "").toLowerCase() !== wanted || field.get(e) === null;
    }
    const n = value as number;
    const get = (e: T): number => Number(field.get(e));
    switch (op) {
        case "eq":
            return (e) => get(e) === n;
        case "ne":
            return (e) => get(e) !== n;
        case "gt":
            return (e) => get(e) > n;
        case "ge":
            return (e) => get(e) >= n;
        case "lt":
            return (e) => get(e) < n;
        case "le":
            return (e) => get(e) <= n;
    }
}

/** Compiles a $filter into a predicate, or the message of a 400 ODataError. */
export function compileFilter<T>(text: string, fields: FieldTable<T>, inSupported: boolean): Result<Predicate<T>, string> {
    if (text.length > MAX_FILTER_LENGTH) return fail(`The $filter expression is longer than ${MAX_FILTER_LENGTH} characters`);
    const tokens = tokenize(text);
    if (!tokens.ok) return tokens;
    try {
        return ok(new Parser(tokens.value, fields, inSupported).parse());
    } catch (e) {
        if (e instanceof ParseError) return fail(`Invalid filter: ${e.message}`);
        throw e;
    }
}
