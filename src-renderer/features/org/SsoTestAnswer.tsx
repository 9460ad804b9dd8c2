import { Alert, Code, Stack, Text } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { SSO_TEST_PROBLEMS, SsoTestResult } from '../../../src-shared/sso-wire';

/** Addresses and the server's message are long unbroken words: they wrap anywhere rather than leave the page. */
const WRAP = { overflowWrap: 'anywhere' } as const;

type Problem = (typeof SSO_TEST_PROBLEMS)[number];

/** What each finding of the server's connection test says, in the reader's language. */
function problemText(t: TFunction, problem: Problem, d: SsoTestResult['details']): string {
  switch (problem) {
    case 'unreachable':
      return t('org.sso.problem.unreachable', { url: d.discoveryUrl, error: d.error ?? '' });
    case 'http_status':
      return t('org.sso.problem.httpStatus', { url: d.discoveryUrl, status: d.status ?? 0 });
    case 'not_json':
      return t('org.sso.problem.notJson', { url: d.discoveryUrl });
    case 'issuer_mismatch':
      return t('org.sso.problem.issuerMismatch', { expected: d.expectedIssuer ?? '', found: d.foundIssuer ?? '' });
    case 'missing_endpoints':
      return t('org.sso.problem.missingEndpoints', { missing: (d.missing ?? []).join(', ') });
    case 'insecure_issuer':
      return t('org.sso.problem.insecureIssuer');
  }
}

/** The server's answer to "Test the connection": its finding worded here, and its own message as it sent it. */
export function SsoTestAnswer({ result }: { result: SsoTestResult }) {
  const { t } = useTranslation();
  return (
    <Alert color={result.ok ? 'green' : 'red'} data-testid="sso-test-result" data-ok={result.ok ? 'true' : 'false'} title={result.ok ? t('org.sso.testOk') : t('org.sso.testFailed')}>
      <Stack gap={6}>
        <Text size="sm" style={WRAP}>
          {result.problem === null ? t('org.sso.problem.none', { url: result.details.discoveryUrl }) : problemText(t, result.problem, result.details)}
        </Text>
        <Text size="xs" c="dimmed">
          {t('org.sso.serverAnswer')}
        </Text>
        <Code block data-testid="sso-test-message" style={{ ...WRAP, whiteSpace: 'pre-wrap' }}>
          {result.message}
        </Code>
      </Stack>
    </Alert>
  );
}
