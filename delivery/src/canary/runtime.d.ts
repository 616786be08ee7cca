/**
 * The two modules the Synthetics Playwright runtime provides to the canary (the Lambda layer and
 * Node.js 20's AWS SDK v3). They are external to the bundle and absent locally, so only what
 * handler.ts calls is declared here (from the AWS documentation of the runtime's library).
 */
declare module '@aws/synthetics-playwright' {
  import type { Browser, Page } from 'playwright-core';
  export const synthetics: {
    launch(options?: Record<string, unknown>): Promise<Browser>;
    newPage(browser: Browser): Promise<Page>;
    executeStep<T>(name: string, run: () => Promise<T>): Promise<T>;
    close(): Promise<void>;
  };
}

declare module '@aws-sdk/client-secrets-manager' {
  export class SecretsManagerClient {
    send(command: GetSecretValueCommand): Promise<{ SecretString?: string }>;
  }
  export class GetSecretValueCommand {
    constructor(input: { SecretId: string });
  }
}
