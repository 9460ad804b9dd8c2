import { expect } from '@playwright/test';
import type { Page } from '@playwright/test';

/** The server settings page and the status bar. */
export class ServerPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByRole('navigation').getByText('Server', { exact: true }).click();
  }

  async signIn(serverUrl: string, email: string, password: string): Promise<void> {
    await this.submitSignIn(serverUrl, email, password);
    await expect(this.page.getByTestId('connection')).toBeVisible();
  }

  /** Fills the sign-in form and sends it; what comes next (signed in, or the organisation picker) is the caller's to check. */
  async submitSignIn(serverUrl: string, email: string, password: string): Promise<void> {
    await this.open();
    await this.page.getByRole('textbox', { name: 'Server address' }).fill(serverUrl);
    await this.page.getByRole('textbox', { name: 'Email' }).fill(email);
    await this.page.getByRole('textbox', { name: 'Password' }).fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** The organisation picker an admin of several organisations gets after signing in. */
  picker() {
    return this.page.getByRole('dialog', { name: 'Choose the organisation to open' });
  }

  async signOut(): Promise<void> {
    await this.open();
    await this.page.getByTestId('connection').getByRole('button', { name: 'Sign out' }).click();
    await this.page.getByRole('dialog', { name: 'Sign out?' }).getByRole('button', { name: 'Sign out' }).click();
    await expect(this.page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  }
}

export class StatusBar {
  constructor(readonly page: Page) {}

  state() {
    return this.page.getByTestId('sync-state');
  }

  waiting() {
    return this.page.getByTestId('sync-waiting');
  }

  async syncNow(): Promise<void> {
    const button = this.page.getByTestId('status-bar').getByRole('button', { name: 'Sync now' });
    await expect(button).toBeEnabled();
    await button.click();
    await expect(this.state()).not.toHaveText(/^Syncing…/);
  }
}
