// Remembers each cell's TypeScript source and the JavaScript tslab made of it, so that a
// stack frame in the JavaScript can be shown as a line of the cell the user wrote.

interface CellSource {
  label: string;
  sourceLines: string[];
  jsLines: string[];
}

const cells = new Map<number, CellSource>();
const MAX_CELLS = 2000;

export function scriptFilename(cellId: number): string {
  return `__cell${cellId}__.js`;
}

export const SCRIPT_FRAME = /__cell(\d+)__\.js:(\d+):(\d+)/;

export function rememberCell(cellId: number, label: string, source: string, js: string): void {
  cells.set(cellId, { label, sourceLines: source.split("\n"), jsLines: js.split("\n") });
  if (cells.size > MAX_CELLS) cells.delete(cells.keys().next().value as number);
}

export function cellLabel(cellId: number): string | undefined {
  return cells.get(cellId)?.label;
}

function tokens(line: string): Set<string> {
  return new Set(line.match(/[A-Za-z_$][\w$]*|\d+(?:\.\d+)?|"[^"]*"|'[^']*'|`[^`]*`|[^\s\w]/g) ?? []);
}

function similarity(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const token of a) if (b.has(token)) shared++;
  return shared / Math.max(1, a.size + b.size - shared);
}

/**
 * The 1-based source line for a 1-based line of the emitted JavaScript. The converter
 * drops types and adds `exports.x = x` lines but keeps statements and their order, so the
 * most similar source line, preferring the nearest one by position, is the right one.
 */
export function sourceLineOf(cellId: number, jsLine: number): { line: number; text: string } | undefined {
  const cell = cells.get(cellId);
  // Past the emitted code is tslab's wrapper call: not a line of the cell.
  if (!cell || jsLine > cell.jsLines.length - 1) return undefined;
  const js = (cell.jsLines[jsLine - 1] ?? "").replace(/^(\s*)exports\.tsLastExpr = /, "$1");
  const target = tokens(js);
  const expectedAt = (jsLine / Math.max(1, cell.jsLines.length)) * cell.sourceLines.length;
  let best = { index: 0, score: -1 };
  cell.sourceLines.forEach((text, index) => {
    const score = similarity(target, tokens(text)) - Math.abs(index - expectedAt) * 1e-6;
    if (score > best.score) best = { index, score };
  });
  return { line: best.index + 1, text: cell.sourceLines[best.index] };
}

export function sourceLine(cellId: number, line: number): string | undefined {
  return cells.get(cellId)?.sourceLines[line - 1];
}
