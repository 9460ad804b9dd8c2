import type { ChannelName } from '../../../src-shared/contract';
import type { RuleService } from '../profiles/rules';
import type { DomainHandlers } from './dispatcher';

type RuleChannel = Extract<ChannelName, `rules:${string}`>;

export const ruleHandlers = (rules: RuleService): DomainHandlers<RuleChannel> => ({
  'rules:list': () => rules.list(),
  'rules:save': (input) => rules.save(input),
  'rules:holders': (input) => rules.holders(input.id),
  'rules:delete': (input) => rules.delete(input),
  'rules:reorder': (input) => rules.reorder(input.ids),
  'rules:preview': (input) => rules.preview(input),
  'rules:apply': (input) => rules.apply(input),
  'rules:applies': () => rules.applies(),
  'rules:undo': (input) => rules.undo(input.id),
  'rules:resolve': (input) => rules.resolve(input),
});
