// A task's stack, as the user wrote it: frames in the shipped code become frames of the
// cell (`__cellN__.js`) or file the source came from, so the kernel's error report shows
// the cell's lines; the worker's own frames go.
import type { Segment } from "../core/shipment";

export function shippedFilename(fnId: number): string {
  return `tsray-function-${fnId}.js`;
}

/** The ids of the shipped functions whose frames are in the stack. */
export function shippedIdsIn(stack: string): number[] {
  return [...new Set([...stack.matchAll(/tsray-function-(\d+)\.js/g)].map((match) => Number(match[1])))];
}

export function mapStack(stack: string, fnId: number, segments: Segment[]): string {
  const file = shippedFilename(fnId);
  const pattern = new RegExp(`${file.replace(/\./g, "\\.")}:(\\d+):(\\d+)`);
  const lines = stack.split("\n");
  const out: string[] = [];
  for (const line of lines) {
    if (!/^\s+at /.test(line)) {
      out.push(line);
      continue;
    }
    const match = pattern.exec(line);
    if (!match) {
      if (!/runtime\/worker\/|node:internal|\(node:/.test(line)) out.push(line);
      continue;
    }
    const jsLine = Number(match[1]);
    const column = Number(match[2]);
    const segment = segments.find((s) => jsLine >= s.startLine && jsLine < s.startLine + s.lineCount);
    if (!segment) continue;
    const line0 = segment.line + (jsLine - segment.startLine);
    const col = jsLine === segment.startLine ? segment.column + column - segment.prefix : column;
    out.push(line.replace(pattern, `${segment.url}:${line0 + 1}:${col}`));
  }
  return out.join("\n");
}
