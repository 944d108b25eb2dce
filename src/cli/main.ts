/**
 * @module cli/main: the `lazyswitch` command. The only layer that touches process, files and
 * the terminal. Bad input of any kind prints one clear message and exits with code 2.
 */
import { Command, CommanderError, Option } from 'commander';
import { InputError, UnsupportedError } from '../base/index.ts';
import { isMainThread, workerData } from 'node:worker_threads';
import { runCommand, DEFAULT_DOMAINS, withTlbPages } from './run.ts';
import { startRunWorker } from './run-pool.ts';
import { startExploreWorker } from './explore-pool.ts';
import { resolveArch } from './args.ts';
import { listCommand } from './list.ts';
import { DEFAULT_BUDGET, explainCommand } from './explain.ts';
import { mutantsCommand } from './mutants.ts';
import { conformanceCommand } from './conformance.ts';
import { replayTraceCommand } from './replay-trace.ts';
import { exploreCommand } from './explore.ts';
import { replayCommand } from './replay.ts';
import { viewCommand } from './view.ts';

const out = (s: string) => process.stdout.write(s + '\n');
// A reader that stops early (`| head`) closes the pipe: stop quietly, as Unix tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

/** The scenario flags `run` and `explain` share. */
function scenarioOptions(cmd: Command): Command {
  return cmd
    .option('--pcpus <n>', 'physical cpus', '4')
    .option('--domains <spec>', 'guest domains: PROFILE[*VCPUS][:wWEIGHT][:cCAP],… or DxV', DEFAULT_DOMAINS)
    .addOption(new Option('--sched <name>', 'scheduler').default('credit'))
    .option('--time <duration>', 'simulated time (e.g. 1s, 250ms)', '1s')
    .option('--seed <n>', 'random seed', '1')
    .option('--contract <generation>', "the scheduler interface: 2005-08 (02bf186308, the seed's), 2006-01-06 (e92cab943b) or 2006-01-07 (1198a6a99f, today's); explain also takes all (the designs × contracts matrix)", '2006-01-07');
}

export function buildProgram(): Command {
  const program = new Command('lazyswitch')
    .description("An executable model of Xen's schedule()/context_switch() with lazy state switching, checked register by register")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)');

  const run = program
    .command('run')
    .description('run switch designs on simulated SMP machines and compare them')
    .option('--arch <name|file...>', 'architecture(s): a built-in name or a .yaml/.json file (default: x86-64 and ppc64)')
    .option('--design <name...>', 'switch design(s) (default: every built-in design not kept broken on purpose)')
    .option('--design-file <file...>', 'your own switch design: a .ts/.js file exporting it as default or `design`')
    .option('--json', 'print the result as JSON')
    .option('--no-check', 'turn the checker off (measure only)')
    .option('--control-rate <n>', 'control operations per second from the first domain: pause + getvcpucontext, setvcpucontext, set_affinity (migration), cpu_down/cpu_up, domain_pause, domain_destroy', '0')
    .option('--perfetto <file>', 'write the timelines as Chrome trace-event JSON (ui.perfetto.dev)')
    .option('--ftrace <file>', 'write the switches as ftrace sched_switch text (one file per run)')
    .option('--report <file>', 'write a self-contained HTML report: table, plots, violations, per-pcpu timelines (its directory is created if missing)')
    .option('--preset <name>', 'fpu: the FP/vector unit designs on every architecture that supports them: cost, traps, exposure, violations')
    .option('--watchdog <duration>', "liveness bound: a pcpu spinning in one wait (flush acknowledgement, vcpu_sleep_sync, a control operation's sync) longer than this is a violation (Xen's watchdog: 5s)", '5s')
    .option('--tlb-pages <n>', "pages a guest re-touches after its page tables are switched in, for the TLB refill estimate (default: each architecture's workingSetPages; 0: a tagged TLB, PCID/ASID)")
    .option('--workers <n>', "worker threads for the design × architecture runs (default: the machine's cores); the output is the same whatever the number");
  scenarioOptions(run).action(async (opts) => {
    process.exitCode = await runCommand(opts, out);
  });

  program
    .command('mutants')
    .description('run the mutation suite: broken variants (real Xen bugs among them) the checker must catch')
    .option('--time <duration>', 'simulated-time budget per mutant', '2s')
    .option('--steps <n>', 'step budget per mutant', '2000000')
    .option('--seed <n>', 'random seed', '1')
    .option('--json', 'print { mutants: [ { name, description, caught, steps, violation, explored: { caught, choices, states, invariant, replay } } ], score }')
    .option('--no-explore', 'only the random driver (without: each mutant also explored exhaustively, with its shortest counterexample)')
    .option('--design-file <file...>', 'your own broken design(s), run as the suite instead of the built-in mutants: the checker must catch each')
    .option('--arch <name|file>', 'with --design-file: the architecture your mutants run on, a built-in name or a .yaml/.json file (default x86-64)')
    .action(async (opts) => {
      process.exitCode = await mutantsCommand(opts, out);
    });

  const explain = program
    .command('explain')
    .description("every design on one architecture: correct or not, cost per exception and per switch (ppc answers the seed's question)")
    .argument('<arch>', 'ppc, x86, or an architecture name or file')
    .option('--json', 'print the table as JSON (with --contract all: { contracts, designs: [ { design, verdicts: { "<contract>": { correct, violation, … } } } ] })')
    .option('--control-rate <n>', 'control operations per second from the first domain (default 0; 2000 with --contract all)')
    .option('--budget <states>', `with --contract all: explorer states per matrix cell (default ${DEFAULT_BUDGET})`)
    .option('--design-file <file...>', 'your own switch design(s), shown beside the built-in ones: a .ts/.js file exporting it as default or `design`');
  scenarioOptions(explain).action((target, opts) => explainCommand(target, opts, out));

  program
    .command('conformance')
    .description("hold a switch design (built-in or your own file) to the checks every built-in design passes")
    .option('--design <name>', 'a built-in design')
    .option('--design-file <file>', 'your own design: a .ts/.js file exporting it as default or `design`')
    .option('--arch <name|file...>', 'architectures (default: every built-in one)')
    .option('--json', 'print the checks as JSON')
    .action(async (opts) => {
      process.exitCode = await conformanceCommand(opts, out);
    });

  program
    .command('list')
    .description('list architectures, switch designs, schedulers and guest profiles')
    .option('--json', 'print as JSON')
    .action((opts) => listCommand(Boolean(opts.json), out));

  program
    .command('view')
    .description('serve the web view on 127.0.0.1: step through context switches and see where every register value lives')
    .option('--port <n>', 'TCP port on 127.0.0.1 (0: any free port)', '8377')
    .option('--static <dir>', 'write the static page (index.html + lazyswitch-view.js) into DIR and exit')
    .action((opts) => viewCommand(opts, out));

  program
    .command('explore')
    .description('explore every interleaving of a small configuration (default: 2 pcpus, 2 vcpus + idle): reductions, bounds, shortest counterexample, replay string; or PCT random runs')
    .option('--design <name>', 'a switch design, a mutant of the mutation suite, or all: every built-in design on the small configuration, one table (default xen-x86-lazy)')
    .option('--design-file <file>', 'your own switch design: a .ts/.js file exporting it as default or `design` (its replay strings name the file and its hash)')
    .option('--arch <name|file>', 'architecture: a built-in name or a .yaml/.json file (default x86-64; a mutant: its own)')
    .option('--config <file>', 'YAML/JSON: { design, arch, sched, pcpus, domains, control, ops, ctl, contract, depth, preemptions, budget }')
    .option('--pcpus <n>', 'physical cpus (default 2)')
    .option('--domains <spec>', 'guest domains (default int*2; a mutant: its own)')
    .option('--sched <name>', 'scheduler (default rr)')
    .option('--no-control', 'do not offer control operations (the --ctl list)')
    .option('--ops <list>', 'guest ops offered: run, hypercall, yield, block, guest-timer, device-irq (default hypercall,yield,block)')
    .option('--ctl <list>', 'control operations offered: getvcpucontext, setvcpucontext, set_affinity, hotplug, domain_pause, domain_destroy (default getvcpucontext; a mutant: the one it needs)')
    .option('--contract <generation>', 'the scheduler interface: 2005-08, 2006-01-06 or 2006-01-07 (default, today\'s)')
    .option('--depth <n>', 'depth bound (choices)')
    .option('--preemptions <k>', 'preemption bound (CHESS)')
    .option('--budget <states|time>', 'state budget (e.g. 500000) or time budget (e.g. 30s, 2m); default 250000, with --design all 100000 a design')
    .option('--json', 'print { design, complete, states, transitions, seconds, statesPerSecond, reductionRatio, violations: [ { invariant, trace, replay } ] }')
    .option('--no-reduction', 'turn symmetry reduction and sleep sets off (the visited set stays)')
    .option('--no-ratio', 'do not measure the reduction ratio (a second run without reductions)')
    .option('--strategy <bfs|pct>', 'bfs: exhaustive, breadth first; pct: probabilistic concurrency testing', 'bfs')
    .option('--runs <n>', 'pct: runs', '1000')
    .option('--seed <n>', 'pct: first seed', '1')
    .option('--steps <n>', 'pct: steps per run (or --depth)', '200')
    .option('--pct-depth <d>', 'pct: bug depth d (d-1 priority change points)', '3')
    .option('--workers <n>', "bfs: worker threads that expand states (default: the machine's cores; rr only, built-in designs and architectures); the output is the same whatever the number")
    .action(async (opts) => {
      process.exitCode = await exploreCommand(opts, out);
    });

  program
    .command('replay')
    .description('reproduce a counterexample from the replay string `explore` printed: the story, the violation')
    .argument('<string>', "the replay string ('lazyswitch/explore design=… | r0 g1:… …')")
    .option('--json', 'print { design, arch, steps, violations, story }')
    .action(async (text, opts) => {
      process.exitCode = await replayCommand(text, opts, out);
    });

  program
    .command('replay-trace')
    .description('replay a real scheduling trace (ftrace, trace-cmd report or trace.dat, perf script, xentrace, Chrome/Perfetto/Fuchsia JSON; gzip too) through the switch designs; exit 1 when a design not kept broken has a violation')
    .argument('<file>', 'the trace file')
    .option('--format <format>', 'auto, ftrace, trace-cmd, trace-cmd-raw, perf, xentrace, trace-dat, chrome-json, lttng or perfetto', 'auto')
    .option('--design <name...>', 'switch design(s), or all (default: the designs run compares: none kept broken, each written for the contract)')
    .option('--arch <name|file...>', 'architecture(s): a built-in name or a .yaml/.json file (default: x86-64 and ppc64)')
    .option('--group <rule|file>', 'tasks into domains: tgid, process, pid, xen, or a YAML/JSON mapping file (default: tgid if traced, else process; xen for xentrace)')
    .option('--profile <comm=profile>', 'guest profile for tasks whose comm matches the glob (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--tsc-hz <n>', 'xentrace: TSC rate in Hz (default: estimated from the trace where it can be)')
    .option('--contract <gen>', 'the scheduler interface: 2005-08, 2006-01-06 or 2006-01-07 (default, today\'s)')
    .option('--design-file <file...>', 'switch design(s) of your own, as run takes them (README: Your own switch design)')
    .option('--json', 'print the result as JSON')
    .option('--perfetto <file>', 'write the timelines as Chrome trace-event JSON (ui.perfetto.dev)')
    .option('--ftrace <file>', 'write the switches as ftrace sched_switch text (one file per run)')
    .option('--watchdog <duration>', 'liveness bound, as run takes it (default 5s)', '5s')
    .action(async (file, opts) => {
      process.exitCode = await replayTraceCommand(file, opts, out);
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; every usage error exits 2 (commander already printed it).
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof InputError || e instanceof UnsupportedError) {
      process.stderr.write(`lazyswitch: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

// A worker thread of `run` (cli/run-pool.ts) serves cells, not a command line.
if (!isMainThread && (workerData as { lazyswitchWorker?: string } | null)?.lazyswitchWorker === 'run') {
  startRunWorker(resolveArch, withTlbPages);
} else if (!isMainThread && (workerData as { lazyswitchWorker?: string } | null)?.lazyswitchWorker === 'explore') {
  // A worker thread of `explore --workers` (cli/explore-pool.ts) expands batches of states.
  startExploreWorker();
} else if (import.meta.url === `file://${process.argv[1]}` || process.env.LAZYSWITCH_MAIN === '1') {
  // Run when executed directly (npm start, bin/lazyswitch.mjs), not when imported by tests.
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
