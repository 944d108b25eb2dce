/** @module cli/args: flag parsing helpers that turn bad values into InputErrors naming the flag. */
import { InputError } from '../base/index.ts';
import { getArch, type Arch } from '../arch/index.ts';
import { isArchFile, loadArchFile } from './user-files.ts';
import { CONTRACT_NAMES, isContractName, type ContractName } from '../hv/index.ts';

export function intFlag(flag: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim())) throw new InputError(flag, [{ where: flag, message: `"${text}" is not a whole number (expected ${min}..${max})` }]);
  const n = Number(text);
  if (n < min || n > max) throw new InputError(flag, [{ where: flag, message: `${n} is out of range (expected ${min}..${max})` }]);
  return n;
}

/** --arch NAME (built-in) or FILE (.yaml/.yml/.json, or any path with a slash). */
export function resolveArch(value: string): Arch {
  if (isArchFile(value)) return loadArchFile(value).arch;
  return getArch(value);
}

/** --contract 2005-08|2006-01-06|2006-01-07 (hv/contract). */
export function contractFlag(text: string): ContractName {
  if (!isContractName(text)) throw new InputError('--contract', [{ where: '--contract', message: `unknown contract "${text}"; expected one of ${CONTRACT_NAMES.join(', ')}` }]);
  return text;
}
