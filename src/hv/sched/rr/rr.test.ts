import { runSchedulerConformance } from '../conformance.case.ts';
import { rr } from './rr.ts';

runSchedulerConformance(rr);
