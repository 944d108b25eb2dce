/**
 * @module report/contract-matrix: the designs × contracts matrix (history/matrix) as a table, the
 * violations under it with their replay strings, and its reading in words — derived from the
 * verdicts, never written in advance.
 */
import type { MatrixDocument, MatrixRow, MatrixVerdict } from '../history/index.ts';
import { renderTable } from './table.ts';

function cell(v: MatrixVerdict): string {
  const mark = (v.form ? ' †' : '') + (v.writtenFor ? '' : ' *');
  if (v.correct) return `correct${mark}`;
  return `NO ${v.invariant}${v.foundBy === 'explorer' ? ' (explored)' : ''}${mark}`;
}

/** The footnotes under the table: what * and † mean, and which forms ran. */
export function matrixLegend(doc: MatrixDocument): string {
  const forms = new Set<string>();
  for (const r of doc.designs) for (const c of doc.contracts) if (r.verdicts[c.name].form) forms.add(`${r.design} runs as ${r.verdicts[c.name].form} under ${c.name}`);
  const lines = ['"*": not a contract the design is written for (a what-if). "(explored)": the explorer found it; its replay string is below.'];
  if (forms.size) lines.push(`"†": the design's own form for that contract ran (${[...forms].join('; ')}).`);
  return lines.join('\n');
}

export function renderMatrixTable(doc: MatrixDocument): string {
  const header = ['design', ...doc.contracts.map((c) => c.name)];
  const body = doc.designs.map((r) => [r.design + (r.broken ? ' (broken on purpose)' : ''), ...doc.contracts.map((c) => cell(r.verdicts[c.name]))]);
  return renderTable(header, body);
}

/** Every incorrect cell: the sentence, and how to replay it. */
export function renderMatrixViolations(doc: MatrixDocument): string {
  const out: string[] = [];
  for (const r of doc.designs) {
    for (const c of doc.contracts) {
      const v = r.verdicts[c.name];
      if (v.correct) continue;
      out.push(`${r.design} under ${c.name}${v.form ? ` (as ${v.form})` : ''}: ${v.violation}`);
      if (v.replay) out.push(`    lazyswitch replay '${v.replay}'`);
    }
  }
  return out.join('\n');
}

const names = (rows: MatrixRow[]) => rows.map((r) => r.design).join(', ');

/** The story the matrix tells, in a few sentences read off the verdicts. */
export function matrixReading(doc: MatrixDocument): string {
  const cs = doc.contracts.map((c) => c.name);
  const rows = doc.designs.filter((r) => !r.broken);
  const out: string[] = [];
  const everywhere = rows.filter((r) => cs.every((c) => r.verdicts[c].correct));
  if (everywhere.length) out.push(`On ${doc.arch}, ${names(everywhere)} ${everywhere.length === 1 ? 'is' : 'are'} correct under every generation of the interface.`);
  for (const r of rows) {
    const ok = cs.filter((c) => r.verdicts[c].correct);
    const bad = cs.filter((c) => !r.verdicts[c].correct);
    if (!ok.length || !bad.length) continue;
    const first = r.verdicts[bad[0]];
    out.push(
      `${r.design} is correct under ${ok.join(' and ')} but not under ${bad.join(' and ')}` +
        (first.form ? ` (it runs as ${first.form} there)` : '') +
        `: ${first.violation}${first.replay ? ' (the explorer found it; replay string below)' : ''}.`,
    );
  }
  const never = rows.filter((r) => cs.every((c) => !r.verdicts[c].correct));
  if (never.length) out.push(`${names(never)} ${never.length === 1 ? 'is' : 'are'} wrong under every generation.`);
  const broken = doc.designs.filter((r) => r.broken);
  const caught = broken.filter((r) => cs.every((c) => !r.verdicts[c].correct));
  if (caught.length) out.push(`The designs kept broken on purpose (${names(caught)}) are caught under every contract.`);
  const missed = broken.filter((r) => cs.some((c) => r.verdicts[c].correct));
  for (const r of missed) out.push(`${r.design}, kept broken on purpose, was not caught under ${cs.filter((c) => r.verdicts[c].correct).join(' and ')} within these budgets.`);
  return out.join(' ');
}
