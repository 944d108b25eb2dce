/** @module hv/sched/registry: the built-in scheduler policies by name (the CLI's --sched values). */
import { InputError } from '../../base/index.ts';
import type { Scheduler } from './types.ts';
import { rr } from './rr/index.ts';
import { credit } from './credit/index.ts';

export const SCHEDULERS: readonly Scheduler[] = [credit, rr];

export function schedulerNames(): string[] {
  return SCHEDULERS.map((s) => s.name);
}

export function getScheduler(name: string): Scheduler {
  const s = SCHEDULERS.find((x) => x.name === name);
  if (!s) throw new InputError('--sched', [{ where: '--sched', message: `unknown scheduler "${name}"; expected one of ${schedulerNames().join(', ')}` }]);
  return s;
}
