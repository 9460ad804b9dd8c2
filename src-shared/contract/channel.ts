import type { z } from 'zod';

/**
 * One channel of the typed API: a zod schema for the request (parsed on the
 * main side before any service runs) and the TypeScript type of the response.
 */
export interface ChannelDef<Req extends z.ZodType, Res> {
  readonly request: Req;
  /** Type-level only: never set at run time. */
  readonly response?: Res;
}

export const channel =
  <Res>() =>
  <Req extends z.ZodType>(request: Req): ChannelDef<Req, Res> => ({ request });

