/**
 * @module cli/main: the `lazyswitch` command. The only layer that touches process, files and
 * the terminal. Bad input of any kind prints one clear message and exits with code 2.
 */
import { Command, CommanderError, Option } from 'commander';
import { InputError, UnsupportedError } from '../base/index.ts';
import { runCommand, DEFAULT_DOMAINS } from './run.ts';
import { listCommand } from './list.ts';

const out = (s: string) => process.stdout.write(s + '\n');

export function buildProgram(): Command {
  const program = new Command('lazyswitch')
    .description("An executable model of Xen's schedule()/context_switch() with lazy state switching, checked register by register")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('run')
    .description('run switch designs on simulated SMP machines and compare them')
    .option('--arch <name|file...>', 'architecture(s): a built-in name or a .yaml/.json file (default: x86-64 and ppc64)')
    .option('--pcpus <n>', 'physical cpus', '4')
    .option('--domains <spec>', 'guest domains: PROFILE[*VCPUS][:wWEIGHT][:cCAP],… or DxV', DEFAULT_DOMAINS)
    .option('--design <name...>', 'switch design(s) (default: eager and xen-x86-lazy)')
    .addOption(new Option('--sched <name>', 'scheduler').default('credit'))
    .option('--time <duration>', 'simulated time (e.g. 1s, 250ms)', '1s')
    .option('--seed <n>', 'random seed', '1')
    .option('--json', 'print the result as JSON')
    .option('--no-check', 'turn the checker off (measure only)')
    .action((opts) => runCommand(opts, out));

  program
    .command('list')
    .description('list architectures, switch designs, schedulers and guest profiles')
    .option('--json', 'print as JSON')
    .action((opts) => listCommand(Boolean(opts.json), out));

  return program;
}

export function main(argv: string[]): number {
  const program = buildProgram();
  try {
    program.parse(argv, { from: 'user' });
    return 0;
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

// Run when executed directly (npm start, bin/lazyswitch.mjs), not when imported by tests.
if (import.meta.url === `file://${process.argv[1]}` || process.env.LAZYSWITCH_MAIN === '1') {
  process.exitCode = main(process.argv.slice(2));
}
