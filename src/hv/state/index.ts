/** @module hv/state: the flat state — its layout (one ArrayBuffer per state), the pcpu and vcpu accessor objects over it, copying it. */
export * from './layout.ts';
export * from './views.ts';
export * from './copy.ts';
