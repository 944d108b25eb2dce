export { riscvDirtyGated } from './riscv-dirty-gated.ts';
