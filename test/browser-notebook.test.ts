// Lesson 02 in Jupyter Notebook 6 (Debian's) in Chromium: every cell run through the page,
// the outputs rendered (text, the result values, an error where the unsolved exercise's check
// fails, the Gantt chart as a picture), and the kernel idle at the end. Screenshots in
// test-artifacts/. The notebook file is left as it was (autosave is turned off).
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { artifact, Browser, haveChromium, launchChromium } from "./support/browser";
import { JUPYTER_NOTEBOOK, NotebookServer, startNotebookServer } from "./support/jupyter-server";

const PROJECT = resolve(__dirname, "../..");
const LESSON = "notebooks/02-Task-Parallelism-Part1.ipynb";

describe("lesson 02 in Jupyter Notebook 6 in Chromium", function () {
  this.timeout(300_000);
  let server: NotebookServer | undefined;
  let browser: Browser | undefined;

  before(function () {
    if (!haveChromium() || !existsSync(JUPYTER_NOTEBOOK)) this.skip();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("runs every cell, renders the outputs and the chart, and ends idle", async () => {
    const before = readFileSync(resolve(PROJECT, LESSON), "utf8");
    server = await startNotebookServer(PROJECT);
    browser = await launchChromium({ width: 1100, height: 900 });
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(server.page(`notebooks/${LESSON}`));
    await page.waitForFunction(() => (window as any).Jupyter?.notebook?.kernel?.is_connected?.() === true, undefined, { timeout: 60_000 });
    await page.waitForSelector("#kernel_indicator_icon.kernel_idle_icon", { timeout: 60_000 });
    expect(await page.locator("#kernel_indicator .kernel_indicator_name").textContent()).to.equal("TypeScript (tsray)");
    // No autosave: the lesson file stays as committed.
    await page.evaluate(() => (window as any).Jupyter.notebook.set_autosave_interval(0));

    // Run all: each cell, not stopping at the exercise's failing check.
    const codeCells = await page.evaluate(() => {
      const notebook = (window as any).Jupyter.notebook;
      const cells = notebook.get_cells().filter((cell: any) => cell.cell_type === "code");
      for (const cell of cells) cell.execute(false);
      return cells.length;
    });
    expect(codeCells).to.be.greaterThan(10);
    await page.waitForFunction(
      () => {
        const cells = (window as any).Jupyter.notebook.get_cells().filter((cell: any) => cell.cell_type === "code");
        return cells.every((cell: any) => typeof cell.input_prompt_number === "number");
      },
      undefined,
      { timeout: 240_000, polling: 500 }
    );
    await page.waitForSelector("#kernel_indicator_icon.kernel_idle_icon", { timeout: 30_000 });
    expect(await page.evaluate(() => (window as any).Jupyter.notebook.kernel_busy)).to.not.equal(true);

    const outputs = await page.evaluate(() =>
      (window as any).Jupyter.notebook
        .get_cells()
        .filter((cell: any) => cell.cell_type === "code")
        .map((cell: any) => ({ tags: cell.metadata.tags ?? [], types: cell.output_area.outputs.map((o: any) => o.output_type), text: cell.output_area.element.text() }))
    );
    const failing = outputs.filter((o: { types: string[] }) => o.types.includes("error"));
    expect(failing.map((o: { tags: string[] }) => o.tags), JSON.stringify(failing)).to.deep.equal([["check"]]);
    const all = outputs.map((o: { text: string }) => o.text).join("\n");
    expect(all).to.include("workers; dashboard: http://127.0.0.1:");
    expect(all).to.match(/ObjectRef\([0-9a-f]{56}\)/);
    expect(all).to.include("expected ≈");
    // A long ray.get's progress bar, settled in place (one per such cell, not one per update).
    const bars = page.locator(".output_html .tsray-progress");
    expect(await bars.count()).to.be.greaterThan(0);
    expect(await page.locator('.output_html .tsray-progress:not([data-done="ok"])').count()).to.equal(0);
    expect(await bars.first().textContent()).to.match(/^\d+\/\d+ ready in \d+\.\d s$/);
    // The rendered error and the picture.
    expect(await page.locator(".output_area .output_error").count()).to.equal(1);
    const chart = page.locator(".output_svg svg").last();
    expect(await page.locator(".output_svg svg").count()).to.be.greaterThan(0);
    const box = await chart.boundingBox();
    expect(box!.width).to.be.greaterThan(200);
    await page.locator(".cell").last().scrollIntoViewIfNeeded();
    await chart.screenshot({ path: artifact("lesson-02-chart.png") });
    // The Gantt chart's bars (Vega draws them as paths), one per task at least.
    expect(await chart.locator("path, rect").count()).to.be.greaterThan(4);
    await page.screenshot({ path: artifact("lesson-02-notebook.png") });
    await page.evaluate(() => (window as any).Jupyter.notebook.scroll_to_top());
    await page.screenshot({ path: artifact("lesson-02-top.png") });
    expect(errors).to.deep.equal([]);
    expect(readFileSync(resolve(PROJECT, LESSON), "utf8")).to.equal(before);
  });
});
