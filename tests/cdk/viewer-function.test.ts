// Runs the front door's real CloudFront Function file (lib/functions/viewer-ip.js) in Node against viewer-request
// events shaped as the CloudFront Functions event structure documents (lower-case header names, { value } objects,
// event.viewer.ip): https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import { VIEWER_IP_FUNCTION_FILE, VIEWER_IP_HEADER } from '../../lib/front-door';

const code = fs.readFileSync(VIEWER_IP_FUNCTION_FILE, 'utf-8');
// The file is a CloudFront Function, not a module: evaluate it as CloudFront does and take its `handler`.
const handler = vm.runInNewContext(`${code}\n;handler`, {}, { filename: VIEWER_IP_FUNCTION_FILE }) as (e: unknown) => any;

function event(ip: string, headers: Record<string, { value: string; multiValue?: { value: string }[] }> = {}) {
  return {
    version: '1.0',
    context: { eventType: 'viewer-request', distributionId: 'EDFDVBD6EXAMPLE', requestId: 'r1' },
    viewer: { ip },
    request: {
      method: 'POST', uri: '/auth/login', querystring: {}, cookies: {},
      headers: { host: { value: 'd111111abcdef8.cloudfront.net' }, 'content-type': { value: 'application/json' }, ...headers },
    },
  };
}

describe('viewer-request CloudFront Function (lib/functions/viewer-ip.js)', () => {
  test('IPv4 viewer: the header carries its address, the rest of the request is unchanged', () => {
    const out = handler(event('203.0.113.9'));
    expect(out.headers[VIEWER_IP_HEADER]).toEqual({ value: '203.0.113.9' });
    expect(out).toMatchObject({ method: 'POST', uri: '/auth/login' });
    expect(out.headers['content-type']).toEqual({ value: 'application/json' });
    expect(out.headers.host).toEqual({ value: 'd111111abcdef8.cloudfront.net' });
  });

  test('IPv6 viewer: the unbracketed address as CloudFront gives it', () => {
    expect(handler(event('2001:db8::1')).headers[VIEWER_IP_HEADER]).toEqual({ value: '2001:db8::1' });
  });

  test('a forged header (even with several values) is overwritten with the real address', () => {
    const forged = event('198.51.100.7', {
      [VIEWER_IP_HEADER]: { value: '10.0.0.1', multiValue: [{ value: '10.0.0.1' }, { value: '10.0.0.2' }] },
    });
    expect(handler(forged).headers[VIEWER_IP_HEADER]).toEqual({ value: '198.51.100.7' });
  });

  test('the header the function writes is the one the Rust router reads', () => {
    const router = fs.readFileSync(path.join(__dirname, '..', '..', 'lambda', 'auth-api', 'src', 'router.rs'), 'utf-8');
    expect(router).toContain(`pub const VIEWER_IP_HEADER: &str = "${VIEWER_IP_HEADER}";`);
    expect(code).toContain(`var VIEWER_IP_HEADER = '${VIEWER_IP_HEADER}';`);
  });
});
