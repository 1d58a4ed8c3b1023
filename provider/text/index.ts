/**
 * Escaping of outside text at each kind of output: a terminal, Markdown, the Pulumi engine's output
 * (which a pull request comment shows as HTML). Text from Defender or from an incident file is data;
 * these make it inert where it is shown. Imports nothing: every layer of the package may use it.
 */
export { isTerminalSafe, terminalJson, terminalLines, terminalText, visibleEscape } from "./terminal";
export { MAX_MARKDOWN_VALUE, markdownLiteral, markdownProse } from "./markdown";
export { engineLines, engineText } from "./engine";
