export { adaptive, PROMOTE_AFTER, USE_RUN, isEager } from './adaptive.ts';
