// A minimal Lambda custom-runtime loop for the Node baseline (the benchmark execs `node runtime.js`
// under its stub Runtime API): load the handler (init), then poll `invocation/next`, run the
// handler, post its result. Lambda's managed Node.js runtime does the same with its own client;
// this loop does less, so it flatters the baseline, if anything.
// Runtime API: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
'use strict';
const http = require('node:http');
const { handler } = require('./app');

const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const base = '/2018-06-01/runtime/invocation';

function call(method, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, method, path, agent, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

(async () => {
  for (;;) {
    const next = await call('GET', `${base}/next`);
    const id = next.headers['lambda-runtime-aws-request-id'];
    const deadline = Number(next.headers['lambda-runtime-deadline-ms']);
    const context = {
      awsRequestId: id,
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      invokedFunctionArn: next.headers['lambda-runtime-invoked-function-arn'],
      getRemainingTimeInMillis: () => deadline - Date.now(),
      callbackWaitsForEmptyEventLoop: true,
    };
    try {
      const result = await handler(JSON.parse(next.body), context);
      await call('POST', `${base}/${id}/response`, JSON.stringify(result));
    } catch (e) {
      await call('POST', `${base}/${id}/error`, JSON.stringify({ errorType: e.name, errorMessage: e.message }));
    }
  }
})();
