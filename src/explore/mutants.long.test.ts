// The mutation suite caught exhaustively (mutants.case.ts): the mutants whose search takes a minute.
import { describe } from 'vitest';
import { LONG_MUTANTS, exploreMutants } from './mutants.case.ts';

describe('the mutation suite, caught exhaustively (the long searches)', () => {
  exploreMutants((name) => LONG_MUTANTS.includes(name));
});
