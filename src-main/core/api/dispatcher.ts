import { contract, isChannelName } from '../../../src-shared/contract';
import type { ChannelName, ParsedRequestOf, ResponseOf } from '../../../src-shared/contract';
import { AppError, fail, fieldRulesOf, fieldsOf, ok, ruleError } from '../../../src-shared/errors';
import type { ErrorDetails, Result } from '../../../src-shared/errors';
import { englishText, issueRule, rule } from '../../../src-shared/messages';
import type { z } from 'zod';
import { isDiskFull } from '../storage-errors';

export type Handler<N extends ChannelName> = (args: ParsedRequestOf<N>) => ResponseOf<N> | Promise<ResponseOf<N>>;
export type HandlerMap = { [N in ChannelName]: Handler<N> };
/** Each domain contributes the handlers of its own channels; they are merged into one HandlerMap. */
export type DomainHandlers<N extends ChannelName> = { [K in N]: Handler<K> };

export interface Dispatcher {
  dispatch(name: unknown, args: unknown): Promise<Result<unknown>>;
}

/**
 * A validation error's `fields`, as the shared rule gives them: each issue's
 * path joined with dots (`draft.email`), the whole request as `(request)`;
 * and beside them `fieldRules`, each issue's finding under the same path.
 */
function issueDetails(issues: readonly z.core.$ZodIssue[]): Pick<ErrorDetails, 'fields' | 'fieldRules'> {
  const paths = issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message, rule: issueRule(issue) }));
  return { fields: fieldsOf(paths), fieldRules: fieldRulesOf(paths) };
}

/**
 * The one entry point of the typed API on the main side (Electron IPC and
 * browser host alike): checks the channel name, parses the arguments with the
 * channel's schema, runs the handler, and turns every outcome into a value.
 */
export function createDispatcher(handlers: HandlerMap, log: (message: string, error: unknown) => void = console.error): Dispatcher {
  return {
    async dispatch(name, args) {
      if (!isChannelName(name)) return fail('UNKNOWN_CHANNEL', `There is no channel named ${JSON.stringify(String(name)).slice(0, 80)}.`);
      const parsed = contract[name].request.safeParse(args);
      if (!parsed.success) {
        const found = rule('invalid_arguments', { channel: name });
        return fail('VALIDATION_FAILED', englishText(found), { ...issueDetails(parsed.error.issues), rule: found });
      }
      try {
        const handler = handlers[name] as (a: unknown) => unknown;
        return ok(await handler(parsed.data));
      } catch (error) {
        if (error instanceof AppError) return { ok: false, error: error.toApiError() };
        if (isDiskFull(error)) {
          // Each write is one transaction: it was undone whole, and the next one works once there is room.
          log(`channel ${name} refused: the disk is full`, error);
          return { ok: false, error: ruleError('LIMIT_EXCEEDED', rule('disk_full', {})).toApiError() };
        }
        log(`channel ${name} failed`, error);
        return fail('INTERNAL', 'Something went wrong inside Roster. The details are in the log; nothing was saved.');
      }
    },
  };
}
