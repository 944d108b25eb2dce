/**
 * The HTML report in a real browser: `lazyswitch run … --report OUT.html` (through the CLI, as a
 * user runs it), opened from file:// in chromium with every non-file request refused and
 * recorded. It must show the scenario, the comparison table, the plots as SVG, the violations
 * with their messages and one per-pcpu timeline per run — and fetch nothing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, BIN, describeBrowser, launchChromium, VIEWPORT } from './chromium.ts';

const DESIGNS = ['eager', 'xen-x86-lazy', 'ppc-naive-volatile'];

describeBrowser('lazyswitch run --report (the self-contained HTML report)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lazyswitch-report-'));
  // A directory that does not exist yet: --report creates it (as npm start does for out/).
  const file = join(dir, 'nested', 'report.html');
  let browser: Browser;
  let page: Page;
  const external: string[] = [];
  let stdout = '';

  beforeAll(async () => {
    const r = spawnSync(process.execPath, [BIN, 'run', '--arch', 'ppc64', '--design', ...DESIGNS, '--time', '40ms', '--report', file], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    stdout = r.stdout;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: VIEWPORT });
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      external.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(file).href);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('is written (atomically, no temporary file left) and its path printed at the end', () => {
    expect(existsSync(file)).toBe(true);
    const last = stdout.trimEnd().split('\n').pop()!;
    expect(last.startsWith(`HTML report: ${file} (`)).toBe(true);
    expect(last).toMatch(/ \([\d.]+ (kB|MB)\)$/);
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<script|<link |src="http|href="http/);
  });

  it('opens offline: nothing but the file itself is requested', () => {
    expect(external).toEqual([]);
  });

  it('shows the scenario and the comparison table, one row per run', async () => {
    await expect(page.locator('#scenario').innerText()).resolves.toMatch(/pcpus\s+4/);
    const rows = page.locator('#comparison tbody tr');
    await expect(rows.count()).resolves.toBe(DESIGNS.length);
    const texts = await rows.allInnerTexts();
    for (const d of DESIGNS) expect(texts.some((t) => t.includes(d))).toBe(true);
    expect(texts.find((t) => t.includes('ppc-naive-volatile'))).toMatch(/✗ [\d,]+/);
  });

  it('draws the plots as SVG: cost by category, switch latency, lazy switches over time', async () => {
    // Cost: at least save, restore, trap and address-space segments per run.
    await expect(page.locator('svg#plot-cost rect').count()).resolves.toBeGreaterThanOrEqual(DESIGNS.length * 4);
    await expect(page.locator('svg#plot-cost rect title').first().textContent()).resolves.toMatch(/cycles/);
    await expect(page.locator('#cost .legend').innerText()).resolves.toMatch(/save[\s\S]*restore[\s\S]*trap[\s\S]*IPI[\s\S]*address-space switch[\s\S]*C frames/);
    await expect(page.locator('svg#plot-latency rect').count()).resolves.toBeGreaterThan(DESIGNS.length);
    await expect(page.locator('svg#plot-latency').textContent()).resolves.toMatch(/p50 .* p99/);
    // xen-x86-lazy switches lazily: its line is drawn; eager never does and is named as such.
    await expect(page.locator('#plot-lazy svg polyline').count()).resolves.toBeGreaterThanOrEqual(1);
    await expect(page.locator('#plot-lazy').innerText()).resolves.toMatch(/xen-x86-lazy: \d+ of \d+/);
    await expect(page.locator('#plot-lazy').innerText()).resolves.toMatch(/Never lazy.*eager/);
    // Rendered, not just present: the plots have a size on the page.
    const box = await page.locator('svg#plot-cost').boundingBox();
    expect(box!.width).toBeGreaterThan(600);
    expect(box!.height).toBeGreaterThan(60);
  });

  it('lists the violations with their messages: the seed\'s nonvolatiles, named', async () => {
    const v = page.locator('#violations');
    await expect(v.innerText()).resolves.toMatch(/ppc64 · ppc-naive-volatile: ✗ [\d,]+/);
    await expect(v.innerText()).resolves.toMatch(/inv3 .*r(1[4-9]|2\d|3[01]): contextSaved\(d\dv\d\) on pcpu \d clears is_running/);
    await expect(v.innerText()).resolves.toMatch(/is_running is cleared only after/); // the invariant's sentence
  });

  it('draws one per-pcpu timeline per run, lanes coloured by vcpu, violations marked', async () => {
    const tl = page.locator('svg.timeline');
    await expect(tl.count()).resolves.toBe(DESIGNS.length);
    const naive = page.locator('svg#timeline-ppc64-ppc-naive-volatile');
    await expect(naive.locator('text', { hasText: /^pcpu 3$/ }).count()).resolves.toBe(1);
    await expect(naive.locator('rect').count()).resolves.toBeGreaterThan(8);
    const fills = new Set(await naive.locator('rect').evaluateAll((rs) => rs.map((r) => r.getAttribute('fill'))));
    expect(fills.size).toBeGreaterThanOrEqual(4); // several vcpus, several colours
    await expect(naive.locator('path title').first().textContent()).resolves.toMatch(/^(inv3|guest-state) at step/);
  });

  it('fits 1280×800 without horizontal scrolling; screenshot kept as an artifact', async () => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ARTIFACTS, 'report.png') });
    await page.locator('#cost').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'report-plots.png') });
    expect(existsSync(join(ARTIFACTS, 'report.png'))).toBe(true);
  });
});
