// A typed function for every operation of the route table (generated from cdk/openapi.json): a
// route added to the document appears here after `npm run gen`, with no hand edit.
import { routes, type OperationId } from './generated/routes.js';
import type { RequestOf, ResponseOf } from './http.js';

export interface CallOptions {
  /**
   * The access token to send on a bearer route instead of the session's (the session's is used,
   * refreshed when due, when this is absent).
   */
  token?: string;
}

type BodyRuleOf<Op extends OperationId> = (typeof routes)[Op]['body'];

/** The function for one operation: its body argument is required, optional or absent as the document says. */
export type ApiFunction<Op extends OperationId> = BodyRuleOf<Op> extends 'none'
  ? (options?: CallOptions) => Promise<ResponseOf<Op>>
  : BodyRuleOf<Op> extends 'optional'
    ? (body?: RequestOf<Op>, options?: CallOptions) => Promise<ResponseOf<Op>>
    : (body: RequestOf<Op>, options?: CallOptions) => Promise<ResponseOf<Op>>;

/** Every operation, by operationId: `api.register({ email, password })`, `api.userinfo()`. */
export type Api = { readonly [Op in OperationId]: ApiFunction<Op> };

export type Call = (operation: OperationId, body: unknown, options: CallOptions | undefined) => Promise<unknown>;

export function buildApi(call: Call): Api {
  const api: Record<string, unknown> = {};
  for (const [operation, route] of Object.entries(routes) as [OperationId, (typeof routes)[OperationId]][]) {
    api[operation] =
      route.body === 'none'
        ? (options?: CallOptions) => call(operation, undefined, options)
        : (body?: unknown, options?: CallOptions) => call(operation, body, options);
  }
  return Object.freeze(api) as Api;
}
