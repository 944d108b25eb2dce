export { ppcNaiveVolatile } from './ppc-naive-volatile.ts';
