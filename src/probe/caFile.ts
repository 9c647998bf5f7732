// Reads the file of extra CAs the backend's certificate may chain to (`--backend-ca FILE`, the setting
// `consumerProbe.backendCaFile`). Checked when the options are built, so a wrong file is one clear line
// before anything is sent, not a TLS error in the report later.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describeError, ProbeError } from './errors';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a folder',
};

/**
 * The file's PEM certificates (other text in it, e.g. a private key, is left out). `name` is what the
 * user set (`--backend-ca`, the setting's key), for the error. Throws ProbeError('FILE_UNREADABLE') when the
 * file cannot be read or holds no valid certificate.
 */
export function readCaFile(path: string, name: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new ProbeError('FILE_UNREADABLE', `cannot read ${name} ${path}: ${READ_ERRORS[code] ?? describeError(e)}`);
  }
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) {
    throw new ProbeError('FILE_UNREADABLE', `${name} ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block);
    } catch (e) {
      const which = blocks.length > 1 ? `certificate ${i + 1} in ${path}` : path;
      throw new ProbeError('FILE_UNREADABLE', `${name} ${which} is not a valid PEM certificate: ${describeError(e)}`);
    }
  });
  return blocks.join('\n');
}
