/**
 * @module lazyswitch: the public API — the only import surface for the web view and for users'
 * own switch designs (`lazyswitch run --design-file ./my-design.ts`). Re-exports only.
 */
export type { SwitchDesign } from './hv/switch/types.ts';
export type { Scheduler, Decision } from './hv/sched/types.ts';
export type { HvState, HvPcpu, Vcpu, Domain, Metrics, HvObserver, HvTracer } from './hv/model.ts';
export { NONE, PHASE, RUNSTATE } from './hv/model.ts';
export { saveAll, loadAll, saveHv, loadHv, saveClass, loadClass, saveList, loadList, saveFrameOnly, setLoadedAll, writePtbase, charge, restoreFrame } from './hv/ops.ts';
export { callC, callChain, returnC, unwindTo, resetStack, idleDepth } from './hv/stack.ts';
export { contextSaved, defaultTail, tailDone, ackDeferred } from './hv/core.ts';
export { DESIGNS, getDesign, designNames, designFor, writtenFor } from './hv/switch/registry.ts';
export { CONTRACTS, CONTRACT_NAMES, DEFAULT_CONTRACT, isContractName, type Contract, type ContractName } from './hv/contract.ts';
export { SCHEDULERS, getScheduler } from './hv/sched/registry.ts';
export { getArch, builtinArchNames, compileArch, loadArchText, ENTRY_PATHS, type Arch } from './arch/index.ts';
export { HV_OWNER } from './machine/index.ts';
export { runOne, buildState, drive, step, applyChoice, enabled, hashState, cloneState, parseChoice, choiceToString, type RunResult, type Choice } from './sim/index.ts';
export { Checker, INVARIANTS, type Violation } from './check/index.ts';
export { parseDomains } from './scenario/index.ts';
