// The longest functions of a set of sources, by lines from signature to closing brace.
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

export interface FunctionLength {
    name: string;
    file: string;
    line: number;
    lines: number;
}

/** A function's name as a reader finds it: its own, the variable or property it is assigned to, or "(anonymous)". */
function nameOf(node: ts.FunctionLikeDeclaration): string {
    if (node.name !== undefined) return node.name.getText();
    const parent = node.parent;
    if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.name !== undefined) {
        return parent.name.getText();
    }
    if (ts.isCallExpression(parent)) {
        const first = parent.arguments[0];
        const callee = parent.expression.getText();
        return first !== undefined && ts.isStringLiteralLike(first) ? `${callee}(${JSON.stringify(first.text)})` : `${callee}(…)`;
    }
    return "(anonymous)";
}

/** Every function, method, arrow function and function expression of one source text. */
export function functionLengths(file: string, text: string): FunctionLength[] {
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const out: FunctionLength[] = [];
    const visit = (node: ts.Node) => {
        if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
            const fn = node;
            const start = source.getLineAndCharacterOfPosition(fn.getStart(source)).line;
            const end = source.getLineAndCharacterOfPosition(fn.getEnd()).line;
            out.push({ name: nameOf(fn), file, line: start + 1, lines: end - start + 1 });
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return out;
}

/** The `count` longest functions of `files` (relative to `root`), longest first. */
export function longestFunctions(root: string, files: readonly string[], count: number): FunctionLength[] {
    return files
        .flatMap((file) => functionLengths(file, fs.readFileSync(path.join(root, file), "utf8")))
        .sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file) || a.line - b.line)
        .slice(0, count);
}
