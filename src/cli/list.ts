/** @module cli/list: `lazyswitch list` — architectures, designs, schedulers, profiles, one line each. */
import { builtinArchNames, getArch } from '../arch/index.ts';
import { CONTRACTS, CONTRACT_NAMES, DESIGNS, SCHEDULERS, writtenFor } from '../hv/index.ts';
import { PROFILES } from '../guest/index.ts';
import { renderTable } from '../report/index.ts';

export function listCommand(json: boolean, out: (s: string) => void): void {
  const archs = builtinArchNames().map((n) => {
    const a = getArch(n);
    return { name: n, description: a.spec.description, registers: a.nregs, classes: a.classes.map((c) => c.name) };
  });
  const designs = DESIGNS.map((d) => ({
    name: d.name,
    summary: d.summary,
    archs: archs.filter((a) => d.supports(getArch(a.name)) === true).map((a) => a.name),
    contracts: [...writtenFor(d)],
    ...(d.forms && Object.keys(d.forms).length ? { forms: d.forms } : {}),
  }));
  const contracts = CONTRACT_NAMES.map((c) => ({ name: c, commit: CONTRACTS[c].commit, summary: CONTRACTS[c].summary }));
  const scheds = SCHEDULERS.map((s) => ({ name: s.name, summary: s.summary }));
  const profiles = PROFILES.map((p) => ({ name: p.name, description: p.description }));
  if (json) {
    out(JSON.stringify({ architectures: archs, designs, schedulers: scheds, profiles, contracts }, null, 2));
    return;
  }
  out('Architectures');
  out(renderTable(['name', 'registers', 'description'], archs.map((a) => [a.name, a.registers, a.description])));
  out('\nSwitch designs');
  out(renderTable(['name', 'archs', 'contracts', 'summary'], designs.map((d) => [d.name, d.archs.join(','), d.contracts.join(',') + (d.forms ? `; older: ${[...new Set(Object.values(d.forms))].join(',')}` : ''), d.summary])));
  out('\nScheduler interfaces (--contract)');
  out(renderTable(['name', 'commit', 'summary'], contracts.map((c) => [c.name, c.commit, c.summary])));
  out('\nSchedulers');
  out(renderTable(['name', 'summary'], scheds.map((s) => [s.name, s.summary])));
  out('\nGuest profiles (--domains PROFILE*VCPUS,...)');
  out(renderTable(['name', 'description'], profiles.map((p) => [p.name, p.description])));
}
