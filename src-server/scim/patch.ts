import { scimPatch, ScimError as PatchError } from 'scim-patch';
import type { ScimPatchOperation, ScimResource } from 'scim-patch';
import { ScimError, URN } from './protocol';
import type { ScimType } from './protocol';

/**
 * PATCH (RFC 7644 §3.5.2) through scim-patch, after reading the request the
 * way identity providers actually write it: `Replace` as `replace`, a
 * `replace` without a path whose value names attributes by path (Entra's
 * `{"name.givenName": …}`, an extension's `urn:…:User:department`), and
 * paths with the core schema's URN in front, a remove that lists the
 * items to take out. String booleans ("False") are
 * read by the User's own parsing afterwards.
 */

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const OPS = ['add', 'replace', 'remove'] as const;
type Op = (typeof OPS)[number];

const SCHEMA_URNS = [URN.user, URN.enterpriseUser, URN.group].map((u) => u.toLowerCase());

const SCIM_TYPES: readonly ScimType[] = ['invalidFilter', 'invalidPath', 'noTarget', 'invalidValue', 'invalidSyntax', 'mutability'];

/** A path without the core schema's URN (`urn:…:core:2.0:User:name.givenName` → `name.givenName`). */
function plainPath(path: string, coreUrn: string): string {
  return path.toLowerCase().startsWith(`${coreUrn.toLowerCase()}:`) ? path.slice(coreUrn.length + 1) : path;
}

/** The operations of a PatchOp body, read as above. */
export function patchOperations(body: unknown, coreUrn: string): ScimPatchOperation[] {
  if (!isRecord(body)) throw new ScimError(400, 'The request body must be a PatchOp JSON object.', 'invalidSyntax');
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === URN.patchOp.toLowerCase())) {
    throw new ScimError(400, `A PATCH body names the schema ${URN.patchOp}.`, 'invalidSyntax');
  }
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'operations');
  const operations = key === undefined ? undefined : body[key];
  if (!Array.isArray(operations) || operations.length === 0) throw new ScimError(400, 'A PATCH body has a non-empty Operations list.', 'invalidSyntax');
  const out: ScimPatchOperation[] = [];
  for (const [i, raw] of operations.entries()) {
    if (!isRecord(raw) || typeof raw.op !== 'string') throw new ScimError(400, `Operations[${i}] has no op.`, 'invalidSyntax');
    const op = raw.op.toLowerCase();
    if (!(OPS as readonly string[]).includes(op)) throw new ScimError(400, `Operations[${i}]: op "${raw.op}" is not add, replace or remove.`, 'invalidSyntax');
    const path = typeof raw.path === 'string' && raw.path.trim() !== '' ? plainPath(raw.path.trim(), coreUrn) : undefined;
    const value: unknown = raw.value;
    if (op === 'remove') {
      if (path === undefined) throw new ScimError(400, `Operations[${i}]: remove needs a path.`, 'noTarget');
      // Entra removes members by listing them: each becomes a remove of the item with that value.
      if (Array.isArray(value) && !path.includes('[') && value.every((v) => isRecord(v) && typeof v.value === 'string')) {
        for (const item of value as Json[]) out.push({ op: 'remove', path: `${path}[value eq ${JSON.stringify(item.value)}]` });
        continue;
      }
      out.push(value === undefined ? { op: 'remove', path } : { op: 'remove', path, value });
      continue;
    }
    if (path !== undefined) {
      out.push({ op: op as Exclude<Op, 'remove'>, path, value });
      continue;
    }
    if (!isRecord(value)) throw new ScimError(400, `Operations[${i}]: without a path, the value is an object of attributes.`, 'invalidValue');
    // Without a path: each attribute the value names by path becomes an operation of its own.
    const whole: Json = {};
    for (const [name, inner] of Object.entries(value)) {
      const lower = name.toLowerCase();
      if (SCHEMA_URNS.includes(lower) || (!name.includes('.') && !name.includes(':'))) whole[name] = inner;
      else out.push({ op: op as Exclude<Op, 'remove'>, path: plainPath(name, coreUrn), value: inner });
    }
    if (Object.keys(whole).length > 0) out.push({ op: op as Exclude<Op, 'remove'>, value: whole });
  }
  return out;
}

/** The resource with the operations applied (a copy); scim-patch's refusals as SCIM errors. */
export function applyPatch(resource: Json, operations: ScimPatchOperation[]): Json {
  const meta = isRecord(resource.meta) ? resource.meta : {};
  const doc: ScimResource & Json = {
    ...resource,
    schemas: Array.isArray(resource.schemas) ? resource.schemas.filter((s): s is string => typeof s === 'string') : [],
    meta: { created: new Date(String(meta.created)), lastModified: new Date(String(meta.lastModified)) },
  };
  try {
    return scimPatch(doc, operations, { mutateDocument: false, treatMissingAsAdd: true });
  } catch (error) {
    if (error instanceof PatchError) {
      const code = error.scimCode;
      const scimType = SCIM_TYPES.find((t) => t === code) ?? 'invalidPath';
      throw new ScimError(400, error.message, scimType);
    }
    throw error;
  }
}
