// A throwaway certificate authority and a server certificate for the simulated API server, so clients
// connect over verified HTTPS exactly as they do to a real cluster (kubectl is Go: it ignores the CN
// and needs the IP in the SANs, a CA flagged as such, and a non-negative serial number).
import { generateKeyPair, randomBytes, sign } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

export interface ClusterCertificates {
  caPem: string;
  certPem: string;
  keyPem: string;
  /** The CA's key: the sandbox also issues client certificates (kubeconfig `client-certificate`). */
  caKeyPem: string;
}

/** A client certificate for user `commonName`, signed by the cluster CA (as `kubeadm` issues kubernetes-admin's). */
export async function issueClientCertificate(certs: ClusterCertificates, commonName: string): Promise<{ certPem: string; keyPem: string }> {
  const keys = await newRsaKeyPair();
  const ca = forge.pki.certificateFromPem(certs.caPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = positiveSerialNumber();
  setValidity(cert);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
  ]);
  signNatively(cert, certs.caKeyPem);
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKeyPem };
}

const HOUR_MS = 3_600_000;
const YEAR_MS = 365 * 24 * HOUR_MS;

/**
 * Key generation runs on libuv's thread pool and signing in native code, so starting a sandbox does not
 * stall the event loop (forge's pure-JS RSA would, by a few hundred ms, and skew every timing in flight).
 */
export async function generateClusterCertificates(): Promise<ClusterCertificates> {
  const [caKeys, serverKeys] = await Promise.all([newRsaKeyPair(), newRsaKeyPair()]);

  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = positiveSerialNumber();
  setValidity(ca);
  const caName = [{ name: 'commonName', value: 'consumer-probe-sandbox-ca' }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  signNatively(ca, caKeys.privateKeyPem);

  const server = forge.pki.createCertificate();
  server.publicKey = serverKeys.publicKey;
  server.serialNumber = positiveSerialNumber();
  setValidity(server);
  server.setSubject([{ name: 'commonName', value: 'kube-apiserver' }]);
  server.setIssuer(caName);
  server.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' }, // 7 = iPAddress
        { type: 2, value: 'localhost' }, // 2 = dNSName
      ],
    },
    { name: 'subjectKeyIdentifier' },
    // Lets verifiers link the certificate to its issuer without guessing by name.
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  signNatively(server, caKeys.privateKeyPem);

  return {
    caPem: forge.pki.certificateToPem(ca),
    certPem: forge.pki.certificateToPem(server),
    keyPem: serverKeys.privateKeyPem,
    caKeyPem: caKeys.privateKeyPem,
  };
}

const generateRsa = promisify(generateKeyPair);

/** forge only builds the certificate structure; node:crypto makes the keys. */
async function newRsaKeyPair() {
  const { publicKey, privateKey } = await generateRsa('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKey: forge.pki.publicKeyFromPem(publicKey), privateKeyPem: privateKey };
}

/** What forge's `cert.sign()` does, with the RSA signature computed by node:crypto. */
function signNatively(cert: forge.pki.Certificate, issuerKeyPem: string): void {
  const oid = forge.pki.oids.sha256WithRSAEncryption!;
  cert.siginfo.algorithmOid = oid;
  cert.signatureOid = oid;
  // getTBSCertificate exists in forge but is missing from its type declarations.
  const tbs = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
  (cert as unknown as { tbsCertificate: unknown }).tbsCertificate = tbs;
  const der = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary');
  cert.signature = sign('sha256', der, issuerKeyPem).toString('binary');
}

/** Go rejects certificates with negative serials; a leading 0x01 byte keeps the DER integer positive. */
function positiveSerialNumber(): string {
  return '01' + randomBytes(15).toString('hex');
}

/** Starts an hour in the past so small clock differences between processes never make it "not yet valid". */
function setValidity(cert: forge.pki.Certificate): void {
  const now = Date.now();
  cert.validity.notBefore = new Date(now - HOUR_MS);
  cert.validity.notAfter = new Date(now + YEAR_MS);
}
