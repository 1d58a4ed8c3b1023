/**
 * Loaded with `node --require` before the command: its stdout looks like a terminal of
 * TERMINAL_PROBE_COLUMNS columns, as a user's would, while the test still reads it through a pipe.
 */
const columns = Number(process.env.TERMINAL_PROBE_COLUMNS);
if (Number.isInteger(columns) && columns > 0) {
    Object.defineProperty(process.stdout, "isTTY", { value: true });
    Object.defineProperty(process.stdout, "columns", { value: columns });
}
