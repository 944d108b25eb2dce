export { perVcpuStackVolatileEntry } from './per-vcpu-stack-volatile-entry.ts';
