/** @module cli/run: `lazyswitch run` — every design on every architecture, one comparison. */
import { getDesign, getScheduler, type SwitchDesign } from '../hv/index.ts';
import { runOne, type RunResult } from '../sim/index.ts';
import { DEFAULT_DOMAINS, parseDomains, parseTime } from '../scenario/index.ts';
import { readResults, renderRunTable, type RunDocument } from '../report/index.ts';
import { InputError } from '../base/index.ts';
import { intFlag, resolveArch } from './args.ts';
import { Progress } from './progress.ts';
import type { Arch } from '../arch/index.ts';

export interface RunFlags {
  arch?: string[];
  pcpus: string;
  domains: string;
  design?: string[];
  sched: string;
  time: string;
  seed: string;
  json?: boolean;
  check: boolean;
}

export const DEFAULT_ARCHS = ['x86-64', 'ppc64'];

export function runCommand(f: RunFlags, out: (s: string) => void): void {
  const archs: Arch[] = (f.arch?.length ? f.arch.flatMap((a) => a.split(',')) : DEFAULT_ARCHS).map(resolveArch);
  const pcpus = intFlag('--pcpus', f.pcpus, 1, 31);
  const domains = parseDomains(f.domains);
  const sched = getScheduler(f.sched);
  const seconds = parseTime(f.time);
  const seed = intFlag('--seed', f.seed, 0, 2 ** 32 - 1);
  const designs: SwitchDesign[] = (f.design?.length ? f.design.flatMap((d) => d.split(',')) : ['eager', 'xen-x86-lazy']).map(getDesign);

  const pairs: { arch: Arch; design: SwitchDesign }[] = [];
  const skipped: NonNullable<RunDocument['skipped']> = [];
  for (const arch of archs) {
    for (const design of designs) {
      const ok = design.supports(arch);
      if (ok === true) pairs.push({ arch, design });
      else skipped.push({ design: design.name, arch: arch.name, reason: ok });
    }
  }
  if (!pairs.length) {
    throw new InputError('--design', skipped.map((s) => ({ where: '--design', message: `${s.design} does not support ${s.arch}: ${s.reason}` })));
  }

  const results: RunResult[] = [];
  const progress = new Progress('lazyswitch run');
  pairs.forEach(({ arch, design }, i) => {
    const r = runOne({
      arch,
      design,
      sched,
      pcpus,
      domains,
      seconds,
      seed,
      checker: f.check,
      onProgress: (fr) => progress.update((i + fr) / pairs.length, `${design.name} on ${arch.name}`),
    });
    results.push(r);
  });
  progress.done();

  const doc: RunDocument = {
    scenario: { archs: archs.map((a) => a.name), pcpus, domains, sched: sched.name, designs: designs.map((d) => d.name), seconds, seed },
    results,
    ...(skipped.length ? { skipped } : {}),
  };
  if (f.json) {
    out(JSON.stringify(doc, null, 2));
    return;
  }
  const doms = domains.map((d) => `${d.vcpus}×${d.profile}${d.weight !== 256 ? ` w${d.weight}` : ''}${d.cap ? ` cap ${d.cap}%` : ''}`).join(', ');
  out(`lazyswitch run: ${pcpus} pcpus, ${domains.length} domains (${doms}) + idle, ${sched.name} scheduler, ${seconds}s simulated, seed ${seed}${f.check ? '' : ', checker off'}\n`);
  out(renderRunTable(results));
  for (const s of skipped) out(`(skipped ${s.design} on ${s.arch}: ${s.reason})`);
  out('');
  out(readResults(results));
  const shown = results.flatMap((r) => r.violations.slice(0, 3).map((v) => `  [${r.design}/${r.arch}] ${v.invariant} at step ${v.step} (t=${v.time}s): ${v.message}`));
  if (shown.length) out(`\nFirst violations:\n${shown.join('\n')}`);
}

export { DEFAULT_DOMAINS };
