import { describeLockstepShare } from './lockstep.case.ts';

describeLockstepShare(0, 2);
