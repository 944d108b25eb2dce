export { eager } from './eager.ts';
