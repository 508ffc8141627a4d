// CloudFront Function (runtime cloudfront-js-2.0, viewer request) of the auth API's front door.
//
// It puts the viewer's address into one request header, `x-viewer-ip`, always replacing whatever the
// client sent under that name, so that the functions behind API Gateway see the user's address and not
// a CloudFront edge's. (The managed origin request policy AllViewerExceptHostHeader forwards viewer
// headers, this one included, but not CloudFront's own generated headers such as CloudFront-Viewer-Address.)
// The functions trust this header only on requests that also carry the origin-verify secret, which only
// CloudFront adds.
//
// event.viewer.ip is "the IP address of the viewer (client) that sent the request"; IPv6 addresses come
// unbracketed: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html
// The file is loaded as-is by lib/front-door.ts and executed in Node by tests/cdk/viewer-function.test.ts.
var VIEWER_IP_HEADER = 'x-viewer-ip';

function handler(event) {
  var request = event.request;
  request.headers[VIEWER_IP_HEADER] = { value: event.viewer.ip };
  return request;
}
