/**
 * @module arch/arch: an ArchSpec compiled into flat index tables for the simulator's hot path.
 * Registers are numbered 0..nregs-1 across all classes, in class order; every storage place in
 * the machine (pcpu register file, exception frame, C frame, save area) is indexed the same way.
 * A "register" here is a slot (planSlots): a declared register, or the part of one that an alias
 * or a bit-ranged selector cuts out, so that bits two classes share are one slot, stored once.
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
  /** Words of the architecture's width (wordBits) per declared register of the class (a 128-bit VR is 2 words on ppc64). */
  readonly wordsPerReg: number;
  readonly hvUses: boolean;
  readonly role: 'int' | 'system' | 'fp' | 'vector';
  readonly saveCycles: number;
  readonly restoreCycles: number;
  /** Words (regWords) and bytes of the class's slots (precomputed for the hot path). */
  readonly words: number;
  readonly bytes: number;
}

export interface UnitInfo {
  readonly name: string;
  /** Bit c set for each class c the unit covers. */
  readonly mask: number;
  /** The enable bit ("MSR[FP]"); for a unit alone by default, the class's name. */
  readonly control: string;
  /** The hardware's record of a write to the unit (sstatus.FS = Dirty), if it keeps one. */
  readonly dirtyState?: string;
  readonly source: string;
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
  /**
   * The lazily switchable units (spec.units, issue 20), each a bitmask of the classes one enable
   * bit covers; a class of role fp or vector the hypervisor leaves alone and no unit lists is a
   * unit alone. Empty on an architecture with no such class.
   */
  readonly units: readonly UnitInfo[];
  /** Per class: the mask of the unit it is in (0: not a unit class). */
  readonly unitGroup: Int32Array;
  /**
   * Per class: the classes whose registers its registers are bits of (spec aliases, followed to
   * the end): arm64 fpsimd → sve (v ⊂ z), x86-64 sse → avx, LoongArch fpr → lsx, lasx. 0: none.
   */
  readonly aliasOf: Int32Array;
  /** Resolve a selector list ("r14-r31", "lr", "gpr") to register indices; throws InputError naming `where`. */
  resolve(selectors: readonly string[], where: string): Int32Array;
  /** 64-bit words in a list of registers. */
  words(regs: ArrayLike<number>): number;
  /**
   * Per register (slot): words of the architecture's natural width (wordBits), each register
   * rounded up to whole words (a 32-bit FPSCR is one 64-bit word), and bytes (rounded up: a 4-bit
   * CR field counts 1 byte). metrics.wordsSaved/wordsRestored count the first, bytesMoved the second.
   */
  readonly regWords: Int32Array;
  readonly regBytes: Int32Array;
  /** Bits per register (slot): the class width, or the part of it a slot is. */
  readonly regWidth: Int32Array;
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

/** A register as the spec declares it, before the split into slots. */
interface Declared {
  readonly name: string;
  /** Its class index. */
  readonly ci: number;
  /** Bits: the class's widthBits, or less where the class says so (RegClass.narrower). */
  readonly width: number;
  /** The declared register it is bits of (Alias), or -1; its first bit there. */
  parent: number;
  lo: number;
}

/** "v8-v15[0:63]" → the selector without its bit range, and the range (undefined: whole registers). */
function splitBits(sel: string): { base: string; bits?: [number, number] } {
  const m = /^(.*)\[(\d+):(\d+)\]$/.exec(sel);
  return m ? { base: m[1], bits: [Number(m[2]), Number(m[3])] } : { base: sel };
}

/**
 * The slots: the register file the model stores, saves and checks. Without aliases or bit
 * ranges a slot is a declared register. An alias makes the shared bits one slot, owned by the
 * innermost register that names them (f0 is a slot; vs0 is the slots f0 and vs0[64:127]), so
 * they are stored, saved, tagged and checked once; a bit range in a selector splits a register
 * at those bits (arm64 v8[0:63] callee-saved, v8[64:127] not).
 */
interface SlotPlan {
  readonly names: string[];
  readonly widths: number[];
  readonly cls: number[];
  /** Per declared register: its slots, in bit order. */
  readonly ofDeclared: number[][];
  /** Per declared register: per slot of ofDeclared, its first and one-past-last bit within the register. */
  readonly spans: [number, number][][];
}

function planSlots(spec: ArchSpecData, source: string, decl: Declared[], declIndex: Map<string, number>, resolveDeclared: (sels: readonly string[], where: string) => number[]): SlotPlan {
  const issues: InputIssue[] = [];
  const cname = (ci: number) => spec.classes[ci].name;
  // Aliases: each named register of the class is bits lo..hi of the one in the same place of `of`.
  spec.classes.forEach((c, ci) => {
    (c.aliases ?? []).forEach((a, k) => {
      const where = `classes[${ci}].aliases[${k}]`;
      const mine = resolveDeclared([a.regs], `${where}.regs`);
      const theirs = resolveDeclared([a.of], `${where}.of`);
      const foreign = mine.find((d) => decl[d].ci !== ci);
      if (foreign !== undefined) return void issues.push({ where: `${where}.regs`, message: `${decl[foreign].name} belongs to class "${cname(decl[foreign].ci)}", not "${c.name}"` });
      const own = theirs.find((d) => decl[d].ci === ci);
      if (own !== undefined) return void issues.push({ where: `${where}.of`, message: `${decl[own].name} is in class "${c.name}" itself: an alias names another class's registers` });
      if (mine.length !== theirs.length) return void issues.push({ where, message: `"${a.regs}" names ${mine.length} registers but "${a.of}" names ${theirs.length}: expected as many` });
      const [lo, hi] = a.bits;
      if (hi < lo) return void issues.push({ where: `${where}.bits`, message: `[${lo}, ${hi}] runs backwards` });
      if (hi - lo + 1 !== c.widthBits) return void issues.push({ where: `${where}.bits`, message: `[${lo}, ${hi}] is ${hi - lo + 1} bits but "${c.name}" registers are ${c.widthBits} (widthBits)` });
      for (let i = 0; i < mine.length; i++) {
        const d = decl[mine[i]];
        if (d.width !== c.widthBits) return void issues.push({ where: `${where}.regs`, message: `${d.name} is ${d.width} bits (narrower), not the ${c.widthBits} of its class: an alias is a whole register of widthBits` });
        const w = decl[theirs[i]].width;
        if (hi >= w) return void issues.push({ where: `${where}.bits`, message: `bit ${hi} is past the end of ${decl[theirs[i]].name} (${w} bits)` });
        if (d.parent >= 0) return void issues.push({ where: `${where}.regs`, message: `${d.name} is already an alias of ${decl[d.parent].name}` });
        d.parent = theirs[i];
        d.lo = lo;
      }
    });
  });
  if (issues.length) throw new InputError(source, issues);
  // Each declared register's root (the register no alias names) and its first bit there.
  const root = new Int32Array(decl.length);
  const off = new Int32Array(decl.length);
  const depth = new Int32Array(decl.length);
  decl.forEach((d, i) => {
    let r = i;
    let o = 0;
    for (let hops = 0; decl[r].parent >= 0; hops++) {
      if (hops > decl.length) throw new InputError(source, [{ where: `classes[${d.ci}].aliases`, message: `${d.name}'s aliases run in a circle` }]);
      o += decl[r].lo;
      r = decl[r].parent;
    }
    root[i] = r;
    off[i] = o;
    for (let q = i; decl[q].parent >= 0; q = decl[q].parent) depth[i]++;
  });
  const members = new Map<number, number[]>();
  decl.forEach((_, i) => members.set(root[i], [...(members.get(root[i]) ?? []), i]));
  // Aliases into one register nest or are disjoint (one owner per bit: the innermost).
  for (const ms of members.values()) {
    for (const a of ms) {
      for (const b of ms) {
        const [a0, a1, b0, b1] = [off[a], off[a] + decl[a].width, off[b], off[b] + decl[b].width];
        if (a < b && a0 < b1 && b0 < a1 && !((a0 <= b0 && b1 <= a1) || (b0 <= a0 && a1 <= b1))) {
          issues.push({ where: `classes[${decl[b].ci}].aliases`, message: `${decl[a].name} and ${decl[b].name} overlap in part (bits ${a0}–${a1 - 1} and ${b0}–${b1 - 1} of ${decl[root[a]].name}): aliases must nest or be disjoint` });
        }
      }
    }
  }
  if (issues.length) throw new InputError(source, issues);
  // Cut points per root: every alias's extent, and every bit range a selector names.
  const cuts = new Map<number, Set<number>>();
  for (const [r, ms] of members) cuts.set(r, new Set(ms.flatMap((m) => [off[m], off[m] + decl[m].width])));
  const ranged: [string, string][] = [];
  spec.classes.forEach((c, ci) => {
    for (const f of ['volatile', 'nonvolatile', 'reserved'] as const) for (const sel of c[f] ?? []) ranged.push([sel, `classes[${ci}].${f}`]);
  });
  for (const p of ENTRY_PATHS) {
    const sv = spec.entry[p]?.saves;
    if (Array.isArray(sv)) for (const sel of sv) ranged.push([sel, `entry.${p}.saves`]);
  }
  for (const sel of spec.cframes?.allocation ?? []) ranged.push([sel, 'cframes.allocation']);
  for (const sel of spec.xsave?.alwaysSaved ?? []) ranged.push([sel, 'xsave.alwaysSaved']);
  for (const [sel, where] of ranged) {
    const { base, bits } = splitBits(sel);
    if (!bits) continue;
    const [lo, hi] = bits;
    if (hi < lo) {
      issues.push({ where, message: `"${sel}": the bit range runs backwards` });
      continue;
    }
    for (const d of resolveDeclared([base], where)) {
      if (hi >= decl[d].width) {
        issues.push({ where, message: `"${sel}": bit ${hi} is past the end of ${decl[d].name} (${decl[d].width} bits)` });
        break;
      }
      cuts.get(root[d])!.add(off[d] + lo).add(off[d] + hi + 1);
    }
  }
  if (issues.length) throw new InputError(source, issues);
  // Segments of each root, each owned by the innermost register containing it.
  const owned: [number, number][][] = decl.map(() => []);
  for (const [r, ms] of members) {
    const cs = [...cuts.get(r)!].sort((x, y) => x - y);
    for (let k = 0; k + 1 < cs.length; k++) {
      const [a, b] = [cs[k], cs[k + 1]];
      // The innermost: the narrowest; of two as wide (a whole-register alias), the one further from the root.
      let best = r;
      for (const m of ms) if (off[m] <= a && b <= off[m] + decl[m].width && (decl[m].width < decl[best].width || (decl[m].width === decl[best].width && depth[m] > depth[best]))) best = m;
      owned[best].push([a, b]);
    }
  }
  const names: string[] = [];
  const widths: number[] = [];
  const cls: number[] = [];
  const slotAt: { root: number; a: number; b: number }[] = [];
  spec.classes.forEach((c, ci) => {
    const before = names.length;
    decl.forEach((d, i) => {
      if (d.ci !== ci) return;
      const segs = owned[i].sort((x, y) => x[0] - y[0]);
      const whole = segs.length === 1 && segs[0][0] === off[i] && segs[0][1] === off[i] + d.width;
      for (const [a, b] of segs) {
        names.push(whole ? d.name : `${d.name}[${a - off[i]}:${b - 1 - off[i]}]`);
        widths.push(b - a);
        cls.push(ci);
        slotAt.push({ root: root[i], a, b });
      }
    });
    if (names.length === before) issues.push({ where: `classes[${ci}]`, message: `class "${c.name}" has no bits of its own: other classes' registers alias all of it` });
  });
  if (issues.length) throw new InputError(source, issues);
  const ofDeclared: number[][] = decl.map(() => []);
  const spans: [number, number][][] = decl.map(() => []);
  slotAt.forEach((s, k) => {
    for (const d of members.get(s.root)!) {
      if (off[d] <= s.a && s.b <= off[d] + decl[d].width) {
        ofDeclared[d].push(k);
        spans[d].push([s.a - off[d], s.b - off[d]]);
      }
    }
  });
  for (let d = 0; d < decl.length; d++) {
    const order = ofDeclared[d].map((_, k) => k).sort((x, y) => spans[d][x][0] - spans[d][y][0]);
    ofDeclared[d] = order.map((k) => ofDeclared[d][k]);
    spans[d] = order.map((k) => spans[d][k]);
  }
  void declIndex;
  return { names, widths, cls, ofDeclared, spans };
}

function build(spec: ArchSpecData, source: string): Arch {
  const classes: ClassInfo[] = [];
  const issues: InputIssue[] = [];
  const decl: Declared[] = [];
  const declIndex = new Map<string, number>();
  spec.classes.forEach((c, ci) => {
    const names = c.regs ?? Array.from({ length: c.count! }, (_, i) => `${c.prefix}${i}`);
    // Registers narrower than their class (arm64's 32-bit FPSR and FPCR beside 128-bit V).
    const narrow = new Map<string, number>();
    (c.narrower ?? []).forEach((n, k) => {
      const where = `classes[${ci}].narrower[${k}]`;
      if (n.widthBits >= c.widthBits) return void issues.push({ where: `${where}.widthBits`, message: `${n.widthBits} is not narrower than the class (${c.widthBits} bits, widthBits)` });
      for (const r of n.regs.split(',').map((x) => x.trim())) {
        if (!names.includes(r)) return void issues.push({ where: `${where}.regs`, message: `"${r}" is not a register of class "${c.name}"` });
        narrow.set(r, n.widthBits);
      }
    });
    for (const n of names) {
      if (declIndex.has(n)) issues.push({ where: `classes[${ci}].regs`, message: `register "${n}" is defined twice` });
      else declIndex.set(n, decl.length);
      decl.push({ name: n, ci, width: narrow.get(n) ?? c.widthBits, parent: -1, lo: 0 });
    }
  });
  const seen = new Set<string>();
  spec.classes.forEach((c, ci) => {
    if (seen.has(c.name)) issues.push({ where: `classes[${ci}].name`, message: `class "${c.name}" is defined twice` });
    seen.add(c.name);
  });
  if (issues.length) throw new InputError(source, issues);
  const declNames = decl.map((d) => d.name);

  /** Selectors (without bit ranges) → declared registers, ascending. */
  const resolveDeclared = (selectors: readonly string[], where: string): number[] => {
    const out = new Set<number>();
    const bad: InputIssue[] = [];
    for (const sel of selectors) {
      const ci = spec.classes.findIndex((c) => c.name === sel);
      if (ci >= 0) {
        decl.forEach((d, i) => d.ci === ci && out.add(i));
        continue;
      }
      const m = /^([a-z_]+)(\d+)-(?:[a-z_]+)?(\d+)$/i.exec(sel);
      if (m) {
        const [lo, hi] = [Number(m[2]), Number(m[3])];
        if (lo > hi) bad.push({ where, message: `range "${sel}" runs backwards` });
        const absent: number[] = [];
        for (let k = lo; k <= hi; k++) {
          const r = declIndex.get(`${m[1]}${k}`);
          if (r === undefined) absent.push(k);
          else out.add(r);
        }
        // One line for the range, however many of its registers are absent.
        if (absent.length === 1) bad.push({ where, message: `"${sel}" names ${m[1]}${absent[0]}, which no class defines` });
        else if (absent.length) bad.push({ where, message: `"${sel}" names ${absent.length} registers no class defines (${m[1]}${absent[0]}…${m[1]}${absent[absent.length - 1]}${absent.length === absent[absent.length - 1] - absent[0] + 1 ? '' : ', not all in a row'})` });
        continue;
      }
      const r = declIndex.get(sel);
      if (r === undefined) bad.push({ where, message: `"${sel}" is neither a register nor a class (registers look like ${declNames.slice(0, 3).join(', ')}…)` });
      else out.add(r);
    }
    if (bad.length) throw new InputError(source, bad);
    return [...out].sort((a, b) => a - b);
  };

  const plan = planSlots(spec, source, decl, declIndex, resolveDeclared);
  const regNames = plan.names;
  const regClassArr = plan.cls;
  const wordBits = spec.wordBits;
  const regWordsArr = plan.widths.map((w) => Math.max(1, Math.ceil(w / wordBits)));
  const regBytesArr = plan.widths.map((w) => Math.ceil(w / 8));
  spec.classes.forEach((c, ci) => {
    const start = regClassArr.indexOf(ci);
    const end = regClassArr.lastIndexOf(ci) + 1;
    let words = 0;
    let bytes = 0;
    for (let r = start; r < end; r++) {
      words += regWordsArr[r];
      bytes += regBytesArr[r];
    }
    classes.push({
      name: c.name,
      index: ci,
      start,
      end,
      widthBits: c.widthBits,
      wordsPerReg: Math.max(1, Math.ceil(c.widthBits / wordBits)),
      hvUses: c.hvUses,
      role: c.role,
      saveCycles: c.save.cycles,
      restoreCycles: c.restore.cycles,
      words,
      bytes,
    });
  });

  const nregs = regNames.length;
  const index = new Map<string, number>(regNames.map((n, i) => [n, i] as const));
  decl.forEach((d, i) => {
    if (plan.ofDeclared[i].length === 1 && !index.has(d.name)) index.set(d.name, plan.ofDeclared[i][0]);
  });
  /** Selectors → slots: a register (or range, or class) names all its slots; a bit range those within it. */
  const resolve = (selectors: readonly string[], where: string): Int32Array => {
    const out = new Set<number>();
    for (const sel of selectors) {
      const { base, bits } = splitBits(sel);
      for (const d of resolveDeclared([base], where)) {
        plan.ofDeclared[d].forEach((slot, k) => {
          const [a, b] = plan.spans[d][k];
          if (!bits || (bits[0] <= a && b <= bits[1] + 1)) out.add(slot);
        });
      }
    }
    return Int32Array.from([...out].sort((a, b) => a - b));
  };

  // Volatility per slot: its class's default, then every class's lists (a list names registers
  // of its own class; their slots may be other classes' when aliased, and two classes must not
  // disagree about one slot).
  const regVolatility = new Uint8Array(nregs);
  const setBy = new Int32Array(nregs).fill(-1);
  const level = (v: string) => (v === 'volatile' ? VOLATILE : v === 'nonvolatile' ? NONVOLATILE : RESERVED);
  for (let r = 0; r < nregs; r++) regVolatility[r] = level(spec.classes[regClassArr[r]].volatility);
  spec.classes.forEach((c, ci) => {
    const apply = (sels: string[] | undefined, v: number, field: string) => {
      if (!sels) return;
      const where = `classes[${ci}].${field}`;
      for (const sel of sels) {
        const foreign = resolveDeclared([splitBits(sel).base], where).find((d) => decl[d].ci !== ci);
        if (foreign !== undefined) throw new InputError(source, [{ where, message: `${decl[foreign].name} belongs to class "${spec.classes[decl[foreign].ci].name}", not "${c.name}"` }]);
        for (const r of resolve([sel], where)) {
          if (setBy[r] >= 0 && setBy[r] !== ci && regVolatility[r] !== v) {
            throw new InputError(source, [{ where, message: `${regNames[r]} is also given another volatility by class "${spec.classes[setBy[r]].name}"` }]);
          }
          regVolatility[r] = v;
          setBy[r] = ci;
        }
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

  const cframes = buildCFrames(spec, source, resolve);
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

  const wordsPerReg = Int32Array.from(regWordsArr);
  const { units, unitGroup } = buildUnits(spec, source, classes);
  const aliasOf = new Int32Array(classes.length);
  for (const d of decl) for (let q = d.parent; q >= 0; q = decl[q].parent) if (decl[q].ci < 31) aliasOf[d.ci] |= 1 << decl[q].ci;
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
    regBytes: Int32Array.from(regBytesArr),
    regWidth: Int32Array.from(plan.widths),
    entry,
    cframes,
    units,
    unitGroup,
    aliasOf,
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
 * spec.units: each names classes of role fp or vector that the hypervisor leaves alone, each
 * class in one unit at most; every such class no unit names is a unit alone (its own enable bit:
 * what every architecture had before units could span classes).
 */
function buildUnits(spec: ArchSpecData, source: string, classes: readonly ClassInfo[]): { units: UnitInfo[]; unitGroup: Int32Array } {
  const unitGroup = new Int32Array(classes.length);
  const units: UnitInfo[] = [];
  const issues: InputIssue[] = [];
  const names = new Set<string>();
  (spec.units ?? []).forEach((u, i) => {
    const where = `units[${i}]`;
    if (names.has(u.name)) issues.push({ where: `${where}.name`, message: `unit "${u.name}" is defined twice` });
    names.add(u.name);
    let mask = 0;
    u.classes.forEach((n, k) => {
      const c = classes.find((x) => x.name === n);
      const at = `${where}.classes[${k}]`;
      if (!c) issues.push({ where: at, message: `"${n}" is not a class (classes: ${classes.map((x) => x.name).join(', ')})` });
      else if (c.hvUses || (c.role !== 'fp' && c.role !== 'vector')) issues.push({ where: at, message: `"${n}" is ${c.hvUses ? 'used by the hypervisor' : `of role ${c.role}`}: a unit covers fp or vector classes the hypervisor leaves alone` });
      else if (c.index > 30) issues.push({ where: at, message: `"${n}" is class ${c.index}: unit classes must be among the first 31 classes` });
      else if (unitGroup[c.index]) issues.push({ where: at, message: `"${n}" is already in unit "${units.find((x) => x.mask & (1 << c.index))?.name ?? u.name}"` });
      else {
        mask |= 1 << c.index;
        unitGroup[c.index] = -1; // claimed; the mask is filled in below
      }
    });
    units.push({ name: u.name, mask, control: u.control, dirtyState: u.dirtyState, source: u.source });
  });
  if (issues.length) throw new InputError(source, issues);
  for (const u of units) for (let c = 0; c < classes.length; c++) if ((u.mask >>> c) & 1) unitGroup[c] = u.mask;
  for (const c of classes) {
    if (unitGroup[c.index] || c.hvUses || (c.role !== 'fp' && c.role !== 'vector') || c.index > 30) continue;
    unitGroup[c.index] = 1 << c.index;
    units.push({ name: c.name, mask: 1 << c.index, control: `${c.name} (its own enable bit)`, source: 'a class of role fp/vector in no unit: a unit alone' });
  }
  return { units, unitGroup };
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
function expandOrdered(selectors: readonly string[], where: string, resolve: (s: readonly string[], w: string) => Int32Array): Int32Array {
  const out: number[] = [];
  for (const sel of selectors) {
    const m = /^([a-z_]+)(\d+)-(?:[a-z_]+)?(\d+)$/i.exec(sel);
    const one = m && Number(m[2]) > Number(m[3]) ? Array.from({ length: Number(m[2]) - Number(m[3]) + 1 }, (_, i) => `${m[1]}${Number(m[2]) - i}`) : [sel];
    for (const s of one) for (const r of resolve([s], where)) if (!out.includes(r)) out.push(r);
  }
  return Int32Array.from(out);
}

function buildCFrames(spec: ArchSpecData, source: string, resolve: (s: readonly string[], w: string) => Int32Array): CFrameModel {
  const c = spec.cframes;
  if (!c) {
    const none = new Int32Array(0);
    return { functions: [], chains: ENTRY_PATHS.map(() => none), softirq: none, switchChain: none, idle: none, allocation: none };
  }
  const allocation = expandOrdered(c.allocation, 'cframes.allocation', resolve);
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
