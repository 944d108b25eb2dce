export { fpuEager } from './fpu-eager.ts';
