import { describe, expect, it } from "vitest";
import { CopyBytes, copyValue } from "../src/storage/copy-text.ts";

describe("CopyBytes", () => {
  it("gives the UTF-8 of the lines written since the last take, past its first buffer's size", () => {
    const w = new CopyBytes(16);
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const line = `${i}\t${copyValue(i % 7 === 0 ? "ünïcødé ✓ 🚀" : `a\tb\\${i}`)}\t${copyValue(i % 3 ? null : { n: i })}\n`;
      lines.push(line);
      w.line(line);
    }
    const bytes = w.take();
    expect(bytes.equals(Buffer.from(lines.join("")))).toBe(true);
    // Its own ArrayBuffer (movable to another thread), not a view of a shared pool.
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(bytes.byteLength);
    // Empty again after a take; the next payload does not carry the previous one.
    expect(w.take().byteLength).toBe(0);
    w.line("x\n");
    expect(w.take().toString()).toBe("x\n");
  });
});
