/**
 * @module bench/explore-child: one explorer run in a process of its own, so that its peak RSS is
 * the explorer's and not the benchmark's (whose heap holds the simulator runs before it).
 * `node explore-child.mjs small|default|hotplug3 [MAX_STATES [WORKERS]]` explores explore's SMALL_SPEC,
 * DEFAULT_SPEC or HOTPLUG3_SPEC (xen-x86-lazy, reductions on), stopping after MAX_STATES states when given,
 * with WORKERS worker threads (cli/explore-pool.ts; they need the CLI bundle in LAZYSWITCH_BUNDLE), and
 * prints one JSON line: { spec, states, transitions, complete, seconds (wall, as explore measures
 * it), cpuSeconds (this process, user + system, around the run), baseRssBytes (RSS after the
 * modules loaded, before the run), peakRssBytes (process.resourceUsage().maxRSS at the end) }.
 * bench/run.mjs bundles it beside the benchmark; bench/main.ts spawns it.
 */
import { resolveSpec, SMALL_SPEC, DEFAULT_SPEC, HOTPLUG3_SPEC } from '../src/explore/index.ts';
import { exploreWithWorkers, workersFor } from '../src/cli/explore-pool.ts';

const which = process.argv[2] === 'default' ? 'default' : process.argv[2] === 'hotplug3' ? 'hotplug3' : 'small';
const SPECS = { small: SMALL_SPEC, default: DEFAULT_SPEC, hotplug3: HOTPLUG3_SPEC };
const maxStates = process.argv[3] ? Number(process.argv[3]) : undefined;
const setup = resolveSpec(SPECS[which]);
const workers = workersFor(setup, process.argv[4] ? Number(process.argv[4]) : 1).workers;
const baseRssBytes = process.memoryUsage().rss;
// The whole process's CPU time: with workers, every thread's.
const c0 = process.cpuUsage();
const r = await exploreWithWorkers(setup, { now: () => performance.now(), maxStates }, workers);
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
    // The worker threads that expanded states (1: the search in this thread alone).
    workers,
  }) + '\n',
);
