// The lessons in tsray's own JupyterLab (lab/, served by Debian's jupyter_server and
// jupyterlab_server) in Debian's Chromium: lesson 02 run cell by cell (outputs, the markdown
// worker table, the progress bar updated in place, the Gantt chart drawn by JupyterLab's
// Vega-Lite renderer with a tooltip on hover), lesson 04's board animating in one output, an
// error's name, value and traceback, the toolbar's interrupt, Tab completion on `ray.`, and
// a restart from the Kernel menu. No console error but the two 404s of jupyter_server 1.23,
// which lacks `/api/me` and `/api/events`. Screenshots in test-artifacts/; the lessons are
// left as committed (autosave is off, nothing is saved).
import { expect } from "chai";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Page } from "playwright-core";
import { ARTIFACTS, artifact, Browser, haveChromium, launchChromium } from "./support/browser";
import { canServeTsrayLab, NotebookServer, startTsrayLab } from "./support/jupyter-server";
import { cellCount, codeCells, kernelName, openNotebook, outputOf, runCell, runCellSampling, screenshotOutput } from "./support/jupyterlab-page";

const PROJECT = resolve(__dirname, "../..");
const LESSON_02 = "notebooks/02-Task-Parallelism-Part1.ipynb";
const LESSON_04 = "notebooks/04-Distributed-State-With-Actors.ipynb";
/** Inside the server's root (the project), git-ignored, removed after. */
const SCRATCH_DIR = join(ARTIFACTS, "jupyterlab-scratch");
const SCRATCH = "test-artifacts/jupyterlab-scratch/scratch.ipynb";
/** Where jupyter_server keeps the checkpoint it makes of a notebook JupyterLab opens. */
const LESSON_CHECKPOINTS = join(PROJECT, "notebooks", ".ipynb_checkpoints");

/** What jupyter_server 1.23 answers 404 to, harmlessly: JupyterLab 4.6 asks for both. */
const KNOWN_MISSING = [/\/api\/me\b/, /\/api\/events\b/];

function scratchNotebook(sources: string[]): string {
  const cells = sources.map((source, i) => ({ cell_type: "code", id: `scratch-${i}`, metadata: {}, source, outputs: [], execution_count: null }));
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tsray", display_name: "TypeScript (tsray)", language: "typescript" } },
    cells,
  });
}

/** Console errors and failed requests the page had, but the known 404s. */
function watchForErrors(page: Page): () => string[] {
  const problems: string[] = [];
  const known = (text: string) => KNOWN_MISSING.some((pattern) => pattern.test(text));
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 400 && !known(response.url())) problems.push(`HTTP ${response.status()} ${response.url()}`);
  });
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = message.text();
    const where = message.location().url;
    // Chromium reports a failed request as a console error too: its URL is checked above.
    if (text.startsWith("Failed to load resource") || known(text) || known(where)) return;
    problems.push(`console error: ${text}`);
  });
  return () => problems;
}

describe("the lessons in tsray's JupyterLab in Chromium", function () {
  this.timeout(600_000);
  let server: NotebookServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let problems: () => string[];
  let checkpointsWereThere = true;

  before(async function () {
    if (!haveChromium() || !canServeTsrayLab()) this.skip();
    checkpointsWereThere = existsSync(LESSON_CHECKPOINTS);
    mkdirSync(SCRATCH_DIR, { recursive: true });
    writeFileSync(
      join(PROJECT, SCRATCH),
      scratchNotebook([
        "const kept = 41;",
        "time.sleep(60);",
        "kept + 1",
        'function explode(): never {\n  throw new RangeError("the value is out of range");\n}\nexplode();',
        "ray.",
        "1 + 1",
      ])
    );
    server = await startTsrayLab(PROJECT);
    browser = await launchChromium({ width: 1300, height: 900 });
    page = await browser.context.newPage();
    problems = watchForErrors(page);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(SCRATCH_DIR, { recursive: true, force: true });
    if (!checkpointsWereThere) rmSync(LESSON_CHECKPOINTS, { recursive: true, force: true });
  });

  it("runs lesson 02 cell by cell: outputs, the worker table, one progress bar per get, the Vega-Lite Gantt chart with tooltips", async () => {
    const committed = readFileSync(join(PROJECT, LESSON_02), "utf8");
    await openNotebook(page, server!.page(`lab/tree/${LESSON_02}`), LESSON_02);
    expect(await kernelName(page)).to.equal("TypeScript (tsray)");
    // While each cell runs: how many progress bars it shows at once, and what they said.
    const seen = new Map<number, { most: number; texts: Set<string> }>();
    const cells = await cellCount(page);
    for (let index = 0; index < cells; index++) {
      const record = { most: 0, texts: new Set<string>() };
      seen.set(index, record);
      await runCellSampling(page, index, async () => {
        const shown = await outputOf(page, index);
        record.most = Math.max(record.most, shown.progressBars);
        const bar = /\d+\/\d+ ready[^\n]*?s\b/.exec(shown.text)?.[0];
        if (shown.progressBars > 0 && bar) record.texts.add(bar);
      });
    }

    const views = await codeCells(page);
    expect(views.length).to.be.greaterThan(10);
    expect(views.filter((view) => view.executionCount === null), "cells never run").to.deep.equal([]);
    const failing = views.filter((view) => view.outputTypes.includes("error"));
    // Only the unsolved exercise's check fails.
    expect(failing.map((view) => view.tags), JSON.stringify(failing)).to.deep.equal([["check"]]);
    const all = views.map((view) => view.text).join("\n");
    expect(all).to.match(/ObjectRef\([0-9a-f]{56}\)/);
    expect(all).to.include("expected ≈");
    // ray.init's summary: a markdown table of the workers.
    expect(await page.locator(".jp-OutputArea .jp-RenderedMarkdown table").count()).to.be.greaterThan(0);
    // Each long get's progress bar was updated in place: one bar in its output, settled.
    const bars = page.locator(".jp-OutputArea .tsray-progress");
    expect(await bars.count()).to.be.greaterThan(0);
    expect(await page.locator('.jp-OutputArea .tsray-progress:not([data-done="ok"])').count()).to.equal(0);
    expect(await bars.first().textContent()).to.match(/^\d+\/\d+ ready in \d+\.\d s$/);
    // Updated in place: the batch's one get showed one bar, whose text changed as tasks ended.
    const batch = [...seen.entries()].sort(([, a], [, b]) => b.texts.size - a.texts.size)[0];
    expect(batch[1].texts.size, `bar texts in cell ${batch[0]}: ${[...batch[1].texts].join(" | ")}`).to.be.greaterThan(2);
    expect(batch[1].most, "bars shown at once in that cell").to.equal(1);

    // The Gantt chart, drawn by JupyterLab's Vega-Lite renderer on a canvas, not the SVG fallback.
    const chart = page.locator(".jp-RenderedVegaLite").last();
    await chart.scrollIntoViewIfNeeded();
    const canvas = chart.locator("canvas");
    expect(await canvas.count()).to.equal(1);
    const box = (await canvas.boundingBox())!;
    expect(box.width).to.be.greaterThan(200);
    expect(await tooltipSomewhereOn(page, box), "a tooltip over one of the chart's bars").to.match(/\w+/);
    await chart.screenshot({ path: artifact("jupyterlab-lesson-02-chart.png") });
    await page.screenshot({ path: artifact("jupyterlab-lesson-02.png") });
    expect(readFileSync(join(PROJECT, LESSON_02), "utf8")).to.equal(committed);
  });

  it("animates lesson 04's board in one output", async () => {
    await openNotebook(page, server!.page(`lab/tree/${LESSON_04}`), LESSON_04);
    const views = await page.evaluate(() =>
      (window as any).jupyterapp.shell.currentWidget.content.widgets.map((cell: any) => cell.model.sharedModel.getSource() as string)
    );
    const animation = views.findIndex((source: string) => source.includes("picture.update("));
    expect(animation).to.be.greaterThan(0);
    for (let index = 0; index < animation; index++) await runCell(page, index);
    const captions = new Set<string>();
    await runCellSampling(page, animation, async () => {
      const caption = (await outputOf(page, animation)).firstSvgText;
      if (caption) captions.add(caption);
    });
    expect(captions.size, [...captions].join(" | ")).to.be.greaterThan(3);
    const shown = await outputOf(page, animation);
    expect(shown.children, "outputs in the animated cell").to.equal(1);
    expect(shown.firstSvgText).to.match(/^step 40: \d+ alive$/);
    await screenshotOutput(page, animation, artifact("jupyterlab-lesson-04-board.png"));
  });

  it("shows an error's name, value and traceback at the cell; the toolbar's interrupt stops time.sleep(60), variables kept", async () => {
    await openNotebook(page, server!.page(`lab/tree/${SCRATCH}`), SCRATCH);
    await runCell(page, 0);
    await runCell(page, 3);
    const shown = (await outputOf(page, 3)).text;
    expect(shown).to.include("RangeError");
    expect(shown).to.include("the value is out of range");
    expect(shown).to.match(/Cell In\[\d+\], line 2/);

    const sleeping = runCell(page, 1, 30_000);
    await page.waitForFunction(() => (window as any).jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === "busy");
    await page.waitForTimeout(1_000);
    const started = Date.now();
    await page.locator('.jp-NotebookPanel-toolbar [data-command="notebook:interrupt-kernel"]').click();
    await sleeping;
    expect(Date.now() - started, "ms from the click to the end of the cell").to.be.lessThan(10_000);
    expect((await outputOf(page, 1)).text).to.match(/Interrupt/i);
    await runCell(page, 2);
    expect((await outputOf(page, 2)).text).to.include("42");
    await page.screenshot({ path: artifact("jupyterlab-interrupt.png") });
  });

  it("completes `ray.` with Tab: remote, get, wait", async () => {
    await page.evaluate(() => {
      const notebook = (window as any).jupyterapp.shell.currentWidget.content;
      notebook.activeCellIndex = 4;
      notebook.mode = "edit";
      const editor = notebook.activeCell.editor;
      editor.setCursorPosition(editor.getPositionAt(editor.model.sharedModel.getSource().length));
    });
    await page.keyboard.press("Tab");
    const completer = page.locator(".jp-Completer:not(.lm-mod-hidden)");
    await completer.waitFor({ state: "visible", timeout: 30_000 });
    const items = await completer.locator(".jp-Completer-item .jp-Completer-match").allTextContents();
    expect(items).to.include.members(["remote", "get", "wait"]);
    await page.screenshot({ path: artifact("jupyterlab-completion.png") });
    await page.keyboard.press("Escape");
    await page.keyboard.press("Escape");
  });

  it("restarts the kernel from the Kernel menu: the variables are gone, cells run again", async () => {
    await page.locator('.lm-MenuBar-itemLabel:text-is("Kernel")').click();
    await page.locator('.lm-Menu-itemLabel:text-is("Restart Kernel…")').click();
    await page.locator('.jp-Dialog-button.jp-mod-accept').click();
    await page.waitForFunction(() => (window as any).jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === "idle", undefined, { timeout: 60_000 });
    await runCell(page, 2);
    expect((await outputOf(page, 2)).text).to.include("Cannot find name 'kept'");
    await runCell(page, 5);
    expect((await outputOf(page, 5)).text).to.include("2");
    expect(problems()).to.deep.equal([]);
  });
});

/** Hovers over the canvas until Vega's tooltip shows; its text, or null. */
async function tooltipSomewhereOn(page: Page, box: { x: number; y: number; width: number; height: number }): Promise<string | null> {
  const tooltip = page.locator("#vg-tooltip-element.visible");
  for (let row = 0.1; row < 0.95; row += 0.08) {
    for (let column = 0.1; column < 0.95; column += 0.05) {
      await page.mouse.move(box.x + box.width * column, box.y + box.height * row);
      if (await tooltip.isVisible()) return tooltip.textContent();
    }
  }
  return null;
}
