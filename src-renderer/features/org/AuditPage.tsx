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
import { errorText } from '../../i18n/messages';
import { downloadExported } from '../import/files';
import { AuditEntries, useAuditPages } from './AuditEntries';
import { ServerProblem } from './ServerOnly';
import { ACTION_LABELS } from './words';

const isAction = (value: string | null): value is AuditAction => value !== null && (AUDIT_ACTIONS as readonly string[]).includes(value);

/** A day picked in the form (YYYY-MM-DD) as the instant it begins here; `after` days later for an "until (included)". */
function dayStart(day: string, after = 0): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (match === null) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + after);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

interface Form {
  who: string;
  action: AuditAction | null;
  from: string;
  to: string;
}

const EMPTY: Form = { who: '', action: null, from: '', to: '' };

function filterOf(form: Form, profileId: string | null): AuditFilter {
  const filter: AuditFilter = {};
  if (form.who.trim() !== '') filter.who = form.who.trim();
  if (form.action !== null) filter.action = form.action;
  const from = dayStart(form.from);
  const to = dayStart(form.to, 1);
  if (from !== undefined) filter.from = from;
  if (to !== undefined) filter.to = to;
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
  const filterKey = JSON.stringify(filter);
  const { entries, hasMore, error, busy, more, reload } = useAuditPages((before) => api.invoke('org:audit', { filter, ...(before === undefined ? {} : { before }), limit: AUDIT_PAGE_SIZE }), filterKey);

  const apply = (nextForm: Form, nextProfile: string | null): void => {
    setForm(nextForm);
    setProfileId(nextProfile);
    setFilter(filterOf(nextForm, nextProfile));
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
          <TextInput label={t('org.audit.from')} type="date" value={form.from} w={160} onChange={(e) => setForm({ ...form, from: e.currentTarget.value })} />
          <TextInput label={t('org.audit.to')} type="date" value={form.to} w={160} onChange={(e) => setForm({ ...form, to: e.currentTarget.value })} />
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
