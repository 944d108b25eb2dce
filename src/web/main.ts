/**
 * @module web/main: the switch stepper, in the browser. Pick an architecture, a design and a
 * scenario (or paste a replay string), then step through one context switch at a time — ←/→
 * between switches, Shift+←/→ between the moments of one switch — and see, for every register
 * of prev and next, where that vcpu's current value lives (pcpu registers, the exception frame,
 * a named C frame, a save area), coloured by the domain that owns each slot and labelled in
 * text, with the checker's findings beside it. The model runs here (bundled by esbuild); this
 * file and its siblings import only the public API, src/index.ts. Plain DOM, no framework.
 */
import { builtinArchNames, CONTRACT_NAMES, CONTRACTS, DEFAULT_CONTRACT, DESIGNS, getArch, INVARIANTS, SCHEDULERS, type ContractName, type HvState } from '../index.ts';
import { analyse, Cursor, DEFAULT_SCENARIO, parseReplay, recordChoices, replayString, SEED_CASE, SEED_CONTRACT_CASE, type Scenario, type Session, type SwitchInfo } from './session.ts';
import { commitState, placesOf, rangeList, type Place } from './locate.ts';

// ---------------------------------------------------------------------------------------------
// DOM helpers

type Kid = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...kids: Kid[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (k === 'class') el.className = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of kids) if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'number' ? String(c) : c);
  return el;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

// Okabe–Ito hues, light tints as slot backgrounds (dark text stays readable on each).
const DOMAIN_BG = ['#f7d89c', '#b9e1f6', '#99d8c7', '#f9f4a8', '#99c7e0', '#eeb799', '#ebc9dc'];
const HV_BG = '#d8dee4';

function ownerLabel(st: HvState, own: number): { text: string; bg: string; title: string } {
  if (own === -1) return { text: 'hv', bg: HV_BG, title: 'a hypervisor value' };
  if (own < 0) return { text: '—', bg: '#ffffff', title: 'empty slot' };
  const d = st.domains[own];
  return { text: d ? d.name : `d${own + 1}`, bg: DOMAIN_BG[own % DOMAIN_BG.length], title: `a value of domain ${d ? d.name : own}` };
}

// ---------------------------------------------------------------------------------------------
// App state

interface View {
  session: Session | null;
  cursor: Cursor | null;
  sw: number;
  mo: number;
  allClasses: boolean;
}

const view: View = { session: null, cursor: null, sw: 0, mo: 0, allClasses: false };

function vname(st: HvState, v: number): string {
  const vc = st.vcpus[v];
  if (!vc) return `vcpu ${v}`;
  return vc.isIdle ? `${vc.name} (idle)` : `${vc.name} (${st.domains[vc.domain]?.name ?? vc.domain})`;
}

// ---------------------------------------------------------------------------------------------
// Layout

function build(): void {
  const app = $('app');
  app.replaceChildren();
  const archSel = h('select', { id: 'arch', name: 'arch', onchange: () => fillDesigns() }, ...builtinArchNames().map((a) => h('option', { value: a }, a)));
  const designSel = h('select', { id: 'design', name: 'design' });
  const schedSel = h('select', { id: 'sched', name: 'sched' }, ...SCHEDULERS.map((s) => h('option', { value: s.name }, s.name)));
  const contractSel = h(
    'select',
    { id: 'contract', name: 'contract', title: "the scheduler interface: 2005-08 (the seed's), 2006-01-06 (context_switch_done), 2006-01-07 (context_saved, today's)" },
    ...CONTRACT_NAMES.map((c) => h('option', { value: c, title: CONTRACTS[c].summary }, c)),
  );
  contractSel.value = DEFAULT_CONTRACT;
  const form = h(
    'form',
    {
      class: 'scenario',
      id: 'scenario-form',
      'aria-label': 'Scenario',
      onsubmit: (e: Event) => {
        e.preventDefault();
        runScenario(readForm(), 'first');
      },
    },
    h('label', {}, 'arch', archSel),
    h('label', {}, 'design', designSel),
    h('label', {}, 'scheduler', schedSel),
    h('label', {}, 'contract', contractSel),
    h('label', {}, 'pcpus', h('input', { id: 'pcpus', type: 'number', min: 1, max: 31, value: DEFAULT_SCENARIO.pcpus })),
    h('label', { title: 'PROFILE[*VCPUS][:wWEIGHT][:cCAP],… or DxV, as lazyswitch run --domains' }, 'domains', h('input', { id: 'domains', class: 'domains', value: DEFAULT_SCENARIO.domains, spellcheck: 'false' })),
    h('label', {}, 'ms', h('input', { id: 'ms', type: 'number', min: 1, max: 5000, value: DEFAULT_SCENARIO.ms, title: 'simulated milliseconds' })),
    h('label', {}, 'seed', h('input', { id: 'seed', type: 'number', min: 0, value: DEFAULT_SCENARIO.seed })),
    h('button', { type: 'submit', class: 'primary', id: 'run' }, 'Run'),
  );
  const preset = h('button', { id: 'seed-case', class: 'preset', type: 'button', title: 'ppc-naive-volatile on ppc64 (volatile-only exception entry), default scenario; jumps to the first switch the checker flags', onclick: () => runPreset(SEED_CASE) }, "The seed's case ▶ first violating switch");
  const preset2 = h(
    'button',
    { id: 'seed-contract-case', class: 'preset', type: 'button', title: "ppc-asm-exit-switch on ppc64 under the 2005-08 contract: the lock drops while prev's nonvolatiles are still in C frames", onclick: () => runPreset(SEED_CONTRACT_CASE) },
    'The post under its own contract ▶',
  );
  const replayToggle = h(
    'button',
    {
      type: 'button',
      id: 'replay-toggle',
      'aria-expanded': 'false',
      'aria-controls': 'replay-box',
      onclick: () => {
        const box = $('replay-box');
        box.hidden = !box.hidden;
        replayToggle.setAttribute('aria-expanded', String(!box.hidden));
        if (!box.hidden) $('replay').focus();
      },
    },
    'Replay string…',
  );
  const header = h(
    'header',
    { class: 'top' },
    h('h1', {}, 'lazyswitch ', h('span', {}, 'switch stepper')),
    form,
    h('div', { class: 'bar' }, preset, preset2, replayToggle, h('p', { id: 'status', role: 'status' })),
  );

  const replay = h(
    'div',
    { class: 'replay', id: 'replay-box', hidden: true },
    h('p', { class: 'note' }, 'Choices separated by spaces, as in src/sim/choice.ts: r<pcpu> g<pcpu>:<len>:<op>:<arg>:<irq> t<pcpu> w<vcpu> i<pcpu>. They are applied to the arch, design and scenario above.'),
    h('textarea', { id: 'replay', 'aria-label': 'Replay string', spellcheck: 'false', placeholder: 'r0 r1 r2 r3 …' }),
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', id: 'load-replay', onclick: () => runReplay() }, 'Load replay'),
      h('button', { type: 'button', id: 'copy-replay', onclick: () => showReplay() }, 'Replay string up to here'),
      h('span', { id: 'replay-note', class: 'note' }),
    ),
  );

  const stepper = h(
    'section',
    { id: 'stepper', tabindex: 0, 'aria-label': 'Switch stepper. Left and right arrow keys: previous and next switch. Shift with the arrows: previous and next moment of this switch. V: next violating switch.' },
    h(
      'div',
      { class: 'nav' },
      h('button', { type: 'button', id: 'prev-switch', onclick: () => go(view.sw - 1, 'focus') }, '◀ Previous switch'),
      h('span', { class: 'pos', id: 'switch-pos', 'aria-live': 'polite' }, '—'),
      h('button', { type: 'button', id: 'next-switch', onclick: () => go(view.sw + 1, 'focus') }, 'Next switch ▶'),
      h('button', { type: 'button', id: 'next-violation', onclick: () => nextViolating() }, 'Next violating switch ▶▶'),
      h('span', { class: 'moments', role: 'group', 'aria-label': 'Moments of this switch', id: 'moments' }),
    ),
    h('p', { id: 'story' }),
  );

  const main = h('div', { class: 'main' }, h('section', { id: 'regs', 'aria-label': 'Where each register value lives' }), h('aside', { id: 'checks', 'aria-label': 'Checker' }));
  const legend = h('footer', { class: 'legend', id: 'legend', 'aria-label': 'Legend' });
  app.append(header, replay, stepper, main, legend);
  fillDesigns();
  document.addEventListener('keydown', onKey);
}

function fillDesigns(keep?: string): void {
  const arch = getArch(($('arch') as HTMLSelectElement).value);
  const sel = $('design') as HTMLSelectElement;
  const was = keep ?? sel.value;
  sel.replaceChildren(
    ...DESIGNS.filter((d) => d.supports(arch) === true).map((d) => h('option', { value: d.name, title: d.summary }, d.broken ? `${d.name} (broken on purpose)` : d.name)),
  );
  if ([...sel.options].some((o) => o.value === was)) sel.value = was;
}

function readForm(): Scenario {
  const num = (id: string) => Number(($(id) as HTMLInputElement).value);
  return {
    arch: ($('arch') as HTMLSelectElement).value,
    design: ($('design') as HTMLSelectElement).value,
    sched: ($('sched') as HTMLSelectElement).value,
    pcpus: num('pcpus'),
    domains: ($('domains') as HTMLInputElement).value.trim(),
    ms: num('ms'),
    seed: num('seed'),
    contract: ($('contract') as HTMLSelectElement).value as ContractName,
  };
}

function writeForm(sc: Scenario): void {
  ($('arch') as HTMLSelectElement).value = sc.arch;
  fillDesigns(sc.design);
  ($('design') as HTMLSelectElement).value = sc.design;
  ($('sched') as HTMLSelectElement).value = sc.sched;
  ($('pcpus') as HTMLInputElement).value = String(sc.pcpus);
  ($('domains') as HTMLInputElement).value = sc.domains;
  ($('ms') as HTMLInputElement).value = String(sc.ms);
  ($('seed') as HTMLInputElement).value = String(sc.seed);
  ($('contract') as HTMLSelectElement).value = sc.contract ?? DEFAULT_CONTRACT;
}

function status(text: string, error = false): void {
  const s = $('status');
  s.textContent = text;
  s.classList.toggle('error', error);
}

// ---------------------------------------------------------------------------------------------
// Loading runs

function load(s: Session): void {
  view.session = s;
  view.cursor = new Cursor(s);
  const first = s.switches.findIndex((x) => x.violations.length > 0);
  status(
    `${s.design.name} on ${s.arch.name}${s.scenario.contract && s.scenario.contract !== DEFAULT_CONTRACT ? ` under the ${s.scenario.contract} contract` : ''}: ${s.choices.length.toLocaleString('en-US')} steps, ${s.switches.length.toLocaleString('en-US')} switches, ` +
      (s.totalViolations ? `${s.totalViolations.toLocaleString('en-US')} violations (first in switch ${first + 1})` : 'no violations') +
      (s.source === 'replay' ? ' — from the replay string' : ''),
  );
}

type Where = 'first' | 'violation' | { sw: number; mo: number | 'focus' };

function runScenario(sc: Scenario, where: Where): void {
  try {
    status('Running…');
    load(analyse(sc, recordChoices(sc), 'driver'));
  } catch (e) {
    status((e as Error).message, true);
    return;
  }
  landAt(where);
}

function landAt(where: Where): void {
  const s = view.session!;
  if (where === 'first') go(0, 'focus');
  else if (where === 'violation') {
    const k = s.switches.findIndex((x) => x.violations.length > 0);
    go(k >= 0 ? k : 0, 'focus');
  } else {
    view.sw = -1;
    go(where.sw, where.mo);
  }
  $('stepper').focus();
}

function runPreset(sc: Scenario): void {
  writeForm(sc);
  runScenario(sc, 'violation');
}

function runReplay(): void {
  const sc = readForm();
  try {
    const choices = parseReplay(($('replay') as HTMLTextAreaElement).value);
    load(analyse(sc, choices, 'replay'));
  } catch (e) {
    status(`Replay: ${(e as Error).message}`, true);
    return;
  }
  landAt('first');
}

function showReplay(): void {
  const s = view.session;
  if (!s) return;
  const sw = s.switches[view.sw];
  const upTo = sw ? sw.moments[view.mo].at + 1 : s.choices.length;
  ($('replay') as HTMLTextAreaElement).value = replayString(s.choices, upTo);
  $('replay-note').textContent = `${upTo} choices: up to the moment shown`;
}

// ---------------------------------------------------------------------------------------------
// Navigation

function go(sw: number, mo: number | 'focus'): void {
  const s = view.session;
  if (!s || !s.switches.length) {
    render();
    return;
  }
  const k = Math.max(0, Math.min(s.switches.length - 1, sw));
  const info = s.switches[k];
  view.sw = k;
  view.mo = mo === 'focus' ? info.focus : Math.max(0, Math.min(info.moments.length - 1, mo));
  render();
  writeHash();
}

function moment(delta: number): void {
  const s = view.session;
  if (!s || !s.switches.length) return;
  const info = s.switches[view.sw];
  const m = view.mo + delta;
  if (m < 0) {
    if (view.sw > 0) go(view.sw - 1, s.switches[view.sw - 1].moments.length - 1);
  } else if (m >= info.moments.length) {
    if (view.sw < s.switches.length - 1) go(view.sw + 1, 0);
  } else go(view.sw, m);
}

function nextViolating(): void {
  const s = view.session;
  if (!s) return;
  const k = s.switches.findIndex((x, i) => i > view.sw && x.violations.length > 0);
  if (k >= 0) go(k, 'focus');
  else status('No later switch has a violation.');
}

function onKey(e: KeyboardEvent): void {
  const t = e.target as HTMLElement | null;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  if (e.key === 'ArrowRight') e.shiftKey ? moment(1) : go(view.sw + 1, 'focus');
  else if (e.key === 'ArrowLeft') e.shiftKey ? moment(-1) : go(view.sw - 1, 'focus');
  else if (e.key === 'Home') go(0, 'focus');
  else if (e.key === 'End') go(Number.MAX_SAFE_INTEGER, 'focus');
  else if (e.key === 'v' || e.key === 'V') nextViolating();
  else return;
  e.preventDefault();
}

// Shareable state in the URL hash: #arch=ppc64&design=…&sw=5&mo=2
function writeHash(): void {
  const s = view.session;
  if (!s || s.source !== 'driver') return;
  const sc = s.scenario;
  const q = new URLSearchParams({ arch: sc.arch, design: sc.design, sched: sc.sched, pcpus: String(sc.pcpus), domains: sc.domains, ms: String(sc.ms), seed: String(sc.seed), contract: sc.contract ?? DEFAULT_CONTRACT, sw: String(view.sw + 1), mo: String(view.mo + 1) });
  history.replaceState(null, '', `#${q.toString()}`);
}

function readHash(): { sc: Scenario; sw: number; mo: number } | null {
  if (location.hash.length < 2) return null;
  const q = new URLSearchParams(location.hash.slice(1));
  if (!q.get('arch') || !q.get('design')) return null;
  const n = (k: string, d: number) => (q.has(k) ? Number(q.get(k)) : d);
  return {
    sc: { arch: q.get('arch')!, design: q.get('design')!, sched: q.get('sched') ?? DEFAULT_SCENARIO.sched, pcpus: n('pcpus', DEFAULT_SCENARIO.pcpus), domains: q.get('domains') ?? DEFAULT_SCENARIO.domains, ms: n('ms', DEFAULT_SCENARIO.ms), seed: n('seed', DEFAULT_SCENARIO.seed), contract: (q.get('contract') ?? DEFAULT_CONTRACT) as ContractName },
    sw: n('sw', 1) - 1,
    mo: n('mo', 0) - 1,
  };
}

// ---------------------------------------------------------------------------------------------
// Rendering

const MOMENT_STORY: Record<string, string> = {
  pick: 'schedule() has picked next (next.is_running = 1); nothing has moved yet',
  prep: "context_switch() has checked whether next's state is still held on another pcpu",
  'flush-ack': "the flush IPI was acknowledged: next's state is back in memory",
  switch: 'the state switch is done (current = next); contextSaved(prev) runs next and judges what prev left behind',
  tail: 'contextSaved(prev) ran and the tail is done: prev is no longer is_running, the stack was reset, next runs',
  other: 'a step of this pcpu',
};

function render(): void {
  const s = view.session;
  const nav = ['prev-switch', 'next-switch', 'next-violation'].map((id) => $(id) as HTMLButtonElement);
  if (!s || !s.switches.length) {
    $('switch-pos').textContent = s ? 'no switches' : '—';
    $('story').textContent = s ? 'This run has no context switch: try a longer time or more domains.' : '';
    $('regs').replaceChildren();
    $('checks').replaceChildren();
    $('moments').replaceChildren();
    nav.forEach((b) => (b.disabled = true));
    return;
  }
  const info = s.switches[view.sw];
  const m = info.moments[view.mo];
  const { st, checker } = view.cursor!.after(m.at);
  nav[0].disabled = view.sw === 0;
  nav[1].disabled = view.sw === s.switches.length - 1;
  nav[2].disabled = !s.switches.some((x, i) => i > view.sw && x.violations.length > 0);
  $('switch-pos').textContent = `Switch ${view.sw + 1} of ${s.switches.length}`;
  $('stepper').dataset.switch = String(view.sw + 1);
  $('stepper').dataset.moment = m.kind;
  $('stepper').dataset.switchViolations = String(info.violations.length);

  $('moments').replaceChildren(
    ...info.moments.map((mm, i) =>
      h('button', { type: 'button', 'aria-current': i === view.mo ? 'step' : null, 'data-kind': mm.kind, title: MOMENT_STORY[mm.kind], onclick: () => go(view.sw, i) }, `${i + 1}. ${mm.kind === 'switch' && info.lazy ? 'state switch (lazy)' : mm.short}`),
    ),
  );
  const pc = st.pcpus[info.pcpu];
  const hz = st.cfg.arch.spec.clockHz;
  const where = info.entry ? `after a ${info.entry} exception` : 'from the idle loop';
  const lazy = info.lazy === null ? '' : info.lazy ? ' The design moved no state (a lazy switch).' : '';
  const flush = info.flushFrom >= 0 ? ` It first pulled next's state back from pcpu ${info.flushFrom} with a flush IPI.` : '';
  $('story').replaceChildren(
    h('strong', {}, `pcpu ${info.pcpu}: `),
    `schedule() ${where} picked ${vname(st, info.next)} to replace ${vname(st, info.prev)}.${flush}${lazy} `,
    h('strong', {}, `Moment ${view.mo + 1} of ${info.moments.length}: `),
    `${MOMENT_STORY[m.kind]}. `,
    h('span', { class: 'note' }, `Step ${m.at + 1} of ${s.choices.length}, t = ${((pc.clock / hz) * 1e3).toFixed(4)} ms on pcpu ${info.pcpu}${info.complete ? '' : ' (the run ended inside this switch)'}.`),
  );
  renderRegs(st, info, m.at);
  renderChecks(checker.counts, checker.total, info, m.at);
  renderLegend(st);
}

interface RowInfo {
  r: number;
  prevPlaces: Place[] | null;
  nextPlaces: Place[] | null;
  prevState: ReturnType<typeof commitState> | null;
}

function renderRegs(st: HvState, info: SwitchInfo, at: number): void {
  const a = st.cfg.arch;
  const p = info.pcpu;
  const pc = st.pcpus[p];
  const prev = st.vcpus[info.prev];
  const next = st.vcpus[info.next];
  const classes = a.classes.filter((c) => view.allClasses || c.hvUses);
  const fns = a.cframes.functions;
  const rows: RowInfo[] = [];
  for (const c of classes) {
    for (let r = c.start; r < c.end; r++) {
      rows.push({
        r,
        prevPlaces: prev.isIdle ? null : placesOf(st, r, prev.shadow[r]),
        nextPlaces: next.isIdle ? null : placesOf(st, r, next.shadow[r]),
        prevState: prev.isIdle ? null : commitState(st, p, info.prev, r),
      });
    }
  }
  // This switch's findings, per vcpu and register (those found at a later moment are marked so).
  const flags = new Map<string, { inv: string; later: boolean }[]>();
  for (const fv of info.violations) {
    if (!fv.v.register || !fv.v.vcpu) continue;
    const k = `${fv.v.vcpu}/${fv.v.register}`;
    (flags.get(k) ?? flags.set(k, []).get(k)!).push({ inv: fv.v.invariant, later: fv.at > at });
  }

  // Summary lines: where prev's uncommitted values are, and which of next's are lost.
  const summary = h('div', { class: 'summary', id: 'summary' });
  if (prev.isIdle) summary.append(h('p', {}, `prev is ${prev.name}, the idle vcpu: it has no guest registers to keep.`));
  else {
    const unc = rows.filter((x) => x.prevState === 'not-committed');
    const held = rows.filter((x) => x.prevState === 'held');
    if (!unc.length) summary.append(h('p', {}, h('span', { class: 'ok' }, '✓ '), `Every shown register of prev ${prev.name} is committed (where it resumes from)${held.length ? `, or held lazily on pcpu ${p} where a sync can commit it (${rangeList(a.regNames, held.map((x) => x.r))})` : ''}.`));
    else summary.append(h('p', { class: unc.some((x) => !x.prevPlaces!.length) ? 'lost' : 'warn', id: 'summary-prev' }, h('strong', {}, `⚠ prev ${prev.name}: ${unc.length} register${unc.length === 1 ? '' : 's'} not committed — `), groupText(a.regNames, unc.map((x) => ({ r: x.r, places: x.prevPlaces! })))));
  }
  if (!next.isIdle) {
    const lost = rows.filter((x) => x.nextPlaces && !x.nextPlaces.length);
    if (lost.length) summary.append(h('p', { class: 'lost', id: 'summary-next' }, h('strong', {}, `✗ next ${next.name}: `), `${rangeList(a.regNames, lost.map((x) => x.r))} — its value is nowhere any more (lost).`));
  } else summary.append(h('p', {}, `next is ${next.name}, the idle vcpu.`));

  const frames = pc.cframes;
  const head1 = h(
    'tr',
    { class: 'group' },
    h('th', { scope: 'col', rowspan: 2 }, 'reg'),
    h('th', { scope: 'col', rowspan: 2 }, 'checker'),
    h('th', { scope: 'colgroup', colspan: 2, class: 'prevh' }, `prev ${vname(st, info.prev)}`),
    h('th', { scope: 'colgroup', colspan: 1, class: 'nexth' }, `next ${vname(st, info.next)}`),
    h('th', { scope: 'colgroup', colspan: 2 + frames.length, class: 'slotsh' }, `slots on pcpu ${p}, by owner (P/N: prev's/next's value)`),
  );
  const head2 = h(
    'tr',
    { class: 'cols' },
    h('th', { scope: 'col', title: `on pcpu ${p} unless another pcpu or vcpu is named` }, 'its value lives in'),
    h('th', { scope: 'col', title: 'where prev resumes from (its save area, for most designs), or held lazily where a sync can commit it' }, 'committed?'),
    h('th', { scope: 'col', title: `on pcpu ${p} unless another pcpu or vcpu is named` }, 'its value lives in'),
    h('th', { scope: 'col', title: `pcpu ${p}'s register file` }, 'regs'),
    h('th', { scope: 'col', title: `the exception frame at the top of pcpu ${p}'s stack` }, 'frame'),
    ...frames.map((f, i) => h('th', { scope: 'col', class: 'fn', title: `C frame ${i + 1} on pcpu ${p}'s stack (outermost first): the callee-saved registers ${fns[f.fn].name}() saved in its prologue` }, ...breakable(`${fns[f.fn].name}()`))),
  );
  const body = h('tbody');
  let lastClass = -1;
  const ncols = 7 + frames.length;
  for (const row of rows) {
    const r = row.r;
    const ci = a.regClass[r];
    if (ci !== lastClass) {
      lastClass = ci;
      const c = a.classes[ci];
      body.append(h('tr', { class: 'cls' }, h('th', { colspan: ncols, scope: 'rowgroup' }, `${c.name} — ${c.end - c.start} register${c.end - c.start === 1 ? '' : 's'}${c.hvUses ? ', used by hypervisor C code' : ''}`)));
    }
    const name = a.regNames[r];
    const fl = [...(flags.get(`${prev.name}/${name}`) ?? []).map((f) => ({ ...f, who: 'prev' })), ...(flags.get(`${next.name}/${name}`) ?? []).map((f) => ({ ...f, who: 'next' }))];
    const tr = h('tr', { 'data-reg': name, class: fl.length ? 'flagged' : null, 'data-flags': fl.map((f) => f.inv).join(' ') || null });
    tr.append(h('th', { scope: 'row', class: 'reg' }, name));
    tr.append(h('td', { class: 'flags' }, ...fl.map((f) => h('span', { class: `flag${f.later ? ' later' : ''}`, title: f.later ? 'found by the checker at a later moment of this switch' : 'found by the checker' }, `✗ ${f.inv}${f.who === 'next' ? ' (next)' : ''}`))));
    tr.append(placesCell(row.prevPlaces, p, 'prev', prev.name));
    tr.append(commitCell(row.prevState));
    tr.append(placesCell(row.nextPlaces, p, 'next', next.name));
    const slot = (val: number, own: number, valid: boolean, title: string) => {
      if (!valid) return h('td', { class: 'own empty', title: `${title}: no saved value` }, '·');
      const o = ownerLabel(st, own);
      const isP = !prev.isIdle && val === prev.shadow[r];
      const isN = !next.isIdle && val === next.shadow[r];
      const mark = `${isP ? 'P' : ''}${isN ? 'N' : ''}`;
      return h('td', { class: 'own', style: `background:${o.bg}`, title: `${title}: ${o.title}${isP ? ` — prev ${prev.name}'s current value` : ''}${isN ? ` — next ${next.name}'s current value` : ''}`, 'data-owner': o.text }, o.text, mark ? h('span', { class: 'm' }, mark) : null);
    };
    tr.append(slot(pc.regs.val[r], pc.regs.own[r], true, `pcpu ${p} register ${name}`));
    tr.append(slot(pc.frame.val[r], pc.frame.own[r], pc.frameValid[r] === 1, `exception frame slot ${name}`));
    for (const f of frames) {
      const i = fns[f.fn].regs.indexOf(r);
      tr.append(i < 0 ? h('td', { class: 'own empty', title: `${fns[f.fn].name}() has no slot for ${name}` }, '') : slot(f.val[i], f.own[i], true, `${fns[f.fn].name}()'s slot for ${name}`));
    }
    body.append(tr);
  }
  const table = h('table', { class: 'regs', id: 'reg-table' }, h('caption', { class: 'sr-only' }, `Registers of prev and next at this moment: where each one's current value lives, and what every slot on pcpu ${p} holds`), h('thead', {}, head1, head2), body);
  const toggle = h('label', { class: 'note' }, h('input', { type: 'checkbox', id: 'all-classes', checked: view.allClasses, onchange: (e: Event) => { view.allClasses = (e.target as HTMLInputElement).checked; render(); } }), ' show every register class (FP, vector, …), not only those hypervisor C code uses');
  $('regs').replaceChildren(summary, toggle, h('div', { class: 'table-wrap', id: 'table-wrap' }, table));
  // Keep the first flagged row in view.
  const flagged = table.querySelector('tr.flagged');
  // The sticky head is two rows whose C-frame names may wrap: clear its real height, not a guess.
  if (flagged && 'scrollIntoView' in flagged) {
    const head = table.tHead?.getBoundingClientRect().height ?? 64;
    (flagged as HTMLElement).style.scrollMarginTop = `${Math.ceil(head) + 2}px`;
    (flagged as HTMLElement).scrollIntoView({ block: 'start' });
  }
}

/** Short chip text: places on the switching pcpu p go without their pcpu; the title has it all. */
function chipText(pl: Place, p: number, owner: string): string {
  const on = pl.pcpu === p ? '' : ` · pcpu ${pl.pcpu}`;
  switch (pl.kind) {
    case 'reg':
      return `register${on}`;
    case 'frame':
      return `exc. frame${on}`;
    case 'cframe':
      return `C frame ${pl.fn}()${on}`;
    case 'area':
      return pl.label === `save area of ${owner}` ? 'save area' : pl.short;
    default:
      return pl.short;
  }
}

function placesCell(places: Place[] | null, p: number, who: string, name: string): HTMLTableCellElement {
  if (!places) return h('td', { class: 'note' }, 'idle vcpu');
  const td = h('td', { 'data-who': who, 'data-places': places.map((x) => x.label).join('; ') || 'lost' });
  if (!places.length) td.append(h('span', { class: 'chip k-lost', title: 'this value is in no register, frame or save area any more' }, '✗ nowhere (lost)'));
  for (const pl of places) td.append(h('span', { class: `chip k-${pl.kind}`, title: pl.label, 'data-kind': pl.kind }, chipText(pl, p, name)));
  return td;
}

function commitCell(state: ReturnType<typeof commitState> | null): HTMLTableCellElement {
  if (state === null) return h('td', {});
  if (state === 'committed') return h('td', { 'data-commit': state, class: 'commit' }, h('span', { class: 'ok' }, '✓'), ' yes');
  if (state === 'held') return h('td', { 'data-commit': state, class: 'commit', title: 'held lazily on this pcpu: a sync can commit it' }, h('span', { class: 'chip k-held' }, 'held lazily'));
  return h('td', { 'data-commit': state, class: 'commit', title: 'not where prev resumes from (its save area, for this design), nor held lazily where a sync can commit it' }, h('span', { class: 'chip k-unc' }, '⚠ no'));
}

/** Text with a line-break opportunity after each underscore (narrow C-frame column headers). */
function breakable(text: string): (string | Node)[] {
  const out: (string | Node)[] = [];
  text.split('_').forEach((part, i, all) => {
    out.push(i < all.length - 1 ? `${part}_` : part);
    if (i < all.length - 1) out.push(h('wbr'));
  });
  return out;
}

/** "r14–r23 in registers of pcpu 3; r24–r26 in C frame of schedule() on pcpu 3's stack; …" */
function groupText(names: readonly string[], items: { r: number; places: Place[] }[]): string {
  const groups = new Map<string, number[]>();
  for (const it of items) {
    const k = it.places.length ? it.places.map((p) => p.label).join(' and ') : 'nowhere (lost)';
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(it.r);
  }
  return [...groups].map(([where, rs]) => (where === 'nowhere (lost)' ? `${rangeList(names, rs)}: nowhere (lost)` : `${rangeList(names, rs)} in ${where}`)).join('; ') + '.';
}

function renderChecks(counts: Record<string, number>, total: number, info: SwitchInfo, at: number): void {
  const s = view.session!;
  const box = $('checks');
  const here = info.violations;
  const thisSwitch = h('div', { id: 'switch-checks' });
  if (!here.length) thisSwitch.append(h('p', {}, h('span', { class: 'ok' }, '✓ '), `The checker found nothing on pcpu ${info.pcpu} during this switch.`));
  for (const fv of here) {
    const later = fv.at > at;
    const when = info.moments.find((mm) => mm.at === fv.at);
    thisSwitch.append(
      h(
        'div',
        { class: `finding${later ? ' later' : ''}`, 'data-invariant': fv.v.invariant, 'data-register': fv.v.register ?? '', 'data-vcpu': fv.v.vcpu ?? '' },
        h('span', { class: 'badx' }, `✗ ${fv.v.invariant}`),
        fv.v.register ? ` · ${fv.v.register}` : '',
        fv.v.vcpu ? ` · ${fv.v.vcpu}` : '',
        h('span', { class: 'note' }, ` — step ${fv.at + 1}${when ? `, moment “${when.short}”` : ''}${later ? ' (later in this switch)' : ''}`),
        h('span', { class: 'msg' }, fv.v.message),
      ),
    );
  }
  const invs = h(
    'ul',
    { class: 'inv-list', id: 'inv-list' },
    ...[...INVARIANTS].sort((x, y) => invariantRank(x.id) - invariantRank(y.id)).map((i) => {
      const n = counts[i.id] ?? 0;
      return h('li', { title: i.sentence, 'data-invariant': i.id, 'data-count': n }, h('span', {}, i.id), n ? h('span', { class: 'badx' }, `✗ ${n.toLocaleString('en-US')}`) : h('span', { class: 'ok' }, '✓ 0'));
    }),
  );
  const recent = s.violations.filter((fv) => fv.at <= at).slice(-4).reverse();
  const kids: (Node | null)[] = [
    h('h2', {}, 'Checker'),
    h('h3', {}, 'This switch'),
    thisSwitch,
    h('h3', {}, `So far (through step ${at + 1}): ${total ? `${total.toLocaleString('en-US')} violation${total === 1 ? '' : 's'}` : 'none'}`),
    invs,
    recent.length ? h('h3', {}, 'Latest findings so far') : null,
    recent.length ? h('ul', {}, ...recent.map((fv) => h('li', {}, h('span', { class: 'badx' }, fv.v.invariant), ` step ${fv.at + 1}, pcpu ${fv.v.pcpu}: `, fv.v.message))) : null,
  ];
  box.replaceChildren(...kids.filter((k): k is Node => k !== null));
}

/** The checker's list in reading order: the named state invariants first, inv1…inv13 by number, liveness last. */
export function invariantRank(id: string): number {
  const m = /^inv(\d+)$/.exec(id);
  if (m) return 100 + Number(m[1]);
  return id === 'liveness' ? 1000 : id === 'guest-state' ? 0 : id === 'isolation' ? 1 : 500;
}

function renderLegend(st: HvState): void {
  const items: Kid[] = [h('strong', {}, 'Owner:')];
  st.domains.forEach((d, i) => items.push(h('span', { class: 'sw', style: `background:${DOMAIN_BG[i % DOMAIN_BG.length]}` }, d.name)));
  items.push(h('span', { class: 'sw', style: `background:${HV_BG}` }, 'hv'), h('span', { class: 'sw' }, '·'), ' empty  ', h('strong', {}, 'P'), '/', h('strong', {}, 'N'), " prev's/next's value");
  items.push(
    h('span', { class: 'keys' }, h('strong', {}, 'Keys: '), h('kbd', {}, '←'), h('kbd', {}, '→'), ' switch · ', h('kbd', {}, 'Shift'), '+', h('kbd', {}, '←'), h('kbd', {}, '→'), ' moment · ', h('kbd', {}, 'V'), ' next violation'),
  );
  $('legend').replaceChildren(...items.filter((x): x is Node | string => x !== null && x !== undefined && x !== false).map((x) => (typeof x === 'number' ? String(x) : x)));
}

// ---------------------------------------------------------------------------------------------

function start(): void {
  build();
  const fromHash = readHash();
  if (fromHash) {
    writeForm(fromHash.sc);
    runScenario(fromHash.sc, { sw: fromHash.sw, mo: fromHash.mo < 0 ? 'focus' : fromHash.mo });
  } else {
    // First screen: the seed's case (prev's r14–r31 spread over pcpu registers and C frames).
    writeForm(SEED_CASE);
    runScenario(SEED_CASE, 'violation');
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
