import { describe, expect, it } from 'vitest';
import { prevRunstate } from './prev-state.ts';

describe('prevRunstate', () => {
  it.each([
    ['R', 'runnable'],
    ['R+', 'runnable'],
    ['S', 'blocked'],
    ['D', 'blocked'],
    ['D|K', 'blocked'],
    ['I', 'blocked'],
    ['x', 'offline'],
    ['X', 'offline'],
    ['Z', 'offline'],
    ['T', 'offline'],
    ['0', 'runnable'],
    ['4096', 'runnable'],
    ['256', 'runnable'],
    ['1', 'blocked'],
    ['2', 'blocked'],
    ['130', 'blocked'],
    ['64', 'blocked'],
    ['runnable', 'runnable'],
    ['blocked', 'blocked'],
    ['offline', 'offline'],
  ] as const)('%s -> %s', (s, want) => {
    expect(prevRunstate(s)).toBe(want);
  });

  it('is undefined when the trace did not record it', () => {
    expect(prevRunstate('?')).toBeUndefined();
    expect(prevRunstate('')).toBeUndefined();
    expect(prevRunstate('-1')).toBeUndefined();
  });
});
