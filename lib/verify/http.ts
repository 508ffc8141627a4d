// The API as the checks call it: plain HTTP(S) requests with exactly the headers a check sets (node:http, not fetch,
// so that a check can leave out User-Agent or send its own Origin), answers parsed as JSON when they are.
import * as http from 'http';
import * as https from 'https';

export interface ApiAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  readonly json?: any;
  readonly text: string;
  /** `x-request-id` (the API's request id, also in its audit line), when the API answered. */
  readonly requestId?: string;
  /** The `error` code of a JSON error body. */
  readonly error?: string;
}

export interface RequestOptions {
  readonly headers?: { [name: string]: string };
  /** A JSON body (sets content-type) or a raw string. */
  readonly body?: unknown;
  /** Leave out the default User-Agent. */
  readonly noUserAgent?: boolean;
  readonly timeoutMs?: number;
}

export const USER_AGENT = 'cognito-auth-api-verify';

/** One HTTP request; never throws for an HTTP status, only for a network failure (with the URL in the message). */
export function request(method: string, url: string, o: RequestOptions = {}): Promise<ApiAnswer> {
  const u = new URL(url);
  const headers: { [name: string]: string } = {};
  if (!o.noUserAgent) headers['user-agent'] = USER_AGENT;
  let body: Buffer | undefined;
  if (o.body !== undefined) {
    body = Buffer.from(typeof o.body === 'string' ? o.body : JSON.stringify(o.body));
    headers['content-type'] = 'application/json';
  }
  Object.assign(headers, o.headers ?? {});
  if (body) headers['content-length'] = String(body.length);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(u, { method, headers, timeout: o.timeoutMs ?? 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf-8');
        let json: any;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        const rid = res.headers['x-request-id'];
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          json,
          text,
          requestId: Array.isArray(rid) ? rid[0] : rid,
          error: json && typeof json === 'object' && typeof json.error === 'string' ? json.error : undefined,
        });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer within ${o.timeoutMs ?? 30_000} ms`)));
    req.on('error', (e) => reject(new Error(`${method} ${u.origin}${u.pathname}: ${e.message}`)));
    if (body) req.write(body);
    req.end();
  });
}

/** The API under a base URL, with a one-line description of each answer for evidence. */
export class Api {
  constructor(public readonly baseUrl: string) {}

  call(method: string, path: string, o: RequestOptions = {}): Promise<ApiAnswer> {
    return request(method, `${this.baseUrl}${path}`, o);
  }

  /** Bearer-token call. */
  authed(method: string, path: string, token: string, body?: unknown, headers: { [k: string]: string } = {}): Promise<ApiAnswer> {
    return this.call(method, path, { body, headers: { authorization: `Bearer ${token}`, ...headers } });
  }
}

/** `POST /auth/login -> 200` or `-> 401 invalid_credentials`: what evidence lines say about an answer. */
export function describe(method: string, path: string, a: ApiAnswer): string {
  return `${method} ${path} -> ${a.status}${a.error ? ` ${a.error}` : ''}`;
}
