export { powerGiveupLoadfp, powerFacilities, LOAD_FP, LOAD_VEC } from './power-giveup-loadfp.ts';
