import { EMAIL_POLICIES } from '../../../src-shared/profile';
import type { EmailPolicy } from '../../../src-shared/profile';
import { useState } from 'react';
import { Alert, Button, Card, Checkbox, Group, NumberInput, Select, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { ORG_SETTING_RANGES } from '../../../src-shared/contract/org';
import type { OrgSettings, SettingsChange } from '../../../src-shared/contract/org';
import type { ApiError } from '../../../src-shared/errors';
import { isLanguage, LANGUAGES } from '../../../src-shared/languages';
import type { Language } from '../../../src-shared/languages';
import { ATTRIBUTE_FIELDS } from '../../../src-shared/attributes';
import type { AttributeField } from '../../../src-shared/attributes';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { FIELD_KEYS, LANGUAGE_KEYS } from '../../components/values';
import { useFormat } from '../../i18n/format';
import { errorText, fieldErrorText } from '../../i18n/messages';
import { FromServer } from './ServerOnly';
import { UsernameFormatInput, usernameFormatProblem } from './UsernameFormatInput';
import { INVITATION_CHANNELS } from '../../../src-shared/sms';
import type { InvitationChannels } from '../../../src-shared/sms';

const EMAIL_POLICY_KEYS = { required: 'org.settings.emailPolicyOption.required', or_username_phone: 'org.settings.emailPolicyOption.or_username_phone' } as const satisfies Record<EmailPolicy, string>;
const CHANNEL_KEYS = { email: 'org.settings.channel.email', sms: 'org.settings.channel.sms', both: 'org.settings.channel.both' } as const satisfies Record<InvitationChannels, string>;

/** The form's values as typed: numbers may be empty or half-typed until saved. */
interface Draft {
  name: string;
  defaultLanguage: Language;
  invitationLifetimeDays: number | string;
  ios: string;
  android: string;
  web: string;
  inviteOnCreate: boolean;
  defaultPhoneCountry: string;
  invitationsPerHour: number | string;
  auditRetentionDays: number | string;
  requiredAttributes: AttributeField[];
  invitationChannels: InvitationChannels;
  /** Blank: none. */
  usernameFormat: string;
  emailPolicy: EmailPolicy;
}

type NumberField = 'invitationLifetimeDays' | 'invitationsPerHour' | 'auditRetentionDays';
/** The fields a refusal may name, as the server names them (an app link by its path). */
type SettingsField = Exclude<keyof SettingsChange, 'appLinks'> | 'appLinks.ios' | 'appLinks.android' | 'appLinks.web';
const SETTINGS_FIELDS: readonly SettingsField[] = ['name', 'defaultLanguage', 'invitationLifetimeDays', 'appLinks.ios', 'appLinks.android', 'appLinks.web', 'inviteOnCreate', 'defaultPhoneCountry', 'invitationsPerHour', 'auditRetentionDays', 'requiredAttributes', 'invitationChannels', 'usernameFormat', 'emailPolicy'];
/** The numbers saved as they are (the rate limit may also be empty: the server's default). */
const PLAIN_NUMBERS: readonly ('invitationLifetimeDays' | 'auditRetentionDays')[] = ['invitationLifetimeDays', 'auditRetentionDays'];

const toDraft = (s: OrgSettings): Draft => ({
  name: s.name,
  defaultLanguage: s.defaultLanguage,
  invitationLifetimeDays: s.invitationLifetimeDays,
  ios: s.appLinks.ios ?? '',
  android: s.appLinks.android ?? '',
  web: s.appLinks.web ?? '',
  inviteOnCreate: s.inviteOnCreate,
  defaultPhoneCountry: s.defaultPhoneCountry ?? '',
  invitationsPerHour: s.invitationsPerHourIsDefault ? '' : s.invitationsPerHour,
  auditRetentionDays: s.auditRetentionDays,
  requiredAttributes: ATTRIBUTE_FIELDS.filter((f) => s.requiredAttributes.includes(f)),
  invitationChannels: s.invitationChannels,
  usernameFormat: s.usernameFormat ?? '',
  emailPolicy: s.emailPolicy,
});

const whole = (value: number | string): number | null => (typeof value === 'number' && Number.isInteger(value) ? value : null);

/** Only what changed, as the server takes it; or the fields that are not whole numbers. */
function changeOf(saved: OrgSettings, draft: Draft): { change: SettingsChange; notNumbers: NumberField[] } {
  const change: SettingsChange = {};
  const notNumbers: NumberField[] = [];
  const before = toDraft(saved);
  if (draft.name !== before.name) change.name = draft.name;
  if (draft.defaultLanguage !== before.defaultLanguage) change.defaultLanguage = draft.defaultLanguage;
  for (const field of PLAIN_NUMBERS) {
    const value = whole(draft[field]);
    if (value === null) notNumbers.push(field);
    else if (value !== before[field]) change[field] = value;
  }
  if (draft.invitationsPerHour !== before.invitationsPerHour) {
    const value = whole(draft.invitationsPerHour);
    if (draft.invitationsPerHour === '') change.invitationsPerHour = null;
    else if (value === null) notNumbers.push('invitationsPerHour');
    else change.invitationsPerHour = value;
  }
  const links: NonNullable<SettingsChange['appLinks']> = {};
  for (const key of ['ios', 'android', 'web'] as const) if (draft[key].trim() !== before[key]) links[key] = draft[key].trim();
  if (Object.keys(links).length > 0) change.appLinks = links;
  if (draft.inviteOnCreate !== before.inviteOnCreate) change.inviteOnCreate = draft.inviteOnCreate;
  if (draft.invitationChannels !== before.invitationChannels) change.invitationChannels = draft.invitationChannels;
  if (draft.emailPolicy !== before.emailPolicy) change.emailPolicy = draft.emailPolicy;
  const required = ATTRIBUTE_FIELDS.filter((f) => draft.requiredAttributes.includes(f));
  if (required.join() !== before.requiredAttributes.join()) change.requiredAttributes = required;
  const usernameFormat = draft.usernameFormat.trim();
  if (usernameFormat !== before.usernameFormat) change.usernameFormat = usernameFormat === '' ? null : usernameFormat;
  const country = draft.defaultPhoneCountry.trim();
  if (country !== before.defaultPhoneCountry) change.defaultPhoneCountry = country === '' ? null : country;
  return { change, notNumbers };
}

function SettingsForm({ settings, onSaved }: { settings: OrgSettings; onSaved: (s: OrgSettings) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [draft, setDraft] = useState<Draft>(() => toDraft(settings));
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [notNumbers, setNotNumbers] = useState<NumberField[]>([]);
  const [busy, setBusy] = useState(false);
  const readOnly = settings.role !== 'owner';
  const set = (patch: Partial<Draft>): void => {
    setDraft((d) => ({ ...d, ...patch }));
  };
  // The server names a field as it is in its request; the console's own check, inside `change`.
  const fieldError = (field: SettingsField): string | undefined => fieldErrorText(t, error, field) ?? fieldErrorText(t, error, `change.${field}`) ?? undefined;
  const numberError = (field: NumberField): string | undefined => (notNumbers.includes(field) ? t('org.settings.notNumber') : fieldError(field));
  const unplaced = error !== undefined && SETTINGS_FIELDS.every((field) => fieldError(field) === undefined);
  const range = ORG_SETTING_RANGES;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        const { change, notNumbers: bad } = changeOf(settings, draft);
        setNotNumbers(bad);
        setError(undefined);
        if (bad.length > 0 || Object.keys(change).length === 0 || usernameFormatProblem(t, draft.usernameFormat) !== undefined) return;
        setBusy(true);
        void api.invoke('org:saveSettings', { change }).then((r) => {
          setBusy(false);
          if (!r.ok) {
            setError(r.error);
            return;
          }
          notifications.show({ color: 'green', message: t('org.settings.saved') });
          onSaved(r.data);
        });
      }}
    >
      <Stack maw={720} gap="md">
        {readOnly && (
          <Alert color="blue" data-testid="settings-read-only">
            {t('org.settings.readOnly')}
          </Alert>
        )}
        {unplaced && (
          <Alert color="red" data-testid="settings-error" role="alert">
            {errorText(t, error)}
          </Alert>
        )}
        <TextInput label={t('org.settings.name')} value={draft.name} readOnly={readOnly} onChange={(e) => set({ name: e.currentTarget.value })} error={fieldError('name')} />
        <Select
          label={t('org.settings.defaultLanguage')}
          description={t('org.settings.defaultLanguageHint')}
          data={LANGUAGES.map((language) => ({ value: language, label: t(LANGUAGE_KEYS[language]) }))}
          value={draft.defaultLanguage}
          readOnly={readOnly}
          allowDeselect={false}
          onChange={(value) => {
            if (isLanguage(value)) set({ defaultLanguage: value });
          }}
          error={fieldError('defaultLanguage')}
        />
        <NumberInput
          label={t('org.settings.invitationLifetime')}
          description={t('org.settings.rangeDays', { min: format.number(range.invitationLifetimeDays.min), max: format.number(range.invitationLifetimeDays.max) })}
          value={draft.invitationLifetimeDays}
          readOnly={readOnly}
          allowDecimal={false}
          allowNegative={false}
          onChange={(value) => set({ invitationLifetimeDays: value })}
          error={numberError('invitationLifetimeDays')}
          data-testid="invitation-lifetime"
        />
        <Card withBorder>
          <Stack gap="xs">
            <Text fw={500} size="sm">
              {t('org.settings.appLinks')}
            </Text>
            <Text size="xs" c="dimmed">
              {t('org.settings.appLinkHint')}
            </Text>
            <TextInput label={t('org.settings.appIos')} value={draft.ios} readOnly={readOnly} onChange={(e) => set({ ios: e.currentTarget.value })} error={fieldError('appLinks.ios')} />
            <TextInput label={t('org.settings.appAndroid')} value={draft.android} readOnly={readOnly} onChange={(e) => set({ android: e.currentTarget.value })} error={fieldError('appLinks.android')} />
            <TextInput label={t('org.settings.appWeb')} value={draft.web} readOnly={readOnly} onChange={(e) => set({ web: e.currentTarget.value })} error={fieldError('appLinks.web')} />
          </Stack>
        </Card>
        <Switch
          label={t('org.settings.inviteOnCreate')}
          description={t('org.settings.inviteOnCreateHint')}
          checked={draft.inviteOnCreate}
          disabled={readOnly}
          onChange={(e) => set({ inviteOnCreate: e.currentTarget.checked })}
          error={fieldError('inviteOnCreate')}
        />
        <Select
          label={t('org.settings.channels')}
          description={t('org.settings.channelsHint')}
          data={INVITATION_CHANNELS.map((value) => ({ value, label: t(CHANNEL_KEYS[value]) }))}
          value={draft.invitationChannels}
          readOnly={readOnly}
          allowDeselect={false}
          onChange={(value) => {
            const found = INVITATION_CHANNELS.find((c) => c === value);
            if (found !== undefined) set({ invitationChannels: found });
          }}
          error={fieldError('invitationChannels')}
          data-testid="invitation-channels"
        />
        <TextInput
          label={t('org.settings.phoneCountry')}
          description={t('org.settings.phoneCountryHint')}
          value={draft.defaultPhoneCountry}
          readOnly={readOnly}
          maxLength={10}
          w={360}
          onChange={(e) => set({ defaultPhoneCountry: e.currentTarget.value })}
          error={fieldError('defaultPhoneCountry')}
        />
        <Select
          label={t('org.settings.emailPolicy')}
          description={t('org.settings.emailPolicyHint')}
          data={EMAIL_POLICIES.map((value) => ({ value, label: t(EMAIL_POLICY_KEYS[value]) }))}
          value={draft.emailPolicy}
          readOnly={readOnly}
          allowDeselect={false}
          maw={720}
          onChange={(value) => {
            const found = EMAIL_POLICIES.find((p) => p === value);
            if (found !== undefined) set({ emailPolicy: found });
          }}
          error={fieldError('emailPolicy')}
          data-testid="email-policy"
        />
        <UsernameFormatInput value={draft.usernameFormat} readOnly={readOnly} error={fieldError('usernameFormat')} onChange={(usernameFormat) => set({ usernameFormat })} />
        <NumberInput
          label={t('org.settings.rateLimit')}
          description={t('org.settings.rateLimitHint', { min: format.number(range.invitationsPerHour.min), max: format.number(range.invitationsPerHour.max), current: format.number(settings.invitationsPerHour) })}
          value={draft.invitationsPerHour}
          readOnly={readOnly}
          allowDecimal={false}
          allowNegative={false}
          onChange={(value) => set({ invitationsPerHour: value })}
          error={numberError('invitationsPerHour')}
        />
        <NumberInput
          label={t('org.settings.retention')}
          description={t('org.settings.rangeDays', { min: format.number(range.auditRetentionDays.min), max: format.number(range.auditRetentionDays.max) })}
          value={draft.auditRetentionDays}
          readOnly={readOnly}
          allowDecimal={false}
          allowNegative={false}
          onChange={(value) => set({ auditRetentionDays: value })}
          error={numberError('auditRetentionDays')}
        />
        <Checkbox.Group
          label={t('org.settings.requiredAttributes')}
          description={t('org.settings.requiredAttributesHint')}
          value={draft.requiredAttributes}
          onChange={(value) => set({ requiredAttributes: ATTRIBUTE_FIELDS.filter((f) => value.includes(f)) })}
          error={fieldError('requiredAttributes')}
          data-testid="required-attributes"
        >
          <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing="xs">
            {ATTRIBUTE_FIELDS.map((field) => (
              <Checkbox key={field} value={field} label={t(FIELD_KEYS[field])} disabled={readOnly} />
            ))}
          </SimpleGrid>
        </Checkbox.Group>
        {!readOnly && (
          <Group>
            <Button type="submit" loading={busy}>
              {t('org.settings.save')}
            </Button>
            <Button
              variant="default"
              onClick={() => {
                setDraft(toDraft(settings));
                setError(undefined);
                setNotNumbers([]);
              }}
            >
              {t('org.settings.undo')}
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}

export function OrganisationPage() {
  const { t } = useTranslation();
  const loaded = useApi('org:settings', {}, ['settings']);
  const [saved, setSaved] = useState<OrgSettings | null>(null);
  const settings = saved ?? loaded.data;
  return (
    <Stack>
      <Title order={2}>{t('org.settings.title')}</Title>
      {settings !== undefined && <Text size="sm">{t('org.settings.intro', { organisation: settings.name })}</Text>}
      <FromServer loaded={{ data: settings, error: loaded.error, reload: loaded.reload }}>
        {(shown) => <SettingsForm key={JSON.stringify(shown)} settings={shown} onSaved={setSaved} />}
      </FromServer>
    </Stack>
  );
}
