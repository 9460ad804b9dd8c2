import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../services/context';
import { MAX_RESULTS, ScimError, URN } from './protocol';
import { schemaResources } from './schemas';
import { scimBase } from './caller';

/** The discovery endpoints (RFC 7644 §4): what this server supports, its resource types and their schemas. */
export function discoveryRoutes(scope: FastifyInstance, ctx: ServerContext): void {
  scope.get('/ServiceProviderConfig', () => ({
    schemas: [URN.serviceProviderConfig],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [{ type: 'oauthbearertoken', name: 'OAuth Bearer Token', description: 'A SCIM token made in Roster (Organisation → SCIM), sent as Authorization: Bearer <token>.', primary: true }],
    meta: { resourceType: 'ServiceProviderConfig', location: `${scimBase(ctx)}/ServiceProviderConfig` },
  }));

  const resourceTypes = () => {
    const base = scimBase(ctx);
    return [
      { schemas: [URN.resourceType], id: 'User', name: 'User', endpoint: '/Users', description: 'Roster profiles', schema: URN.user, schemaExtensions: [{ schema: URN.enterpriseUser, required: false }], meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` } },
      { schemas: [URN.resourceType], id: 'Group', name: 'Group', endpoint: '/Groups', description: 'User groups of the organisation’s catalogue', schema: URN.group, meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/Group` } },
    ];
  };
  const list = (resources: unknown[]) => ({ schemas: [URN.listResponse], totalResults: resources.length, itemsPerPage: resources.length, startIndex: 1, Resources: resources });

  scope.get('/ResourceTypes', () => list(resourceTypes()));
  scope.get<{ Params: { id: string } }>('/ResourceTypes/:id', (request) => {
    const found = resourceTypes().find((r) => r.id === request.params.id);
    if (found === undefined) throw new ScimError(404, `No resource type ${request.params.id}.`);
    return found;
  });
  scope.get('/Schemas', () => list(schemaResources(scimBase(ctx))));
  scope.get<{ Params: { id: string } }>('/Schemas/:id', (request) => {
    const found = schemaResources(scimBase(ctx)).find((r) => r.id === request.params.id);
    if (found === undefined) throw new ScimError(404, `No schema ${request.params.id}.`);
    return found;
  });
}
