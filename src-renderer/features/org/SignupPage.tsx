import { useState } from 'react';
import { Alert, Button, Card, Group, Image, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SignupLink, SignupSettings, SignupSettingsChange } from '../../../src-shared/signup-wire';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { fieldErrorText } from '../../i18n/messages';
import { downloadExported } from '../import/files';
import { Copyable } from './Copyable';
import { FromServer } from './ServerOnly';
import { SettingsForm, SettingsPage, useSettingsSave } from './SettingsForm';
import { SignupSheet } from './SignupSheet';

interface Draft {
  enabled: boolean;
  departmentChoice: boolean;
  /** Separated by spaces or commas. */
  allowedDomains: string;
}

const DOMAINS: keyof SignupSettingsChange = 'allowedDomains';
const PNG = { mimeType: 'image/png' } as const;

const domainsOf = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase());

const SIGNUP_TEST_IDS = { readOnly: 'signup-read-only', error: 'signup-error' } as const;

function SignupForm({ settings, owner, onSaved }: { settings: SignupSettings; owner: boolean; onSaved: (s: SignupSettings) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>({ enabled: settings.enabled, departmentChoice: settings.departmentChoice, allowedDomains: settings.allowedDomains.join(', ') });
  const { busy, error, submit } = useSettingsSave(
    () => api.invoke('org:saveSignup', { change: { enabled: draft.enabled, departmentChoice: draft.departmentChoice, allowedDomains: domainsOf(draft.allowedDomains) } }),
    t('org.signup.saved'),
    onSaved,
  );
  const readOnly = !owner;
  const fieldError = (field: string): string | undefined => fieldErrorText(t, error, `change.${field}`) ?? fieldErrorText(t, error, field) ?? undefined;
  const domainsError = fieldError(DOMAINS) ?? domainsOf(draft.allowedDomains).map((_, i) => fieldError(`${DOMAINS}.${String(i)}`)).find((m) => m !== undefined);
  return (
    <SettingsForm
      owner={owner}
      busy={busy}
      unplaced={domainsError === undefined ? error : undefined}
      onSubmit={submit}
      readOnlyText={t('org.signup.readOnly')}
      saveLabel={t('org.signup.save')}
      testIds={SIGNUP_TEST_IDS}
    >
      <Switch label={t('org.signup.enabled')} description={t('org.signup.enabledHint')} checked={draft.enabled} disabled={readOnly} onChange={(e) => setDraft({ ...draft, enabled: e.currentTarget.checked })} />
      <Switch
        label={t('org.signup.departmentChoice')}
        description={t('org.signup.departmentChoiceHint')}
        checked={draft.departmentChoice}
        disabled={readOnly}
        onChange={(e) => setDraft({ ...draft, departmentChoice: e.currentTarget.checked })}
      />
      <TextInput
        label={t('org.signup.allowedDomains')}
        description={t('org.signup.allowedDomainsHint')}
        value={draft.allowedDomains}
        readOnly={readOnly}
        onChange={(e) => setDraft({ ...draft, allowedDomains: e.currentTarget.value })}
        error={domainsError}
        autoComplete="off"
        spellCheck={false}
      />
    </SettingsForm>
  );
}

/** The file name a link's QR code downloads as: the department's name made safe, or the organisation's. */
const qrFileName = (link: SignupLink): string => `roster-sign-up-${(link.department?.name ?? 'organisation').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '') || 'department'}.png`;

function downloadQr(link: SignupLink): void {
  const [, base64 = ''] = link.qrPngDataUrl.split(',', 2);
  downloadExported({ ...PNG, fileName: qrFileName(link), base64 });
}

function LinkCard({ link }: { link: SignupLink }) {
  const { t } = useTranslation();
  const title = link.department === null ? t('org.signup.wholeOrganisation') : link.department.name;
  return (
    <Card withBorder padding="md" data-testid="signup-link">
      <Group align="flex-start" wrap="nowrap">
        <Image src={link.qrPngDataUrl} alt={t('org.signup.qrAlt', { name: title })} w={120} h={120} fit="contain" />
        <Stack gap="xs" style={{ flex: 1, minWidth: 0 }}>
          <Text fw={600}>{title}</Text>
          <Copyable label={t('org.signup.link')} value={link.url} testId="signup-link-url" />
          <Group>
            <Button
              size="xs"
              variant="default"
              onClick={() => {
                downloadQr(link);
              }}
            >
              {t('org.signup.downloadQr')}
            </Button>
          </Group>
        </Stack>
      </Group>
    </Card>
  );
}

function SignupLinks({ organisationName }: { organisationName: string }) {
  const { t } = useTranslation();
  const loaded = useApi('org:signupLinks', {}, ['settings']);
  return (
    <Stack gap="sm">
      <Title order={3} size="h4" mt="lg">
        {t('org.signup.linksTitle')}
      </Title>
      <Text size="sm" maw={720}>
        {t('org.signup.linksIntro')}
      </Text>
      <FromServer loaded={loaded}>
        {(shown) => (
          <Stack gap="sm">
            {!shown.enabled && (
              <Alert color="yellow" data-testid="signup-closed">
                {t('org.signup.closed')}
              </Alert>
            )}
            <Group>
              <Button
                variant="default"
                onClick={() => {
                  window.print();
                }}
                data-testid="signup-print"
              >
                {t('org.signup.print')}
              </Button>
            </Group>
            <SimpleGrid cols={{ base: 1, lg: 2 }} maw={1100}>
              {shown.links.map((link) => (
                <LinkCard key={link.department?.id ?? ''} link={link} />
              ))}
            </SimpleGrid>
            <SignupSheet organisationName={organisationName} links={shown.links} />
          </Stack>
        )}
      </FromServer>
    </Stack>
  );
}

/** Self sign-up (issue 15): the owner opens it and sets its terms; everyone sees the sign-up links and their QR codes, and prints them. */
export function SignupPage() {
  const { t } = useTranslation();
  const loaded = useApi('org:signup', {}, ['settings']);
  return (
    <SettingsPage loaded={loaded} title={t('org.signup.title')} intro={t('org.signup.intro')}>
      {(shown, organisation, onSaved) => (
        <>
          <SignupForm key={JSON.stringify(shown)} settings={shown} owner={organisation.owner} onSaved={onSaved} />
          <SignupLinks key={`${String(shown.enabled)}${shown.updatedAt ?? ''}`} organisationName={organisation.name} />
        </>
      )}
    </SettingsPage>
  );
}
