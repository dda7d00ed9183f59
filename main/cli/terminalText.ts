/**
 * Text from files and folders (names, passages, failure reasons, pack manifests) is
 * written to a terminal by the human output of the CLI. A file named `\x1b]0;…\x07.txt`
 * or a document containing `\x1b[2J` would otherwise drive the terminal (retitle it,
 * clear it, forge lines). `printable` shows every control character as a visible
 * escape instead. JSON output never goes through here: it stays exact.
 */

// C0 controls, DEL and C1 controls (U+0080–U+009F; U+009B is a one-byte CSI on some terminals),
// and the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
// make a terminal show text in another order than it is ("Trojan Source"): a file name could show
// as an innocent one, or a passage hide what it says.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;
const CONTROL_EXCEPT_LINE_BREAK_AND_TAB =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(c: string): string {
  const code = c.charCodeAt(0);
  if (NAMED[c]) return NAMED[c];
  return code > 0xff
    ? `\\u${code.toString(16).padStart(4, '0')}`
    : `\\x${code.toString(16).padStart(2, '0')}`;
}

/**
 * `text` safe to write to a terminal: control characters become `\xNN` (`\n`, `\r`, `\t`
 * as such). With `multiline`, line breaks and tabs are kept (a Windows `\r\n` is one
 * line break), for passages printed over several lines.
 */
export function printable(text: string, options: { multiline?: boolean } = {}): string {
  if (!options.multiline) return text.replace(CONTROL, visible);
  return text.replace(/\r\n/g, '\n').replace(CONTROL_EXCEPT_LINE_BREAK_AND_TAB, visible);
}

/** A template tag: the literal parts are the program's own, every interpolated value goes through `printable`. */
export function safe(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((out, s, i) => out + printable(String(values[i - 1])) + s);
}
