// The dashboard in a real browser (Debian's Chromium, headless, through playwright-core) while
// a lesson-02-like batch runs: 2W sleep tasks of 0..2W-1 s on W = 2 workers (3W-2 = 4 s):
// both workers shown busy with their task, then idle, the counts right, the Gantt strip drawn.
import { expect } from "chai";
import * as ray from "../runtime";
import { time } from "../preload/time";
import { artifact, Browser, haveChromium, launchChromium } from "./support/browser";

const sleepy = (s: number) => {
  time.sleep(s);
  return s;
};

describe("dashboard in Chromium", function () {
  this.timeout(120_000);
  let browser: Browser | undefined;

  before(function () {
    if (!haveChromium()) this.skip();
  });
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
    await ray.shutdown();
  });

  it("shows the workers busy, then idle, with the counts and the timeline", async () => {
    const log = console.log;
    console.log = () => {};
    try {
      ray.init({ numCpus: 2 });
    } finally {
      console.log = log;
    }
    browser = await launchChromium({ width: 1100, height: 720 });
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(ray.getWebuiUrl());
    await page.waitForSelector("#conn.live");
    expect(await page.locator('#workers tbody tr[data-state="idle"]').count()).to.equal(2);

    const f = ray.remote(sleepy);
    const started = Date.now();
    const refs = [0, 1, 2, 3].map((s) => f.remote(s));
    const done = ray.get(refs);

    await page.waitForFunction(() => document.querySelectorAll('#workers tbody tr[data-state="running"]').length === 2, undefined, { timeout: 10_000 });
    const tasks = await page.locator('#workers tbody tr[data-state="running"] td.task').allTextContents();
    expect(tasks.every((t) => t.startsWith("sleepy"))).to.equal(true);
    expect(await page.locator("#busy").textContent()).to.equal("2 / 2");
    // Shortly before the end: the last (3 s) task running, so a mixed picture for the README.
    await page.waitForFunction(() => Number(document.getElementById("finished")!.textContent) >= 2, undefined, { timeout: 10_000 });
    await page.waitForTimeout(800);
    await page.screenshot({ path: artifact("dashboard-busy.png") });

    expect(await done).to.deep.equal([0, 1, 2, 3]);
    const elapsed = (Date.now() - started) / 1000;
    expect(elapsed).to.be.within(3.9, 6);
    await page.waitForFunction(() => document.getElementById("finished")!.textContent === "4", undefined, { timeout: 5_000 });
    await page.waitForFunction(() => document.querySelectorAll('#workers tbody tr[data-state="idle"]').length === 2, undefined, { timeout: 5_000 });
    expect(await page.locator("#queued").textContent()).to.equal("0");
    expect(await page.locator("#running").textContent()).to.equal("0");
    expect(await page.locator("#busy").textContent()).to.equal("0 / 2");
    expect(await page.locator("#gantt-svg rect.done").count()).to.equal(4);
    expect(await page.locator("#resources").textContent()).to.include("CPU");
    await page.screenshot({ path: artifact("dashboard-idle.png") });

    // A closed tab leaves the dashboard serving.
    await page.close();
    const again = await browser.context.newPage();
    await again.goto(ray.getWebuiUrl());
    await again.waitForSelector("#conn.live");
    expect(await again.locator("#finished").textContent()).to.equal("4");
    expect(errors).to.deep.equal([]);
  });
});
