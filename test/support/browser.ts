// Debian's Chromium, headless, driven by playwright-core (never a downloaded browser), with a
// fresh profile removed on close; screenshots go to test-artifacts/ (git-ignored).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";

export const CHROMIUM = process.env.TSRAY_CHROMIUM ?? "/usr/bin/chromium";
export const ARTIFACTS = join(__dirname, "..", "..", "..", "test-artifacts");

export function haveChromium(): boolean {
  return existsSync(CHROMIUM);
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(viewport = { width: 1200, height: 800 }): Promise<Browser> {
  const { chromium } = require("playwright-core") as typeof import("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "tsray-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The path of a screenshot under test-artifacts/ (created). */
export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}
