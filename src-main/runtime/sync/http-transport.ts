import type { CatalogueTransport, OneTimePasswordTransport, OrganisationSwitchTransport, RuleTransport, SyncTransport } from '../../core/sync/ports';
import type { OrganisationReader } from '../../core/sync/org-defaults';
import { readAnswer, schemaReader, sendToServer } from '../server-http';
import type { Reader } from '../server-http';
import { catalogueEntrySchema } from '../../../src-shared/attributes';
import {
  API_PREFIX,
  CATALOGUES_PATH,
  SYNC_ENDPOINTS,
  catalogueListSchema,
  cataloguePath,
  checkResponseSchema,
  deleteEntryResponseSchema,
  oneTimePasswordSetSchema,
  pushResponseSchema,
  retryMailPath,
  retryMailResponseSchema,
  signInDetailsQueuedSchema,
  signInResponseSchema,
} from '../../../src-shared/wire';
import type { PullResponse } from '../../../src-shared/wire';
import {
  RULES_ORDER_PATH,
  RULES_PATH,
  RULES_PREVIEW_PATH,
  RULE_APPLIES_PATH,
  deleteRuleResponseSchema,
  ruleApplyListSchema,
  ruleApplySchema,
  ruleListSchema,
  rulePreviewSchema,
  undoApplyResponseSchema,
} from '../../../src-shared/rules-wire';
import { assignmentRuleSchema } from '../../../src-shared/assignment-rules';
import { PullShapeError, readPullResponse } from '../../../src-shared/pull-reader';

export interface HttpTransportOptions {
  /** Per request. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Pull pages carry most of a sync's rows: checked by the hand-written reader that answers what pullResponseSchema answers. */
const pullReader: Reader<PullResponse> = (data) => {
  try {
    return { ok: true, value: readPullResponse(data) };
  } catch (error) {
    if (error instanceof PullShapeError) return { ok: false, problem: error.message };
    throw error;
  }
};

/** The Roster server's sync API over HTTP(S), every answer checked against the shared schemas. */
export function createHttpTransport(options: HttpTransportOptions = {}): SyncTransport & OrganisationSwitchTransport & OrganisationReader & CatalogueTransport & RuleTransport & OneTimePasswordTransport {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const doFetch = options.fetch ?? fetch;

  async function call<T>(serverUrl: string, method: string, path: string, read: Reader<T>, token: string | null, body?: unknown): Promise<T> {
    const response = await sendToServer(doFetch, timeoutMs, { serverUrl, method, path, token, body });
    return readAnswer(response, path, read);
  }

  return {
    signIn: (url, request) => call(url, 'POST', SYNC_ENDPOINTS.signIn.path, schemaReader(signInResponseSchema), null, request),
    organisationDefaults: async (url, token) => {
      const found = await call(url, 'GET', SYNC_ENDPOINTS.organisation.path, schemaReader(SYNC_ENDPOINTS.organisation.response), token);
      return { language: found.defaultLanguage, phoneCountry: found.defaultPhoneCountry, requiredAttributes: found.requiredAttributes, usernameFormat: found.usernameFormat, emailPolicy: found.emailPolicy };
    },
    switchOrganisation: (url, token, organisationId) =>
      call(url, 'POST', SYNC_ENDPOINTS.switchOrganisation.path, schemaReader(signInResponseSchema), token, { organisationId }),
    signOut: async (url, token) => {
      await call(url, 'POST', SYNC_ENDPOINTS.signOut.path, schemaReader(SYNC_ENDPOINTS.signOut.response), token, {});
    },
    push: (url, token, request) => call(url, 'POST', SYNC_ENDPOINTS.push.path, schemaReader(pushResponseSchema), token, request),
    pull: (url, token, cursor, limit) =>
      // This console keeps the catalogues and the assignment rules: the feed carries their entries and rules too.
      call(url, 'GET', `${SYNC_ENDPOINTS.pull.path}?cursor=${encodeURIComponent(cursor)}&limit=${limit}&include=rules`, pullReader, token),
    check: (url, token, cursor) => call(url, 'GET', `${SYNC_ENDPOINTS.check.path}?cursor=${encodeURIComponent(cursor)}`, schemaReader(checkResponseSchema), token),
    retryMail: (url, token, mailId) => call(url, 'POST', retryMailPath(mailId), schemaReader(retryMailResponseSchema), token, {}),
    catalogues: (url, token) => call(url, 'GET', CATALOGUES_PATH, schemaReader(catalogueListSchema), token),
    rules: (url, token) => call(url, 'GET', RULES_PATH, schemaReader(ruleListSchema), token),
    createRule: (url, token, request) => call(url, 'POST', RULES_PATH, schemaReader(assignmentRuleSchema), token, request),
    updateRule: (url, token, id, request) => call(url, 'PATCH', `${RULES_PATH}/${encodeURIComponent(id)}`, schemaReader(assignmentRuleSchema), token, request),
    deleteRule: (url, token, id, baseVersion) =>
      call(url, 'DELETE', `${RULES_PATH}/${encodeURIComponent(id)}${baseVersion === undefined ? '' : `?baseVersion=${baseVersion}`}`, schemaReader(deleteRuleResponseSchema), token),
    reorderRules: (url, token, ids) => call(url, 'PUT', RULES_ORDER_PATH, schemaReader(ruleListSchema), token, { ids }),
    previewRule: (url, token, request) => call(url, 'POST', RULES_PREVIEW_PATH, schemaReader(rulePreviewSchema), token, request),
    applyRule: (url, token, id, baseVersion) => call(url, 'POST', `${RULES_PATH}/${encodeURIComponent(id)}/apply`, schemaReader(ruleApplySchema), token, { baseVersion }),
    ruleApplies: async (url, token) => (await call(url, 'GET', RULE_APPLIES_PATH, schemaReader(ruleApplyListSchema), token)).applies,
    undoApply: (url, token, id) => call(url, 'POST', `${RULE_APPLIES_PATH}/${encodeURIComponent(id)}/undo`, schemaReader(undoApplyResponseSchema), token, {}),
    setOneTimePassword: (url, token, profileId, password) =>
      call(url, 'PUT', `${API_PREFIX}/profiles/${encodeURIComponent(profileId)}/one-time-password`, schemaReader(oneTimePasswordSetSchema), token, { password }),
    sendSignInDetails: (url, token, profileId) => call(url, 'POST', `${API_PREFIX}/profiles/${encodeURIComponent(profileId)}/sign-in-details`, schemaReader(signInDetailsQueuedSchema), token, {}),
    createEntry: (url, token, request) => call(url, 'POST', CATALOGUES_PATH, schemaReader(catalogueEntrySchema), token, request),
    updateEntry: (url, token, id, request) => call(url, 'PATCH', cataloguePath(id), schemaReader(catalogueEntrySchema), token, request),
    deleteEntry: (url, token, id, query) => {
      const params = new URLSearchParams();
      if (query.baseVersion !== undefined) params.set('baseVersion', String(query.baseVersion));
      if (query.replaceWith !== undefined) params.set('replaceWith', query.replaceWith);
      if (query.removeFromProfiles === true) params.set('removeFromProfiles', 'true');
      const search = params.toString();
      return call(url, 'DELETE', `${cataloguePath(id)}${search === '' ? '' : `?${search}`}`, schemaReader(deleteEntryResponseSchema), token);
    },
  };
}
