// The CloudFront Function (cloudfront-js-2.0) that serves the SPA shell for client-side routes.
// Kept as plain ES5-style JavaScript text: it runs in CloudFront's restricted runtime, and the
// stack tests execute this exact text to prove which paths it rewrites.

/** Path CloudFront answers SPA routes with. */
export const SPA_SHELL = '/index.html';

/**
 * Rewrites any path whose last segment has no file extension (`/`, `/tasks/42`, `/login`) to the
 * shell; files (`/assets/app-3f2a.js`, `/favicon.ico`) pass through, so a missing file is still a
 * 403/404 from S3 rather than HTML with status 200. Attached to the S3 behaviours only: unlike a
 * distribution-wide 403/404 -> index.html error response, it never rewrites an API error.
 */
export const SPA_ROUTING_FUNCTION_CODE = `function handler(event) {
  var request = event.request;
  if (!/\\.[^/]*$/.test(request.uri)) {
    request.uri = '${SPA_SHELL}';
  }
  return request;
}
`;
