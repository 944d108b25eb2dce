/**
 * @module trace/prev-state: what a switch's prev_state says about the task switched out.
 *
 * A replay only needs to know whether prev stayed runnable (preempted or yielded; it will come
 * back without a wakeup) or stopped running (blocked or gone). Each format spells that differently,
 * so the record keeps the verbatim text and this one function interprets it.
 */

export type PrevRunstate = 'runnable' | 'blocked' | 'offline';

/**
 * Letters: `R`/`R+` are runnable; `X`, `x`, `Z` (dead/zombie) and `T`, `t` (stopped) are offline;
 * anything else (`S`, `D`, `D|K`, `I`, `P`, `W`, ...) blocked.
 * Numbers (trace-cmd -R): 0 is TASK_RUNNING, and a single bit at or above 256 is the "preempted"
 * marker (TASK_REPORT_MAX 0x100 on >= 4.14, TASK_STATE_MAX 1024/2048/4096 on 3.x-4.13) or WAKING/NEW,
 * all runnable. Any other number is a sleep; the bit for "dead" moved between kernels (64 before
 * 4.14, 16/32 after), so numbers never map to offline without the event's format file.
 * Xen runstate words map to themselves. `?` (not recorded) and unknown text give undefined.
 */
export function prevRunstate(state: string): PrevRunstate | undefined {
  if (state.length === 0 || state === '?') return undefined;
  const c = state.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    const n = Number(state);
    if (!Number.isInteger(n) || n < 0) return undefined;
    if (n === 0) return 'runnable';
    return n >= 256 && (n & (n - 1)) === 0 ? 'runnable' : 'blocked';
  }
  switch (state) {
    case 'runnable':
    case 'blocked':
    case 'offline':
      return state;
  }
  switch (state.charCodeAt(0)) {
    case 82 /* R */:
      return 'runnable';
    case 88 /* X */:
    case 120 /* x */:
    case 90 /* Z */:
    case 84 /* T */:
    case 116 /* t */:
      return 'offline';
    default:
      return /^[A-Za-z]/.test(state) ? 'blocked' : undefined;
  }
}
