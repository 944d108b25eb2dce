export { credit } from './credit.ts';
