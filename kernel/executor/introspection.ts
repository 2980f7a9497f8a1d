// complete and inspect answers from tslab's language service.
import type { CellExecutor } from "./tslab-executor";
import type { CompleteOutcome, InspectOutcome } from "./ipc";

export function completeAt(executor: CellExecutor, code: string, cursor: number): CompleteOutcome {
  const info = executor.complete(code, cursor);
  return { matches: info.candidates, cursor_start: info.start, cursor_end: info.end };
}

type QuickInfo = ReturnType<CellExecutor["inspect"]>;

function partsText(parts: { text: string }[] | undefined): string {
  return (parts ?? []).map((part) => part.text).join("");
}

function describe(info: QuickInfo, detailLevel: number): string {
  const signature = partsText(info.displayParts);
  const docs = partsText(info.documentation);
  const tags = (info.tags ?? []).map((tag) => `@${tag.name} ${partsText(tag.text)}`.trim());
  const sections = [signature, docs, ...(detailLevel > 0 ? tags : [])].filter(Boolean);
  return sections.join("\n\n");
}

export function inspectAt(executor: CellExecutor, code: string, cursor: number, detailLevel: number): InspectOutcome {
  const info = executor.inspect(code, cursor);
  // An undeclared name still gets quick info (kind "", type any): that is not a find.
  if (!info || !info.kind) return { found: false, data: {} };
  const text = describe(info, detailLevel);
  return { found: true, data: { "text/plain": text, "text/markdown": "```typescript\n" + text + "\n```" } };
}
