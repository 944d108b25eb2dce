/**
 * End-to-end, long (`npm run test:long`): `explore --workers 2` gives what one worker gives when
 * the workers join midway, after the 20,000 records explore expands in its own thread first (as
 * by default) — a 30,000-state search run twice.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { unclocked } from './unclocked.ts';

const BIN = new URL('../../bin/lazyswitch.mjs', import.meta.url).pathname;

describe('explore --workers (long)', () => {
  it('the same when the workers start midway (after the first 20,000 records, as by default)', () => {
    const args = [BIN, 'explore', '--budget', '30000', '--json'];
    const run = (w: string) => spawnSync(process.execPath, [...args, '--workers', w], { encoding: 'utf8' });
    const one = run('1');
    const two = run('2');
    expect(two.status, two.stderr).toBe(0);
    expect(JSON.parse(one.stdout).states).toBe(30000);
    expect(unclocked(two.stdout)).toBe(unclocked(one.stdout));
  });

});
