/**
 * @module trace/text-lines: split a stream of text chunks into lines, without node:*.
 *
 * Lets browsers and other runtimes feed TraceParser from any chunked source; only the partial
 * last line of a chunk is held between pushes.
 */

export class LineSplitter {
  private rest = '';

  /** Calls `onLine` for every complete line in `chunk` (without '\n'; a '\r' before it is kept for the parser to drop). */
  push(chunk: string, onLine: (line: string) => void): void {
    let start = 0;
    let nl = chunk.indexOf('\n');
    if (nl >= 0 && this.rest.length > 0) {
      onLine(this.rest + chunk.slice(0, nl));
      this.rest = '';
      start = nl + 1;
      nl = chunk.indexOf('\n', start);
    }
    while (nl >= 0) {
      onLine(chunk.slice(start, nl));
      start = nl + 1;
      nl = chunk.indexOf('\n', start);
    }
    this.rest += chunk.slice(start);
  }

  /** The last line, if the input did not end with a newline. */
  end(onLine: (line: string) => void): void {
    if (this.rest.length > 0) onLine(this.rest);
    this.rest = '';
  }
}

/** Lines of a chunked text; a final line without '\n' is included. */
export function* linesOf(chunks: Iterable<string>): Generator<string> {
  const splitter = new LineSplitter();
  const out: string[] = [];
  const take = (l: string) => out.push(l);
  for (const c of chunks) {
    splitter.push(c, take);
    yield* out;
    out.length = 0;
  }
  splitter.end(take);
  yield* out;
}
