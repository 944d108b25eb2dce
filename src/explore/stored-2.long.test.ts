import { describeLockstepShare } from './lockstep.case.ts';

describeLockstepShare(1, 2);
