/**
 * Kept for modules that still import the error family from here: see src/errors.ts.
 */
export { UsageError, RuntimeError, UserError, exitCodeFor, reportFatal } from '../errors.js';
