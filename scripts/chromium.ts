// Headless Chromium from the distribution (apt-get install chromium), for the explorer's browser
// tests and benchmark. Nothing is ever downloaded: without the binary, callers skip and say so.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BrowserContext, Page, chromium } from 'playwright-core';

/** The browser binary: `$CHROMIUM`, else Debian's `/usr/bin/chromium`. */
export const CHROMIUM_PATH = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Set to `required` (as `.ci/run` does) to fail instead of skipping when Chromium is missing. */
export const BROWSER_TESTS_ENV = 'NETISO_BROWSER_TESTS';

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Whether the browser can be launched here. */
export function chromiumAvailable(): boolean {
  try {
    fs.accessSync(CHROMIUM_PATH, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Why the browser tests cannot run here, or undefined when they can. @throws when they are required but cannot run. */
export function browserSkipReason(): string | undefined {
  if (chromiumAvailable()) return undefined;
  const reason = `Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM to its path`;
  if (process.env[BROWSER_TESTS_ENV] === 'required') throw new Error(`${BROWSER_TESTS_ENV}=required, but ${reason}`);
  return reason;
}

/** A browser with a fresh profile, removed again by `close()`. */
export interface Browser {
  readonly context: BrowserContext;
  /** A new tab of the given viewport size. */
  page(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
  return {
    context,
    page: async (viewport = { width: 1400, height: 900 }) => {
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      return page;
    },
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens an explorer file from disk and waits until its first frame is painted; returns the time that took. */
export async function openExplorer(page: Page, file: string): Promise<number> {
  const t0 = Date.now();
  await page.goto(`file://${path.resolve(file)}`);
  await page.waitForSelector('body[data-ready=true]', { timeout: 60_000 });
  return Date.now() - t0;
}

/** The centre of the cell of two groups, scrolled into view (the page's `window.netiso` API). */
export async function cellCenter(page: Page, from: string, to: string): Promise<{ x: number; y: number }> {
  const at = await page.evaluate(`window.netiso.cellCenter(${JSON.stringify(from)}, ${JSON.stringify(to)})`) as { x: number; y: number } | undefined;
  if (!at) throw new Error(`no cell ${from} -> ${to} is shown`);
  return at;
}
