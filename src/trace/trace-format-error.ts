/**
 * @module trace/trace-format-error: the input is not a trace of the expected kind at all.
 *
 * Distinct from a malformed line, which is counted and reported while parsing goes on: this
 * error means no line in the detection window had the form of any supported format (or of the
 * format the caller named), so continuing would silently yield zero records.
 */

export class TraceFormatError extends Error {
  constructor(
    message: string,
    /** 1-based line of the first meaningful input line, when there was one. */
    readonly line?: number,
  ) {
    super(message);
    this.name = 'TraceFormatError';
  }
}
