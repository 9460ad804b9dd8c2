import { ruleError } from '../../../src-shared/errors';
import { rule } from '../../../src-shared/messages';
import { isAttributeField, KIND_OF } from '../../../src-shared/attributes';
import type { AttributeField } from '../../../src-shared/attributes';
import { AttributeResolver, attributeValues, EntryMatcher, missingRequired, resolveRowAttributes, valueKey } from '../../../src-import/attributes';
import type { AttributeContext } from '../../../src-import/attributes';
import type { CellIssue, ImportRow } from '../../../src-shared/import';
import { englishText } from '../../../src-shared/messages';
import type { ImportContext } from './context';
import type { Session } from './sessions';

/**
 * The attribute columns of an open import against the replica's catalogues
 * and rules (src-import/attributes.ts does the work): resolved again whenever
 * the rows are checked, a value is mapped, and before every comparison and
 * commit, so a catalogue or a rule changed meanwhile is taken into account.
 */

export function attributeContext(ctx: ImportContext, s: Session): AttributeContext {
  return { mapping: s.analysis.mapping, choices: s.attributeChoices, remembered: s.rememberedAttributeChoices, matcher: new EntryMatcher(ctx.replica.catalogues.list()), rules: ctx.replica.catalogues.rules() };
}

/** Every row's attribute cells resolved, and the distinct values listed for the value step. */
export function resolveAttributes(ctx: ImportContext, s: Session): void {
  const a = attributeContext(ctx, s);
  const resolver = new AttributeResolver(a);
  for (const row of s.analysis.rows) resolveRowAttributes(row, a, resolver);
  s.attributeValues = attributeValues(s.analysis.rows, a, resolver);
}

/** The value step: what one distinct value of an attribute column stands for (an entry of that attribute's catalogue, or none). */
export function chooseAttributeValue(ctx: ImportContext, s: Session, field: AttributeField, value: string, entryId: string | null): void {
  if (entryId !== null) {
    const entry = ctx.replica.catalogues.get(entryId);
    if (entry?.kind !== KIND_OF[field]) throw ruleError('VALIDATION_FAILED', rule('entry_unknown', { field, value: entryId }));
  }
  s.attributeChoices = { ...s.attributeChoices, [field]: { ...s.attributeChoices[field], [valueKey(value)]: entryId } };
  resolveAttributes(ctx, s);
  s.diffed = false;
}

const REQUIRED_CODE = 'required';

const requiredAttribute = (i: CellIssue): boolean => i.code === REQUIRED_CODE && i.field !== null && isAttributeField(i.field);

/** Takes off what checkRequiredOnNew said of the row (before it is compared again). */
export function clearRequired(row: ImportRow): void {
  if (row.issues.some(requiredAttribute)) row.issues = row.issues.filter((i) => !requiredAttribute(i));
}

/** After the comparison: a row that would create a profile lacking an attribute the organisation requires (the rules ran) is an error on that attribute. */
export function checkRequiredOnNew(row: ImportRow, required: readonly AttributeField[]): void {
  if (row.status !== 'new' || required.length === 0) return;
  const missing = missingRequired(row, required);
  if (missing.length === 0) return;
  for (const field of missing) {
    const found = rule('required', { field });
    row.issues.push({ field, column: null, severity: 'error', code: REQUIRED_CODE, message: englishText(found), rule: found });
  }
  row.status = 'invalid';
}
