export { rr } from './rr.ts';
