/** Service and region from a SigV4 credential scope: `AKID/date/region/service/aws4_request`. */
export interface CredentialScope {
  accessKeyId: string;
  region: string;
  service: string;
}

const CREDENTIAL_PATTERN =
  /Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/;

/**
 * Reads the scope from the `Authorization` header, or from `X-Amz-Credential` of a presigned
 * URL. The signature is not verified: any credentials are accepted.
 */
export function parseCredentialScope(
  authorization: string | undefined,
  query: URLSearchParams,
): CredentialScope | undefined {
  const source =
    authorization ??
    (query.get('X-Amz-Credential')
      ? `Credential=${query.get('X-Amz-Credential')}`
      : undefined);
  const match = source && CREDENTIAL_PATTERN.exec(source);
  if (!match) return undefined;
  return { accessKeyId: match[1], region: match[3], service: match[4] };
}
