// Driving tsray's JupyterLab in a Chromium page: opening a notebook, running its cells one
// at a time through JupyterLab's own commands (what Shift+Enter runs), reading what its
// cells show. The application is at `window.jupyterapp`, where lab/index.js puts it (as
// JupyterLab's own UI tests find theirs).
import type { Page } from "playwright-core";

/** What a code cell shows after running. */
export interface CellView {
  index: number;
  tags: string[];
  executionCount: number | null;
  outputTypes: string[];
  text: string;
}

/**
 * Opens the notebook at `path` (relative to the server's root), alone, and waits until its
 * tsray kernel is idle. Alone: `reset` starts JupyterLab from a fresh workspace, which would
 * otherwise reopen the notebooks of earlier pages beside it (their toolbars, their kernels).
 */
export async function openNotebook(page: Page, url: string, path: string): Promise<void> {
  await page.goto(`${url}${url.includes("?") ? "&" : "?"}reset`);
  await page.waitForSelector("body[data-tsray-lab=ready]", { state: "attached", timeout: 120_000 });
  await page.waitForFunction(
    (expected) => {
      const panel = (window as any).jupyterapp?.shell?.currentWidget;
      if (panel?.context?.path !== expected) return false;
      return panel.sessionContext?.session?.kernel?.status === "idle" && panel.content.widgets.length > 0;
    },
    path,
    { timeout: 120_000, polling: 200 }
  );
  const open: string[] = await page.evaluate(() => Array.from((window as any).jupyterapp.shell.widgets("main"), (widget: any) => widget.title.label));
  if (open.length !== 1) throw new Error(`JupyterLab opened ${open.join(", ")} where only ${path} was asked for`);
}

export function kernelName(page: Page): Promise<string> {
  return page.evaluate(() => (window as any).jupyterapp.shell.currentWidget.sessionContext.kernelDisplayName);
}

/** Runs cell `index` as Shift+Enter would, and waits until it has finished and the kernel is idle. */
export async function runCell(page: Page, index: number, timeoutMs = 120_000): Promise<void> {
  await page.evaluate(async (at) => {
    const app = (window as any).jupyterapp;
    const notebook = app.shell.currentWidget.content;
    notebook.activeCellIndex = at;
    notebook.mode = "command";
    await app.commands.execute("notebook:run-cell");
  }, index);
  await page.waitForFunction(
    (at) => {
      const panel = (window as any).jupyterapp.shell.currentWidget;
      const cell = panel.content.widgets[at];
      const done = cell.model.type !== "code" || (cell.model.executionCount !== null && !cell.node.querySelector(".jp-InputPrompt")?.textContent?.includes("*"));
      return done && panel.sessionContext.session.kernel.status === "idle";
    },
    index,
    { timeout: timeoutMs, polling: 100 }
  );
}

/** Runs cell `index` as runCell does, calling `sample` again and again until it has finished. */
export async function runCellSampling(page: Page, index: number, sample: () => Promise<void>): Promise<void> {
  let finished = false;
  const running = runCell(page, index).finally(() => (finished = true));
  while (!finished) {
    await sample();
    await page.waitForTimeout(50);
  }
  await running;
}

export function cellCount(page: Page): Promise<number> {
  return page.evaluate(() => (window as any).jupyterapp.shell.currentWidget.content.widgets.length);
}

/** Every code cell of the open notebook: its tags, prompt number, output types and text. */
export function codeCells(page: Page): Promise<CellView[]> {
  return page.evaluate(() =>
    (window as any).jupyterapp.shell.currentWidget.content.widgets
      .map((cell: any, index: number) => ({ cell, index }))
      .filter(({ cell }: any) => cell.model.type === "code")
      .map(({ cell, index }: any) => {
        const outputs = cell.model.outputs;
        const outputTypes: string[] = [];
        for (let i = 0; i < outputs.length; i++) outputTypes.push(outputs.get(i).type);
        return {
          index,
          tags: (cell.model.getMetadata("tags") as string[] | undefined) ?? [],
          executionCount: cell.model.executionCount,
          outputTypes,
          text: cell.node.querySelector(".jp-OutputArea")?.textContent ?? "",
        };
      })
  );
}

export interface OutputView {
  text: string;
  /** Outputs shown in the area. */
  children: number;
  /** Progress bars shown in the area. */
  progressBars: number;
  /** The first label of the first SVG picture's source (JupyterLab shows SVG as an image). */
  firstSvgText: string | null;
}

/** What the output area of cell `index` shows. */
export function outputOf(page: Page, index: number): Promise<OutputView> {
  return page.evaluate((at) => {
    const cell = (window as any).jupyterapp.shell.currentWidget.content.widgets[at];
    const area = cell.node.querySelector(".jp-OutputArea");
    let firstSvgText: string | null = null;
    for (let i = 0; i < (cell.model.outputs?.length ?? 0) && firstSvgText === null; i++) {
      const svg = cell.model.outputs.get(i).data["image/svg+xml"];
      if (typeof svg === "string") firstSvgText = /<text[^>]*>([^<]*)<\/text>/.exec(svg)?.[1] ?? null;
    }
    return {
      text: area?.textContent ?? "",
      children: area?.querySelectorAll(":scope > .jp-OutputArea-child").length ?? 0,
      progressBars: area?.querySelectorAll(".tsray-progress").length ?? 0,
      firstSvgText,
    };
  }, index);
}

/** A screenshot of cell `index`'s output area. */
export async function screenshotOutput(page: Page, index: number, path: string): Promise<void> {
  const handle = await page.evaluateHandle((at) => (window as any).jupyterapp.shell.currentWidget.content.widgets[at].node.querySelector(".jp-OutputArea"), index);
  await handle.asElement()?.screenshot({ path });
}
