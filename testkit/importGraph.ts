/**
 * The repository's import graph, read from the sources: every `import … from`, `export … from`,
 * `import("…")` and `require("…")` of every TypeScript file, resolved to a file of the repository
 * (relative specifiers) or kept as a package name. Pure functions over it find cycles and edges that a
 * layer table forbids, so the layering rule is checked over the whole tree by one test.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface ImportEdge {
    /** Importing file, relative to the root, with `/` separators. */
    from: string;
    /** Imported file relative to the root (`provider/defender/index.ts`), or the package name (`@pulumi/pulumi`). */
    to: string;
    /** Whether `to` is a file of the repository (false: a package or a Node built-in). */
    local: boolean;
}

const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm;

/** Every `.ts` file under `dirs` (relative to root), skipping node_modules and dist. */
export function sourceFiles(root: string, dirs: readonly string[]): string[] {
    const out: string[] = [];
    const walk = (rel: string) => {
        const abs = path.join(root, rel);
        if (!fs.existsSync(abs)) return;
        for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
            if (entry.name === "node_modules" || entry.name === "dist" || entry.name.startsWith(".")) continue;
            const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
            if (entry.isDirectory()) walk(child);
            else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(child);
        }
    };
    for (const d of dirs) walk(d);
    return out.sort();
}

/** The specifiers a source text imports, in order. */
export function specifiersOf(text: string): string[] {
    // Comments may quote import lines (doc examples), and a double-quoted string may hold code as data
    // (the provider text's own require): leave both out, keeping the string an import names.
    const code = text
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/^\s*\/\/.*$/gm, "")
        .replace(/(\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)?"(?:[^"\\\n]|\\.)*"/gm, (m, keep: string | undefined) => (keep ? m : '""'));
    return [...code.matchAll(SPECIFIER)].map((m) => m[1]);
}

function resolveLocal(root: string, fromFile: string, spec: string): string {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), spec)).replace(/\.js$/, "");
    for (const candidate of [`${base}.ts`, `${base}/index.ts`, base]) {
        if (fs.existsSync(path.join(root, candidate))) return candidate;
    }
    return `${base}.ts`;
}

export function importEdges(root: string, files: readonly string[]): ImportEdge[] {
    return files.flatMap((from) =>
        specifiersOf(fs.readFileSync(path.join(root, from), "utf8")).map((spec) =>
            spec.startsWith(".") ? { from, to: resolveLocal(root, from, spec), local: true } : { from, to: spec, local: false },
        ),
    );
}

/** Each cycle among local files once, as the list of files around it. */
export function findCycles(edges: readonly ImportEdge[]): string[][] {
    const next = new Map<string, string[]>();
    for (const e of edges) if (e.local) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    const cycles: string[][] = [];
    const seen = new Set<string>();
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (node: string) => {
        state.set(node, "open");
        stack.push(node);
        for (const to of next.get(node) ?? []) {
            if (state.get(to) === "open") {
                const cycle = stack.slice(stack.indexOf(to));
                const key = [...cycle].sort().join(" ");
                if (!seen.has(key)) {
                    seen.add(key);
                    cycles.push([...cycle, to]);
                }
            } else if (!state.has(to)) visit(to);
        }
        stack.pop();
        state.set(node, "done");
    };
    for (const node of [...next.keys()].sort()) if (!state.has(node)) visit(node);
    return cycles;
}

/** A layer: the folders (or files) it owns, and the layers and packages it may import. */
export interface Layer {
    name: string;
    /** Path prefixes relative to the root: a folder (`provider/defender/`) or one file. */
    owns: readonly string[];
    /** Names of the layers this one may import (its own files are always allowed). */
    may: readonly string[];
    /** Packages it must not import (a prefix such as `@pulumi/`), or "any" to allow none at all. */
    forbidsPackages?: readonly string[] | "any";
}

/** The layer that owns a file: the longest matching prefix. */
export function layerOf(layers: readonly Layer[], file: string): Layer | undefined {
    let best: { layer: Layer; length: number } | undefined;
    for (const layer of layers) {
        for (const prefix of layer.owns) {
            const hit = prefix.endsWith("/") ? file.startsWith(prefix) : file === prefix;
            if (hit && (best === undefined || prefix.length > best.length)) best = { layer, length: prefix.length };
        }
    }
    return best?.layer;
}

/** Every edge the table forbids, and every file no layer owns, as readable lines. */
export function layeringViolations(layers: readonly Layer[], files: readonly string[], edges: readonly ImportEdge[]): string[] {
    const out: string[] = [];
    for (const file of files) if (!layerOf(layers, file)) out.push(`${file}: no layer owns this file`);
    for (const e of edges) {
        const from = layerOf(layers, e.from);
        if (!from) continue;
        if (!e.local) {
            const forbidden = from.forbidsPackages;
            if (forbidden === "any" || forbidden?.some((p) => e.to.startsWith(p)))
                out.push(`${e.from} → ${e.to}: layer ${from.name} must not import this package`);
            continue;
        }
        const to = layerOf(layers, e.to);
        if (!to) {
            out.push(`${e.from} → ${e.to}: imports a file no layer owns`);
            continue;
        }
        if (to !== from && !from.may.includes(to.name)) out.push(`${e.from} → ${e.to}: layer ${from.name} may not import layer ${to.name}`);
    }
    return out;
}
