import { useState } from 'react';
import { Alert, Button, Code, PasswordInput, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../../src-shared/errors';
import type { SsoSettings, SsoSettingsChange, SsoTestResult } from '../../../src-shared/sso-wire';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { errorText, fieldErrorText } from '../../i18n/messages';
import { SettingsForm, SettingsPage, useSettingsSave } from './SettingsForm';
import { SsoTestAnswer } from './SsoTestAnswer';

/** The form's values as typed; lists as one line each, separated by spaces or commas. */
interface Draft {
  enabled: boolean;
  issuer: string;
  clientId: string;
  /** Empty: the stored secret stays. */
  clientSecret: string;
  providerName: string;
  scopes: string;
  emailClaim: string;
  departmentClaim: string;
  groupsClaim: string;
  languageClaim: string;
  jitCreation: boolean;
  requireSso: boolean;
  allowedDomains: string;
}

const SECRET_FIELD: keyof SsoSettingsChange = 'clientSecret';
const SSO_TEST_IDS = { readOnly: 'sso-read-only', error: 'sso-settings-error' } as const;

type TextField = Exclude<keyof Draft, 'enabled' | 'jitCreation' | 'requireSso'>;
/** The fields a refusal may name, as the request names them (the channel's own check puts them inside `change`). */
const FIELDS: readonly (keyof SsoSettingsChange)[] = ['enabled', 'issuer', 'clientId', 'clientSecret', 'providerName', 'scopes', 'emailClaim', 'departmentClaim', 'groupsClaim', 'languageClaim', 'jitCreation', 'requireSso', 'allowedDomains'];

const toDraft = (s: SsoSettings): Draft => ({
  enabled: s.enabled,
  issuer: s.issuer,
  clientId: s.clientId,
  clientSecret: '',
  providerName: s.providerName ?? '',
  scopes: s.scopes.join(' '),
  emailClaim: s.emailClaim,
  departmentClaim: s.departmentClaim ?? '',
  groupsClaim: s.groupsClaim ?? '',
  languageClaim: s.languageClaim ?? '',
  jitCreation: s.jitCreation,
  requireSso: s.requireSso,
  allowedDomains: s.allowedDomains.join(', '),
});

const words = (text: string): string[] => text.split(/[\s,]+/).filter((w) => w !== '');
const orNull = (text: string): string | null => (text.trim() === '' ? null : text.trim());

/** The whole configuration, as PUT /sso takes it; the secret only when one was typed. */
const changeOf = (d: Draft): SsoSettingsChange => ({
  enabled: d.enabled,
  issuer: d.issuer.trim(),
  clientId: d.clientId.trim(),
  ...(d.clientSecret === '' ? {} : { clientSecret: d.clientSecret }),
  providerName: orNull(d.providerName),
  scopes: words(d.scopes),
  emailClaim: d.emailClaim.trim(),
  departmentClaim: orNull(d.departmentClaim),
  groupsClaim: orNull(d.groupsClaim),
  languageClaim: orNull(d.languageClaim),
  jitCreation: d.jitCreation,
  requireSso: d.requireSso,
  allowedDomains: words(d.allowedDomains).map((w) => w.toLowerCase()),
});

const LABELS = {
  issuer: 'org.sso.issuer',
  clientId: 'org.sso.clientId',
  clientSecret: 'org.sso.clientSecret',
  providerName: 'org.sso.providerName',
  scopes: 'org.sso.scopes',
  emailClaim: 'org.sso.emailClaim',
  departmentClaim: 'org.sso.departmentClaim',
  groupsClaim: 'org.sso.groupsClaim',
  languageClaim: 'org.sso.languageClaim',
  allowedDomains: 'org.sso.allowedDomains',
} as const satisfies Record<TextField, string>;

function SsoForm({ settings, organisationId, owner, onSaved }: { settings: SsoSettings; organisationId: string | null; owner: boolean; onSaved: (s: SsoSettings) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>(() => toDraft(settings));
  const { busy, error, submit } = useSettingsSave(() => api.invoke('org:saveSso', { change: changeOf(draft) }), t('org.sso.saved'), onSaved);
  const [testing, setTesting] = useState(false);
  const [tested, setTested] = useState<SsoTestResult | null>(null);
  const [testError, setTestError] = useState<ApiError | undefined>(undefined);
  const readOnly = !owner;
  const set = (patch: Partial<Draft>): void => {
    setDraft((d) => ({ ...d, ...patch }));
  };
  const fieldError = (field: string): string | undefined => fieldErrorText(t, error, field) ?? fieldErrorText(t, error, `change.${field}`) ?? undefined;
  /** A list's refusal names its item (`scopes.1`): shown under the list. */
  const listError = (field: 'scopes' | 'allowedDomains'): string | undefined =>
    fieldError(field) ?? words(draft[field]).map((_, i) => fieldError(`${field}.${String(i)}`)).find((m) => m !== undefined);
  const unplaced = error !== undefined && FIELDS.every((f) => (f === 'scopes' || f === 'allowedDomains' ? listError(f) : fieldError(f)) === undefined);
  const text = (field: TextField, extra: { description?: string; required?: boolean } = {}) => (
    <TextInput
      label={t(LABELS[field])}
      value={draft[field]}
      readOnly={readOnly}
      onChange={(e) => set({ [field]: e.currentTarget.value })}
      error={field === 'scopes' || field === 'allowedDomains' ? listError(field) : fieldError(field)}
      autoComplete="off"
      spellCheck={false}
      {...extra}
    />
  );
  const test = (): void => {
    setTesting(true);
    setTested(null);
    setTestError(undefined);
    const issuer = draft.issuer.trim();
    void api.invoke('org:testSso', issuer === '' ? {} : { issuer }).then((r) => {
      setTesting(false);
      if (r.ok) setTested(r.data);
      else setTestError(r.error);
    });
  };
  return (
    <SettingsForm
      owner={owner}
      busy={busy}
      unplaced={unplaced ? error : undefined}
      onSubmit={submit}
      readOnlyText={t('org.sso.readOnly')}
      saveLabel={t('org.sso.save')}
      testIds={SSO_TEST_IDS}
      actions={
        <Button variant="default" loading={testing} onClick={test}>
          {t('org.sso.test')}
        </Button>
      }
      after={
        <>
          {testError !== undefined && (
            <Alert color="red" data-testid="sso-test-error">
              {errorText(t, testError)}
            </Alert>
          )}
          {tested !== null && <SsoTestAnswer result={tested} />}
        </>
      }
    >
      <Stack gap={4}>
        <Text size="sm">{t('org.sso.redirectUri')}</Text>
        <Code data-testid="sso-redirect-uri">{settings.redirectUri}</Code>
        <Text size="xs" c="dimmed">
          {t('org.sso.loopbackHint')}
        </Text>
      </Stack>
      {organisationId !== null && (
        <Stack gap={4}>
          <Text size="sm">{t('org.sso.organisationId')}</Text>
          <Code data-testid="sso-organisation-id">{organisationId}</Code>
        </Stack>
      )}
      <Switch label={t('org.sso.enabled')} checked={draft.enabled} disabled={readOnly} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
      {text('issuer', { required: true, description: t('org.sso.issuerHint') })}
      {text('clientId', { required: true })}
      <PasswordInput
        label={t(LABELS.clientSecret)}
        description={settings.clientSecretSet ? t('org.sso.secretSet') : t('org.sso.secretNotSet')}
        placeholder={settings.clientSecretSet ? t('org.sso.secretChange') : undefined}
        value={draft.clientSecret}
        readOnly={readOnly}
        onChange={(e) => set({ clientSecret: e.currentTarget.value })}
        error={fieldError(SECRET_FIELD)}
        autoComplete="new-password"
        data-testid="sso-client-secret"
      />
      {text('providerName', { description: t('org.sso.providerNameHint') })}
      {text('scopes', { description: t('org.sso.scopesHint') })}
      {text('emailClaim', { required: true })}
      {text('departmentClaim', { description: t('org.sso.claimHint') })}
      {text('groupsClaim', { description: t('org.sso.claimHint') })}
      {text('languageClaim', { description: t('org.sso.claimHint') })}
      <Switch label={t('org.sso.jitCreation')} description={t('org.sso.jitCreationHint')} checked={draft.jitCreation} disabled={readOnly} onChange={(e) => set({ jitCreation: e.currentTarget.checked })} />
      <Switch label={t('org.sso.requireSso')} description={t('org.sso.requireSsoHint')} checked={draft.requireSso} disabled={readOnly} onChange={(e) => set({ requireSso: e.currentTarget.checked })} />
      {text('allowedDomains', { description: t('org.sso.allowedDomainsHint') })}
    </SettingsForm>
  );
}

/** The organisation's OpenID Connect settings on the server (issue 17): the owner edits them and tests the connection; admins and viewers read them. */
export function SsoPage() {
  const { t } = useTranslation();
  const loaded = useApi('org:sso', {}, ['settings']);
  return (
    <SettingsPage loaded={loaded} title={t('org.sso.title')} intro={t('org.sso.intro')}>
      {(shown, organisation, onSaved) => <SsoForm key={JSON.stringify(shown)} settings={shown} organisationId={organisation.id} owner={organisation.owner} onSaved={onSaved} />}
    </SettingsPage>
  );
}
