// The settings file read exactly as systemd's EnvironmentFile= reads it (systemd.exec(5); the state machine of
// systemd's env-file.c): NAME=value lines; `#` or `;` first on a line starts a comment; blanks around the name and an
// unquoted value go; inside a value `$`, `#` and spaces are plain characters (nothing is expanded); '…' keeps
// everything; "…" unescapes \" \\ \` \$ and keeps any other backslash; an unquoted backslash escapes the next
// character; a backslash at a line end continues the line. The later of two assignments wins.
// One difference, on purpose: a line systemd would drop silently (`export NAME=…`, a bad name, no `=`) is refused
// with its line number, since a setting that silently does not apply is worse than a refusal.
import type { Problem, Result } from "../core/result.ts";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/; // systemd's env_name_is_valid()
const isNewline = (c: string) => c === "\n" || c === "\r";
const isBlank = (c: string) => c === " " || c === "\t" || isNewline(c);
const DOUBLE_QUOTE_ESCAPABLE = "\"\\`$"; // systemd's SHELL_NEED_ESCAPE

type State = "preKey" | "key" | "preValue" | "value" | "valueEscape" | "single" | "double" | "doubleEscape" | "comment" | "commentEscape";

export function parseEnvFile(text: string): Result<Record<string, string>> {
  const values: Record<string, string> = {};
  const problems: Problem[] = [];
  let state: State = "preKey";
  let key = "";
  let value = "";
  let keyLine = 1;
  let line = 1;
  let trailingBlanks = 0; // unquoted blanks at the end of the value so far, dropped if nothing follows

  const push = () => {
    const name = key.trimEnd();
    if (NAME.test(name)) values[name] = value.slice(0, value.length - trailingBlanks);
    else problems.push({ path: `line ${keyLine}`, message: `"${name}" is not a variable name (systemd would skip this line): write NAME=value${name.startsWith("export ") ? ", without export" : ""}` });
    key = "";
    value = "";
    trailingBlanks = 0;
  };
  const noEquals = () => {
    problems.push({ path: `line ${keyLine}`, message: `"${key.trim()}" has no "=" (systemd would skip this line): write NAME=value, or start a comment with #` });
    key = "";
  };

  for (const c of text) {
    switch (state) {
      case "preKey":
        if (c === "#" || c === ";") state = "comment";
        else if (!isBlank(c)) {
          state = "key";
          key = c;
          keyLine = line;
        }
        break;
      case "key":
        if (isNewline(c)) {
          state = "preKey";
          noEquals();
        } else if (c === "=") state = "preValue";
        else key += c;
        break;
      case "preValue":
        if (isNewline(c)) {
          state = "preKey";
          push();
        } else if (c === "'") state = "single";
        else if (c === '"') state = "double";
        else if (c === "\\") state = "valueEscape";
        else if (!isBlank(c)) {
          state = "value";
          value += c;
        }
        break;
      case "value":
        if (isNewline(c)) {
          state = "preKey";
          push();
        } else if (c === "\\") {
          state = "valueEscape";
          trailingBlanks = 0;
        } else {
          value += c;
          trailingBlanks = isBlank(c) ? trailingBlanks + 1 : 0;
        }
        break;
      case "valueEscape":
        state = "value";
        if (!isNewline(c)) value += c; // backslash-newline: the line continues
        break;
      case "single":
        if (c === "'") state = "preValue";
        else value += c;
        break;
      case "double":
        if (c === '"') state = "preValue";
        else if (c === "\\") state = "doubleEscape";
        else value += c;
        break;
      case "doubleEscape":
        state = "double";
        if (DOUBLE_QUOTE_ESCAPABLE.includes(c)) value += c;
        else if (c !== "\n") value += `\\${c}`;
        break;
      case "comment":
        if (c === "\\") state = "commentEscape";
        else if (isNewline(c)) state = "preKey";
        break;
      case "commentEscape":
        state = isNewline(c) ? "preKey" : "comment";
        break;
    }
    if (c === "\n") line++;
  }
  if (["preValue", "value", "valueEscape", "single", "double", "doubleEscape"].includes(state)) push();
  else if (state === "key") noEquals();
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: values };
}
