// Reading and writing .ipynb files (nbformat 4), with errors a person can act on.
import { readFileSync, writeFileSync } from "node:fs";
import type { INotebookContent, ICell } from "@jupyterlab/nbformat";

export type Notebook = INotebookContent;
export type Cell = ICell;

export class NotebookFileError extends Error {}

export function readNotebook(path: string): Notebook {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new NotebookFileError(code === "ENOENT" ? `no such notebook: ${path}` : `cannot read ${path}: ${(error as Error).message}`);
  }
  let notebook: Notebook;
  try {
    notebook = JSON.parse(text);
  } catch (error) {
    throw new NotebookFileError(`${path} is not a notebook: it is not valid JSON (${(error as Error).message})`);
  }
  if (!notebook || typeof notebook !== "object" || !Array.isArray(notebook.cells)) {
    throw new NotebookFileError(`${path} is not a notebook: it has no "cells" list`);
  }
  if (notebook.nbformat !== 4) {
    throw new NotebookFileError(`${path} is nbformat ${String(notebook.nbformat)}; tsray reads nbformat 4 notebooks`);
  }
  return notebook;
}

export function cellSource(cell: Cell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : String(cell.source ?? "");
}

/** nbformat keeps multi-line strings as lists of lines. */
export function toLines(text: string): string[] {
  return text.split(/(?<=\n)/);
}

export function writeNotebook(path: string, notebook: Notebook): void {
  writeFileSync(path, JSON.stringify(notebook, null, 1) + "\n");
}
