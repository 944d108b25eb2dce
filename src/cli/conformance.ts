/** @module cli/conformance: `lazyswitch conformance --design NAME | --design-file FILE` — hold a design to the built-ins' bar. */
import { getDesign, type SwitchDesign } from '../hv/index.ts';
import { checkDesign } from '../conformance/index.ts';
import { renderTable } from '../report/index.ts';
import { InputError } from '../base/index.ts';
import { loadDesignFile } from './design-file.ts';
import { resolveArch } from './args.ts';

export async function conformanceCommand(f: { design?: string; designFile?: string; arch?: string[]; json?: boolean }, out: (s: string) => void): Promise<number> {
  if (!f.design === !f.designFile) throw new InputError('conformance', [{ where: '--design / --design-file', message: 'give exactly one of them' }]);
  const design: SwitchDesign = f.designFile ? await loadDesignFile(f.designFile) : getDesign(f.design!);
  const results = checkDesign(design, f.arch?.length ? f.arch.flatMap((a) => a.split(',')).map(resolveArch) : undefined);
  const failed = results.filter((r) => !r.passed).length;
  if (f.json) out(JSON.stringify({ design: design.name, passed: failed === 0, checks: results }, null, 2));
  else {
    out(`lazyswitch conformance: ${design.name}\n`);
    out(renderTable(['arch', 'check', 'result', 'detail'], results.map((r) => [r.arch, r.check, r.passed ? 'pass' : 'FAIL', r.detail.slice(0, 100)])));
    out(`\n${results.length - failed} passed, ${failed} failed`);
  }
  return failed ? 1 : 0;
}
