/**
 * @module cli/replay: `lazyswitch replay STRING` — reproduce a counterexample from its replay
 * string (printed by `lazyswitch explore`): the same initial state, the same choices, the
 * checker on; prints the story and the violation. Exit code 1 when a violation is reproduced.
 */
import { parseReplay, replayChoices, resolveSpec, tellStory } from '../explore/index.ts';
import { loadReplayFiles } from './user-files.ts';

export async function replayCommand(text: string, f: { json?: boolean }, out: (s: string) => void): Promise<number> {
  const parsed = parseReplay(text);
  // A string of a user's design or architecture names its files: loaded again, each checked against the hash it records.
  const setup = resolveSpec(parsed.spec, await loadReplayFiles(parsed.spec));
  const r = replayChoices(setup, parsed.choices);
  const story = tellStory(setup, parsed.choices.slice(0, r.steps));
  if (f.json) {
    out(
      JSON.stringify(
        {
          design: setup.spec.design,
          arch: setup.arch.name,
          choices: parsed.choices.length,
          steps: r.steps,
          violations: r.violations.map((v) => ({ invariant: v.invariant, message: v.message, step: v.step, pcpu: v.pcpu, vcpu: v.vcpu, register: v.register })),
          story: story.lines,
        },
        null,
        2,
      ),
    );
  } else {
    out(`lazyswitch replay: ${setup.spec.design} on ${setup.arch.name}, ${r.steps} of ${parsed.choices.length} choices\n`);
    out(story.text);
  }
  return r.violations.length ? 1 : 0;
}
