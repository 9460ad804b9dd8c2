import { ruleError } from '../../../src-shared/errors';
import type { AppError } from '../../../src-shared/errors';
import { rule } from '../../../src-shared/messages';

/** The worker reached its memory cap: it is ended, nothing of the job is kept, the host goes on. */
export const outOfMemoryError = (limitMb: number): AppError => ruleError('LIMIT_EXCEEDED', rule('import_out_of_memory', { limitMb }), { reason: 'out-of-memory', limitMb });
