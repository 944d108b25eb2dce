import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SettledKeys } from './settled-keys.ts';

describe('SettledKeys: lossy, never a false member', () => {
  it('finds only keys added; the last added is always found', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), { maxLength: 300 }), fc.array(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), { maxLength: 50 }), (added, probes) => {
        const s = new SettledKeys(6); // 64 slots: collisions on purpose
        for (const k of added) s.add(k);
        const set = new Set(added);
        for (const k of [...probes, ...added]) if (s.has(k)) expect(set.has(k)).toBe(true);
        if (added.length) expect(s.has(added[added.length - 1])).toBe(true);
      }),
    );
  });

  it('keeps what fits: 1,000 keys in 2^20 slots are all found', () => {
    const s = new SettledKeys();
    const keys = Float64Array.from({ length: 1000 }, (_, i) => i * 7919 + 12345678901);
    s.addAll(keys);
    expect([...keys].every((k) => s.has(k))).toBe(true);
    expect(s.has(42)).toBe(false);
  });
});
