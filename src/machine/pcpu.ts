/**
 * @module machine/pcpu: the hardware half of a physical cpu. The hypervisor's per-pcpu
 * bookkeeping (current, loaded, phase) extends this in hv/model.
 */
import { newRegStore, cloneRegStore, HV_OWNER, type RegStore } from './regstore.ts';

/** IPI kinds. FLUSH is Xen's FLUSH_VCPU_STATE / invalidate IPI (sender waits for the ack);
 *  RESCHED is the event-check IPI that raises SCHEDULE_SOFTIRQ (no ack); STOP is cpu_down()'s
 *  stop_machine_run(take_cpu_down) on the dying cpu (sender waits for it to be done). */
export const IPI_FLUSH = 1;
export const IPI_RESCHED = 2;
export const IPI_STOP = 3;

export interface PendingIpi {
  kind: number;
  from: number;
  /** Sender's clock when sent: the receiver cannot handle it earlier. */
  at: number;
}

export interface Pcpu {
  readonly id: number;
  /** Local clock in cycles. Every action advances it by its cost. */
  clock: number;
  /** The register file: what the hardware holds right now. */
  regs: RegStore;
  /**
   * The guest exception frame (cpu_user_regs) at the top of the per-pcpu hypervisor stack;
   * frameValid[r] says whether slot r holds a saved value.
   */
  frame: RegStore;
  frameValid: Uint8Array;
  /** Domain whose page tables are loaded (HV_OWNER: the idle page table). */
  ptbase: number;
  ipis: PendingIpi[];
  online: boolean;
}

export function newPcpu(id: number, nregs: number): Pcpu {
  return {
    id,
    clock: 0,
    regs: newRegStore(nregs, HV_OWNER),
    frame: newRegStore(nregs),
    frameValid: new Uint8Array(nregs),
    ptbase: HV_OWNER,
    ipis: [],
    online: true,
  };
}

export function clonePcpuHw<T extends Pcpu>(p: T): Pcpu {
  return {
    id: p.id,
    clock: p.clock,
    regs: cloneRegStore(p.regs),
    frame: cloneRegStore(p.frame),
    frameValid: p.frameValid.slice(),
    ptbase: p.ptbase,
    ipis: p.ipis.map((i) => ({ ...i })),
    online: p.online,
  };
}

/** A hypervisor scratch token: distinct per pcpu so a leaked one says where it came from. */
export function hvToken(pcpu: number): number {
  return (0xffff0000 | pcpu) >>> 0;
}
