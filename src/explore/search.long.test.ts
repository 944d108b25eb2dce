// The search's contract (search.case.ts) on the cases that explore thousands of states four times over.
import { describe } from 'vitest';
import { LONG_CASES, searchCases } from './search.case.ts';

describe('search: the same result whoever expands the records, in whatever order (long cases)', () => {
  searchCases((name) => LONG_CASES.includes(name));
});
