import { NavLink } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Route } from '../../state/ui';
import { useUi } from '../../state/ui';
import { ScrollPage } from '../../components/ScrollPage';
import { AccountPage } from './AccountPage';
import { AdminsPage } from './AdminsPage';
import { AuditPage } from './AuditPage';
import { CataloguesPage } from '../catalogues/CataloguesPage';
import { RulesPage } from '../rules/RulesPage';
import { OrganisationPage } from './OrganisationPage';
import { ScimTokensPage } from './ScimTokensPage';
import { SignupPage } from './SignupPage';
import { ImportSourcesPage } from '../sources/ImportSourcesPage';
import { SsoPage } from './SsoPage';

type OrgPage = Extract<Route['page'], 'admins' | 'organisation' | 'catalogues' | 'rules' | 'scim' | 'sso' | 'signup' | 'importSources' | 'audit' | 'account'>;

const PAGES = [
  { page: 'admins', label: 'org.nav.admins' },
  { page: 'organisation', label: 'org.nav.organisation' },
  { page: 'catalogues', label: 'org.nav.catalogues' },
  { page: 'rules', label: 'org.nav.rules' },
  { page: 'scim', label: 'org.nav.scim' },
  { page: 'sso', label: 'org.nav.sso' },
  { page: 'signup', label: 'org.nav.signup' },
  { page: 'importSources', label: 'org.nav.importSources' },
  { page: 'audit', label: 'org.nav.audit' },
  { page: 'account', label: 'org.nav.account' },
] as const satisfies readonly { page: OrgPage; label: string }[];

/** The Server section's pages in the navigation, under Server. */
export function OrgNavLinks({ section }: { section: string }) {
  const { t } = useTranslation();
  const navigate = useUi((s) => s.navigate);
  return (
    <>
      {PAGES.map(({ page, label }) => (
        <NavLink
          key={page}
          component="button"
          label={t(label)}
          pl="xl"
          active={section === page}
          aria-current={section === page ? 'page' : undefined}
          onClick={() => {
            navigate({ page });
          }}
        />
      ))}
    </>
  );
}

/** The page of the Server section the route names, if it is one of these. */
export function OrgPages({ route }: { route: Route }) {
  const page = orgPage(route);
  return page === null ? null : <ScrollPage>{page}</ScrollPage>;
}

function orgPage(route: Route) {
  switch (route.page) {
    case 'admins':
      return <AdminsPage />;
    case 'organisation':
      return <OrganisationPage />;
    case 'catalogues':
      return <CataloguesPage />;
    case 'rules':
      return <RulesPage />;
    case 'scim':
      return <ScimTokensPage />;
    case 'sso':
      return <SsoPage />;
    case 'signup':
      return <SignupPage />;
    case 'importSources':
      return <ImportSourcesPage />;
    case 'audit':
      return <AuditPage />;
    case 'account':
      return <AccountPage />;
    default:
      return null;
  }
}
