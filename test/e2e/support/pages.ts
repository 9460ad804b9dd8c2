import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

/** Page objects: the console as an admin sees it. */
export class ProfilesPage {
  constructor(readonly page: Page) {}

  rows(): Locator {
    return this.page.getByTestId('profile-row');
  }

  row(text: string): Locator {
    return this.rows().filter({ hasText: text });
  }

  async search(text: string): Promise<void> {
    await this.page.getByRole('textbox', { name: 'Search profiles' }).fill(text);
  }

  async openNew(): Promise<NewProfileForm> {
    await this.page.getByRole('button', { name: 'New profile' }).first().click();
    await expect(this.page.getByRole('heading', { name: 'New profile' })).toBeVisible();
    return new NewProfileForm(this.page);
  }

  async goto(): Promise<void> {
    await this.page.getByRole('navigation').getByText('Profiles', { exact: true }).click();
  }
}

export interface ProfileInput {
  firstName?: string;
  lastName?: string;
  email?: string;
  phoneCountryCode?: string;
  phoneNumber?: string;
  externalId?: string;
  tags?: string[];
}

export class NewProfileForm {
  constructor(readonly page: Page) {}

  field(label: string): Locator {
    return this.page.getByRole('textbox', { name: label, exact: true });
  }

  async fill(input: ProfileInput): Promise<void> {
    const text: [keyof ProfileInput, string][] = [
      ['firstName', 'First name'],
      ['lastName', 'Last name'],
      ['email', 'Email'],
      ['phoneCountryCode', 'Phone country code'],
      ['phoneNumber', 'Phone number'],
      ['externalId', 'External ID'],
    ];
    for (const [key, label] of text) {
      const value = input[key];
      if (typeof value === 'string') await this.field(label).fill(value);
    }
    for (const tag of input.tags ?? []) {
      await this.page.getByRole('combobox', { name: 'Tags' }).fill(tag);
      await this.page.getByRole('combobox', { name: 'Tags' }).press('Enter');
    }
  }

  async submit(label = 'Create profile'): Promise<void> {
    await this.page.getByRole('button', { name: label }).click();
  }

  /** The inline message under a field: the element its aria-describedby names as the error. */
  async errorOf(label: string): Promise<Locator> {
    const field = this.field(label);
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    const ids = (await field.getAttribute('aria-describedby')) ?? '';
    const errorId = ids.split(' ').find((id) => id.endsWith('-error'));
    if (errorId === undefined) throw new Error(`${label} has no error message`);
    return this.page.locator(`[id="${errorId}"]`);
  }
}
