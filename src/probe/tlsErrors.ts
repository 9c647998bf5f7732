// Node's and OpenSSL's error codes for a TLS handshake the client refused (certificate, name, protocol),
// as opposed to a peer that could not be reached: the two are different causes (`tls_error`, `unreachable`).
const TLS_ERROR_CODE = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH|ERR_OSSL_)/;

export function isTlsErrorCode(code: string | undefined): boolean {
  return code !== undefined && TLS_ERROR_CODE.test(code);
}
