/**
 * @module cli/progress: a one-line progress indicator on stderr, only when stderr is a TTY
 * (piped output stays clean). Wall-clock time is fine here: the CLI is outside the model.
 */
export class Progress {
  private readonly enabled: boolean;
  private last = 0;
  constructor(private readonly label: string, force?: boolean) {
    this.enabled = force ?? Boolean(process.stderr.isTTY);
  }
  update(fraction: number, detail = ''): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && fraction < 1) return;
    this.last = now;
    const width = 24;
    const filled = Math.round(fraction * width);
    process.stderr.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${detail}\x1b[K`);
  }
  done(): void {
    if (this.enabled) process.stderr.write('\r\x1b[K');
  }
}
