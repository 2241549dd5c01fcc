import { ConnectivityProvider } from './connectivity';
import { referenceOracle } from './reference';

/** The provider the corpus tests run: swap the reference oracle for the fast engine here. */
export const PROVIDER: ConnectivityProvider = referenceOracle;
