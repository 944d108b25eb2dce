/**
 * The web view in a real browser: `lazyswitch view --port 0` (the CLI, on a free port on
 * 127.0.0.1), chromium at 1280×800. Choose ppc64 + ppc-naive-volatile, step with the keyboard to
 * the first switch the checker flags, and check what the page says about prev's nonvolatiles:
 * the register the checker names is flagged and shown where the checker says its value is, and
 * r14–r31 are shown in the pcpu's registers and in named C frames, not committed — then lost
 * once the tail has run. Stepping back and forward again shows the same thing (rebuilt from the
 * start). `view --static DIR` serves the same page from plain files.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { get } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, BIN, describeBrowser, launchChromium, startCli, VIEWPORT } from './chromium.ts';

const PPC64_C_FUNCTIONS = /^(do_hcall|do_sched_op|do_timer|do_dec|do_external_irq|smp_message_recv|program_exception|do_softirq|schedule|context_switch|idle_loop)$/;

async function stepper(page: Page) {
  return page.locator('#stepper').evaluate((el) => ({ ...(el as HTMLElement).dataset }));
}

describeBrowser('lazyswitch view (the switch stepper)', () => {
  let server: ChildProcess | undefined;
  let url = '';
  let browser: Browser;
  let page: Page;
  const external: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    const started = await startCli(['view', '--port', '0'], /serving the switch stepper at (http:\/\/127\.0\.0\.1:\d+\/)/);
    server = started.child;
    url = started.match[1];
    browser = await launchChromium();
    page = await browser.newPage({ viewport: VIEWPORT });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith(url) || u.startsWith('data:')) return route.continue();
      external.push(u);
      return route.abort();
    });
    await page.goto(url);
    await page.waitForFunction(() => /switches/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 60_000 });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    server?.kill();
  });

  it('serves on 127.0.0.1 only and fetches nothing else', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => get(url, { headers: { host } }, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject));
    // A page on another origin that rebinds its name to 127.0.0.1 is refused.
    await expect(status('example.com')).resolves.toBe(421);
    await expect(status(new URL(url).host)).resolves.toBe(200);
    expect(external).toEqual([]);
  });

  it("opens on the seed's case: ppc-naive-volatile on ppc64 at its first violating switch, r14–r31 in registers and C frames", async () => {
    await expect(page.locator('#status').textContent()).resolves.toMatch(/^ppc-naive-volatile on ppc64: /);
    await expect(page.locator('#arch').inputValue()).resolves.toBe('ppc64');
    await expect(page.locator('#design').inputValue()).resolves.toBe('ppc-naive-volatile');
    const s = await stepper(page);
    expect(s.switchViolations).not.toBe('0');
    await expect(page.locator('#summary-prev').textContent()).resolves.toMatch(/r14–r\d+ in registers? of pcpu \d.*in C frame of \w+\(\)/);
    await page.screenshot({ path: join(ARTIFACTS, 'view-first-screen.png') });
  });

  it('lists the invariants in reading order: guest-state, isolation, inv1…inv13 by number, liveness', async () => {
    const ids = await page.locator('#inv-list li').evaluateAll((els) => els.map((e) => e.getAttribute('data-invariant')!));
    const nums = ids.filter((i) => /^inv\d+$/.test(i)).map((i) => Number(i.slice(3)));
    expect(nums).toEqual([...nums].sort((a, b) => a - b));
    expect(ids.indexOf('inv7')).toBeLessThan(ids.indexOf('inv8'));
    expect(ids.slice(0, 2)).toEqual(['guest-state', 'isolation']);
    expect(ids.at(-1)).toBe('liveness');
  });

  it('location chips and owner slots never share a colour', async () => {
    const owners = await page.locator('#legend .sw').evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
    const chips = await page.locator('#reg-table .chip[data-kind]').evaluateAll((els) => els.map((e) => ({ kind: e.getAttribute('data-kind'), bg: getComputedStyle(e).backgroundColor, border: getComputedStyle(e).borderLeftColor })));
    const kinds = new Set(chips.map((c) => c.kind));
    expect(kinds.has('reg') && kinds.has('cframe')).toBe(true);
    for (const c of chips) {
      expect(owners).not.toContain(c.bg);
      expect(owners).not.toContain(c.border);
    }
    // Owners are filled: no owner swatch (but the empty one) is white like the location chips.
    expect(owners.filter((o) => o === 'rgb(255, 255, 255)' || o === 'rgba(0, 0, 0, 0)').length).toBeLessThanOrEqual(1);
  });

  it('runs the chosen architecture, design and scenario in the page', async () => {
    await page.selectOption('#arch', 'ppc64');
    await page.selectOption('#design', 'ppc-naive-volatile');
    await page.click('#run');
    await page.waitForFunction(() => /^ppc-naive-volatile on ppc64: /.test(document.getElementById('status')?.textContent ?? ''));
    expect(errors).toEqual([]);
    const s = await stepper(page);
    expect(s.switch).toBe('1');
    // Focus is on the stepper, and visibly so.
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('stepper');
    const outline = await page.locator('#stepper').evaluate((el) => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth);
    expect(outline).toMatch(/^solid [1-9]/);
  });

  let firstViolating = 0;
  let named = { register: '', invariant: '', vcpu: '', message: '' };

  it('steps with → to the first violating switch; the register the checker names is flagged where the checker says it is', async () => {
    const status = (await page.locator('#status').textContent())!;
    const expected = Number(/first in switch (\d+)/.exec(status)![1]);
    let presses = 0;
    while ((await stepper(page)).switchViolations === '0' && presses < 200) {
      await page.keyboard.press('ArrowRight');
      presses++;
    }
    const s = await stepper(page);
    firstViolating = Number(s.switch);
    expect(firstViolating).toBe(expected);
    expect(presses).toBe(expected - 1);
    // The moment shown: the state switch done, just before contextSaved(prev) judges it.
    expect(s.moment).toBe('switch');
    const finding = page.locator('#switch-checks .finding').first();
    named = {
      register: (await finding.getAttribute('data-register'))!,
      invariant: (await finding.getAttribute('data-invariant'))!,
      vcpu: (await finding.getAttribute('data-vcpu'))!,
      message: (await finding.locator('.msg').textContent())!,
    };
    expect(named.invariant).toBe('inv3');
    expect(named.register).toMatch(/^r(1[4-9]|2\d|3[01])$/); // a nonvolatile
    const row = page.locator(`#reg-table tr[data-reg="${named.register}"]`);
    await expect(row.getAttribute('class')).resolves.toMatch(/flagged/);
    await expect(row.locator('td.flags').textContent()).resolves.toContain('✗ inv3');
    // Where the page says prev's value lives is where the checker's message says it was left.
    const places = (await row.locator('td[data-who="prev"]').getAttribute('data-places'))!;
    expect(places.split('; ').some((p) => named.message.includes(p))).toBe(true);
    await expect(row.locator('td[data-commit]').getAttribute('data-commit')).resolves.toBe('not-committed');
  });

  it('shows prev\'s r14–r31 in the pcpu registers and in named C frames, not committed, at a glance', async () => {
    const inCFrame: string[] = [];
    for (let r = 14; r <= 31; r++) {
      const row = page.locator(`#reg-table tr[data-reg="r${r}"]`);
      await expect(row.locator('td[data-commit]').getAttribute('data-commit')).resolves.toBe('not-committed');
      const chips = row.locator('td[data-who="prev"] .chip[data-kind="cframe"]');
      if ((await chips.count()) > 0) {
        const title = (await chips.first().getAttribute('title'))!;
        const fn = /^C frame of (\w+)\(\) on pcpu \d's stack$/.exec(title)![1];
        expect(fn).toMatch(PPC64_C_FUNCTIONS);
        inCFrame.push(`r${r}`);
      }
    }
    expect(inCFrame.length).toBeGreaterThan(0);
    await expect(page.locator('#summary-prev').textContent()).resolves.toMatch(/registers? not committed — .*in C frame of \w+\(\) on pcpu \d's stack/);
    // 1280×800: the page itself never scrolls sideways (the register table scrolls in its pane).
    await expect(page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).resolves.toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ARTIFACTS, 'view-seed-case.png') });
    expect(existsSync(join(ARTIFACTS, 'view-seed-case.png'))).toBe(true);
  });

  it('Shift+→ runs contextSaved and the tail: the checker\'s finding is counted, and the values are lost', async () => {
    await page.keyboard.press('Shift+ArrowRight');
    const s = await stepper(page);
    expect(s.moment).toBe('tail');
    await expect(page.locator('#inv-list li[data-invariant="inv3"]').getAttribute('data-count')).resolves.toBe('1');
    const row = page.locator(`#reg-table tr[data-reg="${named.register}"]`);
    await expect(row.locator('td[data-who="prev"]').getAttribute('data-places')).resolves.toBe('lost');
    await expect(page.locator('#summary-prev').textContent()).resolves.toMatch(/nowhere \(lost\)/);
  });

  it('← steps back (rebuilt from the start) and → returns to the same state', async () => {
    await page.keyboard.press('ArrowLeft');
    expect(Number((await stepper(page)).switch)).toBe(firstViolating - 1);
    await expect(page.locator('#inv-list li[data-invariant="inv3"]').getAttribute('data-count')).resolves.toBe('0');
    await page.keyboard.press('ArrowRight');
    expect(Number((await stepper(page)).switch)).toBe(firstViolating);
    await expect(page.locator('#switch-checks .finding .msg').first().textContent()).resolves.toBe(named.message);
  });

  it('V jumps to a later violating switch; where the named register sits in a C frame, the page says which', async () => {
    // Look for a switch whose finding names a C frame (the seed's r24–r31 case) and check its row.
    for (let k = 0; k < 40; k++) {
      await page.keyboard.press('v');
      const msg = (await page.locator('#switch-checks .finding .msg').first().textContent()) ?? '';
      const m = /contextSaved\(\w+\) on pcpu \d clears is_running, but (r\d+) is .*in the C frame of (\w+)\(\) on pcpu (\d)'s stack/.exec(msg);
      if (!m) continue;
      const row = page.locator(`#reg-table tr[data-reg="${m[1]}"]`);
      await expect(row.getAttribute('class')).resolves.toMatch(/flagged/);
      const chip = row.locator('td[data-who="prev"] .chip[data-kind="cframe"]');
      await expect(chip.getAttribute('title')).resolves.toBe(`C frame of ${m[2]}() on pcpu ${m[3]}'s stack`);
      await expect(chip.textContent()).resolves.toContain(`C frame ${m[2]}()`);
      return;
    }
    throw new Error('no violating switch within 40 presses of V names a C frame');
  });

  it("the seed's case button loads ppc-naive-volatile on ppc64 and lands on the first violating switch", async () => {
    await page.selectOption('#arch', 'x86-64');
    await page.click('#run');
    await page.waitForFunction(() => /on x86-64/.test(document.getElementById('status')?.textContent ?? ''));
    await page.click('#seed-case');
    await page.waitForFunction(() => /^ppc-naive-volatile on ppc64: /.test(document.getElementById('status')?.textContent ?? ''));
    expect(Number((await stepper(page)).switch)).toBe(firstViolating);
    await expect(page.locator('#arch').inputValue()).resolves.toBe('ppc64');
    expect(errors).toEqual([]);
  });

  it('the post-under-its-own-contract button selects 2005-08 and lands on an inv3 violation at the lock release', async () => {
    await page.click('#seed-contract-case');
    await page.waitForFunction(() => /^ppc-asm-exit-switch on ppc64 under the 2005-08 contract: .* violations/.test(document.getElementById('status')?.textContent ?? ''));
    await expect(page.locator('#contract').inputValue()).resolves.toBe('2005-08');
    await expect(page.locator('body').textContent()).resolves.toContain('releases its schedule lock');
    // The preset buttons stay on one line each, and the flagged row is below the sticky table head.
    const heights = await page.locator('header.top .bar button').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    expect(Math.max(...heights)).toBeLessThan(30);
    const geo = await page.evaluate(() => {
      const head = document.querySelector('#reg-table thead')!.getBoundingClientRect();
      const row = document.querySelector('#reg-table tr.flagged')!.getBoundingClientRect();
      const wrap = document.getElementById('table-wrap')!.getBoundingClientRect();
      return { headBottom: head.bottom, rowTop: row.top, rowBottom: row.bottom, wrapBottom: wrap.bottom };
    });
    expect(geo.rowTop).toBeGreaterThanOrEqual(geo.headBottom - 0.5);
    expect(geo.rowBottom).toBeLessThanOrEqual(geo.wrapBottom);
    await page.screenshot({ path: join(ARTIFACTS, 'view-contract-case.png') });
    // Back to the seed's case for the tests below (it resets the contract to today's).
    await page.click('#seed-case');
    await page.waitForFunction(() => /^ppc-naive-volatile on ppc64: /.test(document.getElementById('status')?.textContent ?? ''));
    await expect(page.locator('#contract').inputValue()).resolves.toBe('2006-01-07');
    expect(errors).toEqual([]);
  });

  it('a replay string up to here, loaded back, reproduces the same switch', async () => {
    await page.click('#replay-toggle');
    await page.click('#copy-replay');
    const text = await page.locator('#replay').inputValue();
    expect(text.split(' ').length).toBeGreaterThan(10);
    await page.click('#load-replay');
    await page.waitForFunction(() => /from the replay string/.test(document.getElementById('status')?.textContent ?? ''));
    await page.keyboard.press('End');
    expect(Number((await stepper(page)).switch)).toBe(firstViolating);
    await page.locator('#replay').fill('r0 x9');
    await page.click('#load-replay');
    await expect(page.locator('#status').textContent()).resolves.toMatch(/Replay: .*"x9" is not a choice/);
  });

  it('view --static DIR writes a page that works from plain files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazyswitch-static-'));
    const r = spawnSync(process.execPath, [BIN, 'view', '--static', dir], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/wrote .*index\.html and .*lazyswitch-view\.js/);
    const p = await browser.newPage({ viewport: VIEWPORT });
    await p.goto(pathToFileURL(join(dir, 'index.html')).href);
    await p.waitForFunction(() => /switches/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 60_000 });
    await p.click('#seed-case');
    await p.waitForFunction(() => /^ppc-naive-volatile on ppc64: /.test(document.getElementById('status')?.textContent ?? ''));
    expect(Number(await p.locator('#stepper').getAttribute('data-switch'))).toBe(firstViolating);
    await p.close();
  });
});
