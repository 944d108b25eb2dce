/**
 * @module bench/explore-child: one explorer run in a process of its own, so that its peak RSS is
 * the explorer's and not the benchmark's (whose heap holds the simulator runs before it).
 * `node explore-child.mjs small|default|hotplug3 [MAX_STATES]` explores explore's SMALL_SPEC,
 * DEFAULT_SPEC or HOTPLUG3_SPEC (xen-x86-lazy, reductions on), stopping after MAX_STATES states when given, and
 * prints one JSON line: { spec, states, transitions, complete, seconds (wall, as explore measures
 * it), cpuSeconds (this process, user + system, around the run), baseRssBytes (RSS after the
 * modules loaded, before the run), peakRssBytes (process.resourceUsage().maxRSS at the end) }.
 * bench/run.mjs bundles it beside the benchmark; bench/main.ts spawns it.
 */
import { explore, resolveSpec, SMALL_SPEC, DEFAULT_SPEC, HOTPLUG3_SPEC } from '../src/explore/index.ts';

const which = process.argv[2] === 'default' ? 'default' : process.argv[2] === 'hotplug3' ? 'hotplug3' : 'small';
const SPECS = { small: SMALL_SPEC, default: DEFAULT_SPEC, hotplug3: HOTPLUG3_SPEC };
const maxStates = process.argv[3] ? Number(process.argv[3]) : undefined;
const setup = resolveSpec(SPECS[which]);
const baseRssBytes = process.memoryUsage().rss;
const c0 = process.cpuUsage();
const r = explore(setup, { now: () => performance.now(), maxStates });
const c = process.cpuUsage(c0);
process.stdout.write(
  JSON.stringify({
    spec: which,
    states: r.states,
    transitions: r.transitions,
    complete: r.complete,
    seconds: r.seconds,
    cpuSeconds: (c.user + c.system) / 1e6,
    baseRssBytes,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    frontierPeak: r.frontierPeak,
    frontierBytes: r.frontierBytes,
    tableBytes: r.tableBytes,
    // The explorer's worker count, once it has one (issue 15: --workers); one today.
    workers: (r as { workers?: number }).workers ?? 1,
  }) + '\n',
);
