/**
 * @module arch/arch: an ArchSpec compiled into flat index tables for the simulator's hot path.
 * Registers are numbered 0..nregs-1 across all classes, in class order; every storage place in
 * the machine (pcpu register file, exception frame, C frame, save area) is indexed the same way.
 */
import { InputError, type InputIssue } from '../base/index.ts';
import { ArchSpec, ENTRY_PATHS, type ArchSpecData, type EntryPathName } from './schema.ts';

export const VOLATILE = 0;
export const NONVOLATILE = 1;
export const RESERVED = 2;

export interface ClassInfo {
  readonly name: string;
  readonly index: number;
  /** First register index of the class, and one past the last. */
  readonly start: number;
  readonly end: number;
  readonly widthBits: number;
  /** 64-bit words per register (a 128-bit VR is 2 words). */
  readonly wordsPerReg: number;
  readonly hvUses: boolean;
  readonly role: 'int' | 'system' | 'fp' | 'vector';
  readonly saveCycles: number;
  readonly restoreCycles: number;
  /** 64-bit words and bytes of the whole class (precomputed for the hot path). */
  readonly words: number;
  readonly bytes: number;
}

export interface EntryInfo {
  readonly saves: Int32Array;
  readonly runsSoftirqs: boolean;
  readonly source: string;
}

/** A compiled C function: the callee-saved registers its prologue saves and its body then uses. */
export interface CFunction {
  readonly name: string;
  readonly regs: Int32Array;
}

export interface CFrameModel {
  readonly functions: readonly CFunction[];
  /** Per entry path index (ENTRY_PATHS order): function indices, outermost first. */
  readonly chains: readonly Int32Array[];
  readonly softirq: Int32Array;
  readonly switchChain: Int32Array;
  readonly idle: Int32Array;
  /** Callee-saved registers compiled code may use, in allocation order. */
  readonly allocation: Int32Array;
}

export interface Arch {
  readonly spec: ArchSpecData;
  readonly name: string;
  readonly nregs: number;
  readonly regNames: readonly string[];
  /** Class index per register. */
  readonly regClass: Int32Array;
  /** VOLATILE | NONVOLATILE | RESERVED per register. */
  readonly regVolatility: Uint8Array;
  readonly classes: readonly ClassInfo[];
  /** Registers hypervisor C code uses (integer state). */
  readonly hvRegs: Int32Array;
  /** hvRegs that the ABI makes nonvolatile (callee-saved): r14–r31 on ppc64. */
  readonly hvNonvolatile: Int32Array;
  /** hvRegs that the ABI does not make nonvolatile. */
  readonly hvVolatile: Int32Array;
  /**
   * hvRegs that compiled hypervisor code preserves for its caller (cframes.allocation: r14–r31
   * on ppc64, rbx/rbp/r12–r15 on x86-64); without a C-frame model, the ABI's nonvolatiles.
   */
  readonly hvCalleeSaved: Int32Array;
  /**
   * The rest of hvRegs: what a "volatile-only" entry stub must save, because C code changes
   * them (scratch registers, and the stack and TOC pointers it switches to its own).
   */
  readonly hvCallerSaved: Int32Array;
  /** Every register: a full save. */
  readonly allRegs: Int32Array;
  /**
   * XSAVE (spec.xsave, x86): the classes that are XSAVE state components, as a bitmask by class
   * index; 0 on an architecture without XSAVE.
   */
  readonly xsaveMask: number;
  /** Per class: the cycles an XSAVEOPT/XSAVES spends on a component it skips (its share of xsave.skippedSave); 0 elsewhere. */
  readonly xsaveSkipCycles: Float64Array;
  /** Registers of the XSAVE components that the optimisations never skip (xsave.alwaysSaved: MXCSR). */
  readonly xsaveAlways: Int32Array;
  readonly entry: Readonly<Record<EntryPathName, EntryInfo>>;
  readonly cframes: CFrameModel;
  /** Resolve a selector list ("r14-r31", "lr", "gpr") to register indices; throws InputError naming `where`. */
  resolve(selectors: readonly string[], where: string): Int32Array;
  /** 64-bit words in a list of registers. */
  words(regs: ArrayLike<number>): number;
  /** 64-bit words and bytes per register (bytes rounded up: a 4-bit CR field counts 1 byte). */
  readonly regWords: Int32Array;
  readonly regBytes: Int32Array;
  regIndex(name: string): number;
}

/** Validate raw data (from a built-in definition or a user's file) and compile it. */
export function compileArch(raw: unknown, source: string): Arch {
  const parsed = ArchSpec.safeParse(raw);
  if (!parsed.success) {
    const issues: InputIssue[] = [];
    const said = new Set<string>();
    for (const i of parsed.error.issues) {
      const where = i.path.length ? i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(top level)';
      // A field left out is "missing", not zod's "expected number, received undefined".
      const message = i.code === 'invalid_type' && /received undefined$/.test(i.message) ? `missing (expected ${i.expected})` : i.message;
      // Each issue once (a union's branches can repeat one).
      if (said.has(where + '\0' + message)) continue;
      said.add(where + '\0' + message);
      issues.push({ where, message });
    }
    throw new InputError(source, issues);
  }
  return build(parsed.data, source);
}

function build(spec: ArchSpecData, source: string): Arch {
  const regNames: string[] = [];
  const regClassArr: number[] = [];
  const classes: ClassInfo[] = [];
  const issues: InputIssue[] = [];
  spec.classes.forEach((c, ci) => {
    const names = c.regs ?? Array.from({ length: c.count! }, (_, i) => `${c.prefix}${i}`);
    const start = regNames.length;
    for (const n of names) {
      if (regNames.includes(n)) issues.push({ where: `classes[${ci}].regs`, message: `register "${n}" is defined twice` });
      regNames.push(n);
      regClassArr.push(ci);
    }
    classes.push({
      name: c.name,
      index: ci,
      start,
      end: regNames.length,
      widthBits: c.widthBits,
      wordsPerReg: Math.max(1, Math.ceil(c.widthBits / 64)),
      hvUses: c.hvUses,
      role: c.role,
      saveCycles: c.save.cycles,
      restoreCycles: c.restore.cycles,
      words: names.length * Math.max(1, Math.ceil(c.widthBits / 64)),
      bytes: names.length * Math.ceil(c.widthBits / 8),
    });
  });
  const seen = new Set<string>();
  spec.classes.forEach((c, ci) => {
    if (seen.has(c.name)) issues.push({ where: `classes[${ci}].name`, message: `class "${c.name}" is defined twice` });
    seen.add(c.name);
  });
  if (issues.length) throw new InputError(source, issues);

  const nregs = regNames.length;
  const index = new Map(regNames.map((n, i) => [n, i] as const));
  const resolve = (selectors: readonly string[], where: string): Int32Array => {
    const out = new Set<number>();
    const bad: InputIssue[] = [];
    for (const sel of selectors) {
      const cls = classes.find((c) => c.name === sel);
      if (cls) {
        for (let r = cls.start; r < cls.end; r++) out.add(r);
        continue;
      }
      const m = /^([a-z_]+)(\d+)-(?:[a-z_]+)?(\d+)$/i.exec(sel);
      if (m) {
        const [lo, hi] = [Number(m[2]), Number(m[3])];
        if (lo > hi) bad.push({ where, message: `range "${sel}" runs backwards` });
        const absent: number[] = [];
        for (let k = lo; k <= hi; k++) {
          const r = index.get(`${m[1]}${k}`);
          if (r === undefined) absent.push(k);
          else out.add(r);
        }
        // One line for the range, however many of its registers are absent.
        if (absent.length === 1) bad.push({ where, message: `"${sel}" names ${m[1]}${absent[0]}, which no class defines` });
        else if (absent.length) bad.push({ where, message: `"${sel}" names ${absent.length} registers no class defines (${m[1]}${absent[0]}…${m[1]}${absent[absent.length - 1]}${absent.length === absent[absent.length - 1] - absent[0] + 1 ? '' : ', not all in a row'})` });
        continue;
      }
      const r = index.get(sel);
      if (r === undefined) bad.push({ where, message: `"${sel}" is neither a register nor a class (registers look like ${regNames.slice(0, 3).join(', ')}…)` });
      else out.add(r);
    }
    if (bad.length) throw new InputError(source, bad);
    return Int32Array.from([...out].sort((a, b) => a - b));
  };

  const regVolatility = new Uint8Array(nregs);
  spec.classes.forEach((c, ci) => {
    const cls = classes[ci];
    const dflt = c.volatility === 'volatile' ? VOLATILE : c.volatility === 'nonvolatile' ? NONVOLATILE : RESERVED;
    regVolatility.fill(dflt, cls.start, cls.end);
    const apply = (sels: string[] | undefined, v: number, field: string) => {
      if (!sels) return;
      for (const r of resolve(sels, `classes[${ci}].${field}`)) {
        if (regClassArr[r] !== ci) throw new InputError(source, [{ where: `classes[${ci}].${field}`, message: `${regNames[r]} belongs to class "${classes[regClassArr[r]].name}", not "${c.name}"` }]);
        regVolatility[r] = v;
      }
    };
    apply(c.volatile, VOLATILE, 'volatile');
    apply(c.nonvolatile, NONVOLATILE, 'nonvolatile');
    apply(c.reserved, RESERVED, 'reserved');
  });

  const regClass = Int32Array.from(regClassArr);
  const hv: number[] = [];
  for (let r = 0; r < nregs; r++) if (classes[regClass[r]].hvUses) hv.push(r);
  const hvRegs = Int32Array.from(hv);
  const hvNonvolatile = hvRegs.filter((r) => regVolatility[r] === NONVOLATILE);
  const hvVolatile = hvRegs.filter((r) => regVolatility[r] !== NONVOLATILE);
  if (hvRegs.length === 0) throw new InputError(source, [{ where: 'classes', message: 'at least one class must have hvUses: true (the integer registers the hypervisor itself uses)' }]);

  const cframes = buildCFrames(spec, source, resolve, index);
  const hvCalleeSaved = cframes.allocation.length ? Int32Array.from([...cframes.allocation].sort((x, y) => x - y)) : hvNonvolatile;
  const hvCallerSaved = hvRegs.filter((r) => !hvCalleeSaved.includes(r));

  const entry = {} as Record<EntryPathName, EntryInfo>;
  for (const p of ENTRY_PATHS) {
    const e = spec.entry[p]!;
    const saves = e.saves === 'full' ? hvRegs : e.saves === 'volatile' ? hvCallerSaved : resolve(e.saves, `entry.${p}.saves`);
    entry[p] = { saves, runsSoftirqs: e.runsSoftirqs, source: e.source };
  }

  const { xsaveMask, xsaveSkipCycles } = buildXsave(spec, source, classes);
  const xsaveAlways = resolve(spec.xsave?.alwaysSaved ?? [], 'xsave.alwaysSaved');
  for (const r of xsaveAlways) {
    if (!((xsaveMask >>> regClassArr[r]) & 1)) throw new InputError(source, [{ where: 'xsave.alwaysSaved', message: `${regNames[r]} is in class "${classes[regClassArr[r]].name}", not an XSAVE component` }]);
  }

  const wordsPerReg = Int32Array.from(regClassArr.map((ci) => classes[ci].wordsPerReg));
  return {
    spec,
    name: spec.name,
    nregs,
    regNames,
    regClass,
    regVolatility,
    classes,
    hvRegs,
    hvNonvolatile,
    hvVolatile,
    hvCalleeSaved,
    hvCallerSaved,
    allRegs: Int32Array.from({ length: nregs }, (_, i) => i),
    xsaveMask,
    xsaveSkipCycles,
    xsaveAlways,
    regWords: wordsPerReg,
    regBytes: Int32Array.from(regClassArr.map((ci) => Math.ceil(classes[ci].widthBits / 8))),
    entry,
    cframes,
    resolve,
    words(regs) {
      let w = 0;
      for (let i = 0; i < regs.length; i++) w += wordsPerReg[regs[i]];
      return w;
    },
    regIndex(name) {
      const r = index.get(name);
      if (r === undefined) throw new Error(`no register ${name} in ${spec.name}`);
      return r;
    },
  };
}

/**
 * spec.xsave: each component names a class the hypervisor leaves alone (Xen never XSAVEs its own
 * integer state), at most once. A skipped component costs skippedSave × its share of the
 * components' summed save cycles, so skipping all of them costs exactly skippedSave.
 */
function buildXsave(spec: ArchSpecData, source: string, classes: readonly ClassInfo[]): { xsaveMask: number; xsaveSkipCycles: Float64Array } {
  const skip = new Float64Array(classes.length);
  const x = spec.xsave;
  if (!x) return { xsaveMask: 0, xsaveSkipCycles: skip };
  let mask = 0;
  const issues: InputIssue[] = [];
  x.components.forEach((name, i) => {
    const c = classes.find((k) => k.name === name);
    const where = `xsave.components[${i}]`;
    if (!c) issues.push({ where, message: `"${name}" is not a class (classes: ${classes.map((k) => k.name).join(', ')})` });
    else if (c.hvUses) issues.push({ where, message: `"${name}" is hypervisor-used integer state, not an XSAVE component` });
    else if (c.index > 30) issues.push({ where, message: `"${name}" is class ${c.index}: XSAVE components must be among the first 31 classes` });
    else if (mask & (1 << c.index)) issues.push({ where, message: `"${name}" is listed twice` });
    else mask |= 1 << c.index;
  });
  if (issues.length) throw new InputError(source, issues);
  let total = 0;
  for (const c of classes) if (mask & (1 << c.index)) total += c.saveCycles;
  for (const c of classes) if (mask & (1 << c.index)) skip[c.index] = total > 0 ? (x.skippedSave.cycles * c.saveCycles) / total : 0;
  return { xsaveMask: mask, xsaveSkipCycles: skip };
}

/** Expand selectors keeping their order; a range may run downwards ("r31-r14"). */
function expandOrdered(selectors: readonly string[], where: string, source: string, index: Map<string, number>, resolve: (s: readonly string[], w: string) => Int32Array): Int32Array {
  const out: number[] = [];
  for (const sel of selectors) {
    const m = /^([a-z_]+)(\d+)-(?:[a-z_]+)?(\d+)$/i.exec(sel);
    if (m && Number(m[2]) > Number(m[3])) {
      for (let k = Number(m[2]); k >= Number(m[3]); k--) {
        const r = index.get(`${m[1]}${k}`);
        if (r === undefined) throw new InputError(source, [{ where, message: `"${sel}" names ${m[1]}${k}, which no class defines` }]);
        if (!out.includes(r)) out.push(r);
      }
    } else for (const r of resolve([sel], where)) if (!out.includes(r)) out.push(r);
  }
  return Int32Array.from(out);
}

function buildCFrames(spec: ArchSpecData, source: string, resolve: (s: readonly string[], w: string) => Int32Array, index: Map<string, number>): CFrameModel {
  const c = spec.cframes;
  if (!c) {
    const none = new Int32Array(0);
    return { functions: [], chains: ENTRY_PATHS.map(() => none), softirq: none, switchChain: none, idle: none, allocation: none };
  }
  const allocation = expandOrdered(c.allocation, 'cframes.allocation', source, index, resolve);
  const names = Object.keys(c.functions);
  const functions: CFunction[] = names.map((name) => {
    const k = c.functions[name];
    if (k > allocation.length) throw new InputError(source, [{ where: `cframes.functions.${name}`, message: `uses ${k} callee-saved registers but cframes.allocation lists only ${allocation.length}` }]);
    return { name, regs: allocation.slice(0, k) };
  });
  const fnIndex = (list: readonly string[], where: string) =>
    Int32Array.from(
      list.map((n) => {
        const i = names.indexOf(n);
        if (i < 0) throw new InputError(source, [{ where, message: `function "${n}" is not in cframes.functions` }]);
        return i;
      }),
    );
  return {
    functions,
    chains: ENTRY_PATHS.map((p) => fnIndex(c.chains[p] ?? [], `cframes.chains.${p}`)),
    softirq: fnIndex(c.softirq, 'cframes.softirq'),
    switchChain: fnIndex(c.switch, 'cframes.switch'),
    idle: fnIndex(c.idle, 'cframes.idle'),
    allocation,
  };
}

/**
 * A fact derived from an architecture, computed once per compiled Arch (the arch data never
 * changes after compileArch) and remembered beside it: unit masks, a design's class groupings.
 */
export function perArch<T>(derive: (arch: Arch) => T): (arch: Arch) => T {
  const cache = new WeakMap<Arch, T>();
  return (arch) => {
    let v = cache.get(arch);
    if (v === undefined) {
      v = derive(arch);
      cache.set(arch, v);
    }
    return v;
  };
}
