import { useState } from 'react';
import { Alert, Badge, Button, CloseButton, Group, Loader, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { AUDIT_ACTIONS, AUDIT_PAGE_SIZE } from '../../../src-shared/contract/org';
import type { AuditAction, AuditFilter } from '../../../src-shared/contract/org';
import { fullName } from '../../../src-shared/profile';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { useFormat } from '../../i18n/format';
import type { Formatters } from '../../i18n/format';
import { errorText } from '../../i18n/messages';
import { downloadExported } from '../import/files';
import { AuditEntries, useAuditPages } from './AuditEntries';
import { ServerProblem } from './ServerOnly';
import { ACTION_LABELS } from './words';

const isAction = (value: string | null): value is AuditAction => value !== null && (AUDIT_ACTIONS as readonly string[]).includes(value);

/** A day (YYYY-MM-DD) as the instant it begins here; `after` days later for an "until (included)". */
function dayStart(day: string, after = 0): string {
  const [year = 0, month = 1, date = 1] = day.split('-').map(Number);
  return new Date(year, month - 1, date + after).toISOString();
}

interface Form {
  who: string;
  action: AuditAction | null;
  /** The period's days as typed, in the console's way of writing a day. */
  from: string;
  to: string;
}

const EMPTY: Form = { who: '', action: null, from: '', to: '' };

type DayProblem = 'invalid' | 'order';

const PERIOD_FIELDS = ['from', 'to'] as const;
const PERIOD_LABELS = { from: 'org.audit.from', to: 'org.audit.to' } as const satisfies Record<(typeof PERIOD_FIELDS)[number], string>;

/** The period's days (YYYY-MM-DD, null when not given) or, for each field, what is wrong with it. */
function periodOf(form: Form, parseDay: Formatters['parseDay']): { from: string | null; to: string | null } | { problems: Partial<Record<'from' | 'to', DayProblem>> } {
  // undefined: typed, but not a day.
  const read = (text: string): string | null | undefined => (text.trim() === '' ? null : (parseDay(text) ?? undefined));
  const from = read(form.from);
  const to = read(form.to);
  const problems: Partial<Record<'from' | 'to', DayProblem>> = {};
  if (from === undefined) problems.from = 'invalid';
  if (to === undefined) problems.to = 'invalid';
  else if (to !== null && typeof from === 'string' && to < from) problems.to = 'order';
  if (from === undefined || to === undefined || problems.to !== undefined) return { problems };
  return { from, to };
}

function filterOf(form: Form, period: { from: string | null; to: string | null }, profileId: string | null): AuditFilter {
  const filter: AuditFilter = {};
  if (form.who.trim() !== '') filter.who = form.who.trim();
  if (form.action !== null) filter.action = form.action;
  if (period.from !== null) filter.from = dayStart(period.from);
  if (period.to !== null) filter.to = dayStart(period.to, 1);
  if (profileId !== null) filter.profileId = profileId;
  return filter;
}

/** The profile a filter names: its name from this console's data when it has it, else its id. */
function ProfileFilter({ id, onClear }: { id: string; onClear: () => void }) {
  const { t } = useTranslation();
  const profile = useApi('profiles:get', { id }, ['profiles']);
  const name = profile.data === undefined ? id : fullName(profile.data);
  return (
    <Badge size="lg" variant="light" rightSection={<CloseButton size="xs" aria-label={t('org.audit.clearProfile')} onClick={onClear} />} data-testid="audit-profile-filter">
      {t('org.audit.profile', { profile: name })}
    </Badge>
  );
}

export function AuditPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const status = useApi('sync:status', {}, ['settings']);
  const [form, setForm] = useState<Form>(EMPTY);
  const [profileId, setProfileId] = useState<string | null>(null);
  const [filter, setFilter] = useState<AuditFilter>({});
  const [dayProblems, setDayProblems] = useState<Partial<Record<'from' | 'to', DayProblem>>>({});
  const filterKey = JSON.stringify(filter);
  const { entries, hasMore, error, busy, more, reload } = useAuditPages((before) => api.invoke('org:audit', { filter, ...(before === undefined ? {} : { before }), limit: AUDIT_PAGE_SIZE }), filterKey);

  const apply = (nextForm: Form, nextProfile: string | null): void => {
    setForm(nextForm);
    setProfileId(nextProfile);
    const period = periodOf(nextForm, format.parseDay);
    if ('problems' in period) {
      setDayProblems(period.problems);
      return;
    }
    setDayProblems({});
    setFilter(filterOf(nextForm, period, nextProfile));
  };
  // The way to write a day, in the reader's letters (dd/mm/yyyy, jj/mm/aaaa …), and today as an example.
  const dayLetters = { day: t('org.audit.dayLetters.day'), month: t('org.audit.dayLetters.month'), year: t('org.audit.dayLetters.year') };
  const dayPattern = format.dayPattern.order.map((part) => dayLetters[part]).join(format.dayPattern.separator);
  const now = new Date();
  const example = format.formatDay(`${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`);
  const dayError = (field: 'from' | 'to'): string | undefined => {
    const problem = dayProblems[field];
    if (problem === undefined) return undefined;
    return problem === 'order' ? t('org.audit.dayOrder') : t('org.audit.dayInvalid', { pattern: dayPattern, example });
  };
  const setDay = (field: 'from' | 'to', value: string): void => {
    setForm({ ...form, [field]: value });
    setDayProblems((shown) => ({ ...shown, [field]: undefined }));
  };
  const organisation = status.data?.organisation?.name ?? '';
  return (
    <Stack>
      <Title order={2}>{t('org.audit.title')}</Title>
      {organisation !== '' && <Text size="sm">{t('org.audit.intro', { organisation })}</Text>}
      <form
        aria-label={t('org.audit.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          apply(form, profileId);
        }}
      >
        <Group align="flex-end" gap="sm">
          <TextInput label={t('org.audit.who')} placeholder={t('org.audit.whoPlaceholder')} value={form.who} w={240} onChange={(e) => setForm({ ...form, who: e.currentTarget.value })} />
          <Select
            label={t('org.audit.action')}
            placeholder={t('org.audit.anyAction')}
            data={AUDIT_ACTIONS.map((action) => ({ value: action, label: t(ACTION_LABELS[action]) }))}
            value={form.action}
            clearable
            searchable
            w={260}
            onChange={(value) => setForm({ ...form, action: isAction(value) ? value : null })}
            data-testid="audit-action-filter"
          />
          {PERIOD_FIELDS.map((field) => (
            <TextInput
              key={field}
              label={t(PERIOD_LABELS[field])}
              placeholder={dayPattern}
              value={form[field]}
              w={140}
              error={dayError(field) !== undefined}
              aria-describedby={dayError(field) === undefined ? undefined : `audit-${field}-problem`}
              onChange={(e) => setDay(field, e.currentTarget.value)}
              data-testid={`audit-${field}`}
            />
          ))}
          <Button type="submit">{t('org.audit.apply')}</Button>
          <Button variant="default" onClick={() => apply(EMPTY, null)}>
            {t('org.audit.clear')}
          </Button>
          <Button
            variant="light"
            onClick={() => {
              void api.invoke('org:auditExport', { filter }).then((r) => {
                if (!r.ok) {
                  notifications.show({ color: 'red', message: errorText(t, r.error) });
                  return;
                }
                downloadExported(r.data);
                notifications.show({ color: 'green', message: t('org.audit.exported', { file: r.data.fileName }) });
              });
            }}
            disabled={error !== undefined}
          >
            {t('org.audit.export')}
          </Button>
        </Group>
        {/* Said under the row, so that the fields stay in line. */}
        {PERIOD_FIELDS.map((field) => {
          const problem = dayError(field);
          return problem === undefined ? null : (
            <Text key={field} id={`audit-${field}-problem`} size="sm" c="red" mt={4} role="alert">
              {t('org.audit.dayProblem', { field: t(PERIOD_LABELS[field]), problem })}
            </Text>
          );
        })}
      </form>
      {profileId !== null && (
        <Group>
          <ProfileFilter id={profileId} onClear={() => apply(form, null)} />
        </Group>
      )}
      {error !== undefined ? (
        <ServerProblem error={error} onRetry={reload} />
      ) : entries === null ? (
        <Loader />
      ) : entries.length === 0 ? (
        <Alert color="gray" maw={720} data-testid="audit-none">
          {t('org.audit.none')}
        </Alert>
      ) : (
        <>
          <Text size="sm" c="dimmed" aria-live="polite">
            {t('org.audit.shown', { count: entries.length, n: format.number(entries.length) })}
          </Text>
          <AuditEntries entries={entries} testId="audit-log" onProfile={(id) => apply(form, id)} />
          {hasMore && (
            <Group>
              <Button variant="default" loading={busy} onClick={more}>
                {t('org.audit.more')}
              </Button>
            </Group>
          )}
        </>
      )}
    </Stack>
  );
}
