export { perVcpuStack } from './per-vcpu-stack.ts';
