export { sel4Rfc18, fpuDisabled, ownsFpu } from './sel4-rfc18.ts';
