import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { SignupLink } from '../../../src-shared/signup-wire';
import classes from './SignupSheet.module.css';

/**
 * The sheet to print and pin up: one page per sign-up link, with the
 * organisation's name, the department, the QR code and the address written
 * out. It sits at the end of the document, hidden on screen; printing shows
 * it alone (SignupSheet.module.css).
 */
export function SignupSheet({ organisationName, links }: { organisationName: string; links: readonly SignupLink[] }) {
  const { t } = useTranslation();
  return createPortal(
    <div className={classes.sheet} data-testid="signup-sheet">
      {links.map((link) => (
        <section key={link.department?.id ?? ''} className={classes.page}>
          <h1 className={classes.organisation}>{t('org.signup.sheetTitle', { organisation: organisationName })}</h1>
          {link.department !== null && <h2 className={classes.department}>{link.department.name}</h2>}
          <img className={classes.qr} src={link.qrPngDataUrl} alt={t('org.signup.qrAlt', { name: link.department?.name ?? organisationName })} />
          <p className={classes.how}>{t('org.signup.sheetHow')}</p>
          <p className={classes.url}>{link.url}</p>
        </section>
      ))}
    </div>,
    document.body,
  );
}
