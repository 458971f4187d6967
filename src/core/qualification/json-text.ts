import type { Issue } from "../errors.ts";
import { err, ok, type Result } from "../result.ts";

/**
 * Parses JSON text; on a syntax error says where, as 1-based line and column. JSON.parse's own
 * messages do not always carry a position (V8 omits it for "Unexpected token"), so the offset is
 * found by a small scanner that walks the grammar up to the first fault.
 *
 * @example
 * parseJsonText('{"a": }'); // { ok: false, error: { path: "", message: "...", line: 1, column: 7 } }
 */
export function parseJsonText(text: string): Result<unknown, Issue> {
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (error) {
    const found = locateJsonFault(text);
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    const fault = found.message === "ok" ? { offset: 0, message: reason ?? "invalid JSON" } : found;
    const { line, column } = lineColumn(text, fault.offset);
    return err({ path: "", message: `not valid JSON: ${fault.message}`, line, column });
  }
}

/**
 * The 1-based line and column of a character offset.
 *
 * @example
 * lineColumn("a\nbc", 3); // { line: 2, column: 2 }
 */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

type Fault = { offset: number; message: string };

class JsonFault extends Error {
  readonly offset: number;
  constructor(offset: number, message: string) {
    super(message);
    this.offset = offset;
  }
}

function locateJsonFault(text: string): Fault {
  return scanJson(text, () => {});
}

/**
 * The 1-based line and column of the member at a dotted path (`evidence.budget.state`), or of its
 * nearest existing parent when the path is missing (a required field left out). Undefined when the
 * text is not JSON.
 *
 * @example
 * locateJsonPath('{\n  "a": {"b": 1}\n}', "a.b"); // { line: 2, column: 9 }
 */
export function locateJsonPath(text: string, path: string): { line: number; column: number } | undefined {
  const offsets = new Map<string, number>();
  const fault = scanJson(text, (p, offset) => offsets.set(p, offset));
  if (fault.message !== "ok") return undefined;
  const parts = path ? path.split(".") : [];
  while (parts.length > 0) {
    const offset = offsets.get(parts.join("."));
    if (offset !== undefined) return lineColumn(text, offset);
    parts.pop();
  }
  return undefined;
}

/** Walks JSON text; reports where each object member or array element starts; returns the first fault. */
function scanJson(text: string, onMember: (path: string, offset: number) => void): Fault {
  let i = 0;
  const path: string[] = [];
  const fail = (message: string): never => {
    throw new JsonFault(i, message);
  };
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text.charAt(i))) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail("unexpected character");
  };
  const str = () => {
    i++; // opening quote
    while (i < text.length) {
      const c = text.charAt(i);
      if (c === '"') {
        i++;
        return;
      }
      if (c === "\\") {
        const next = text.charAt(i + 1);
        if (
          next === "u"
            ? !/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))
            : !'"\\/bfnrt'.includes(next) || next === ""
        ) {
          fail("invalid escape sequence in a string");
        }
        i++;
      } else if (c.charCodeAt(0) < 0x20) fail("control character inside a string");
      i++;
    }
    fail("unterminated string");
  };
  const num = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m || m[0] === "-") fail("invalid number");
    i += m?.[0].length ?? 0;
  };
  const value = (): void => {
    ws();
    const c = text.charAt(i);
    if (c === "{") obj();
    else if (c === "[") arr();
    else if (c === '"') str();
    else if (c === "t") literal("true");
    else if (c === "f") literal("false");
    else if (c === "n") literal("null");
    else if (c === "-" || (c >= "0" && c <= "9")) num();
    else fail(i >= text.length ? "unexpected end of file" : "expected a value");
  };
  const obj = () => {
    i++;
    ws();
    if (text.charAt(i) === "}") {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text.charAt(i) !== '"') fail("expected a double-quoted property name");
      const keyStart = i;
      str();
      let key = "";
      try {
        key = JSON.parse(text.slice(keyStart, i)) as string;
      } catch {
        i = keyStart;
        fail("invalid escape in a property name");
      }
      path.push(key);
      onMember(path.join("."), keyStart);
      ws();
      if (text.charAt(i) !== ":") fail("expected ':' after the property name");
      i++;
      value();
      path.pop();
      ws();
      const c = text.charAt(i);
      if (c === ",") i++;
      else if (c === "}") {
        i++;
        return;
      } else fail(i >= text.length ? "unexpected end of file" : "expected ',' or '}' after a property value");
    }
  };
  const arr = () => {
    i++;
    ws();
    if (text.charAt(i) === "]") {
      i++;
      return;
    }
    for (let index = 0; ; index++) {
      path.push(String(index));
      ws();
      onMember(path.join("."), i);
      value();
      path.pop();
      ws();
      const c = text.charAt(i);
      if (c === ",") i++;
      else if (c === "]") {
        i++;
        return;
      } else fail(i >= text.length ? "unexpected end of file" : "expected ',' or ']' after an array element");
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail("unexpected text after the JSON value");
    return { offset: 0, message: "ok" };
  } catch (error) {
    if (error instanceof JsonFault) return { offset: error.offset, message: error.message };
    throw error;
  }
}
