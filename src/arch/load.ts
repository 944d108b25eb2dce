/**
 * @module arch/load: a user's architecture from YAML or JSON text. Errors name the field and,
 * where the text has one, the line (YAML node ranges / JSON offsets).
 */
import { parseDocument, LineCounter, isNode } from 'yaml';
import { InputError } from '../base/index.ts';
import { compileArch, type Arch } from './arch.ts';

/** Parse and validate architecture text; `source` names the file in messages. */
export function loadArchText(text: string, source: string): Arch {
  const lc = new LineCounter();
  // YAML is a superset of JSON, so one parser serves both with line positions.
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const pos = lc.linePos(e.pos[0]);
    throw new InputError(source, [{ where: `line ${pos.line}`, message: `not valid YAML/JSON: ${e.message.split('\n')[0]}` }]);
  }
  const raw = doc.toJS();
  try {
    return compileArch(raw, source);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    // Attach a line number to every issue whose field path resolves to a node in the text.
    const issues = err.issues.map((i) => {
      const path = i.where.match(/[^.[\]]+/g)?.map((p) => (/^\d+$/.test(p) ? Number(p) : p)) ?? [];
      let node: unknown = undefined;
      for (let n = path.length; n > 0 && !isNode(node); n--) node = doc.getIn(path.slice(0, n), true);
      const at = isNode(node) && node.range ? ` (line ${lc.linePos(node.range[0]).line})` : '';
      return { where: `${i.where}${at}`, message: i.message };
    });
    throw new InputError(source, issues);
  }
}
