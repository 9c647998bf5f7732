// Credentials in VS Code's SecretStorage (the OS keychain), behind typed accessors so no call site
// spells a key. Nothing here is ever logged.
import type * as vscode from 'vscode';
import type { ProbeSecrets } from './settings';

const KEYS = {
  backendToken: 'consumerProbe.backendToken',
  brokerUsername: 'consumerProbe.brokerUsername',
  brokerPassword: 'consumerProbe.brokerPassword',
} as const;

export class Secrets {
  constructor(private readonly store: vscode.SecretStorage) {}

  async read(): Promise<ProbeSecrets> {
    const [backendToken, brokerUsername, brokerPassword] = await Promise.all([
      this.store.get(KEYS.backendToken),
      this.store.get(KEYS.brokerUsername),
      this.store.get(KEYS.brokerPassword),
    ]);
    return { backendToken, brokerUsername, brokerPassword };
  }

  /** An empty value removes the secret. */
  async set(key: keyof typeof KEYS, value: string): Promise<void> {
    if (value) await this.store.store(KEYS[key], value);
    else await this.store.delete(KEYS[key]);
  }
}
