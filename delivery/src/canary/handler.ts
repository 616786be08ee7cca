import { synthetics } from '@aws/synthetics-playwright';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describeResult } from '../smoke/journey';
import { type CanaryCredentials, runBrowserJourney } from './journey';

/** Environment the canary construct sets (stacks/constructs/synthetics-canary.ts). */
export const CANARY_ENV = { url: 'CANARY_URL', secretId: 'CANARY_SECRET_ID' } as const;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`canary: environment variable ${name} is not set`);
  return value;
}

/** The canary user's secret: `{"username": <email>, "password": …}` (a generated-secret construct). */
export function parseCredentials(secret: string | undefined, secretId: string): CanaryCredentials {
  const parsed = JSON.parse(secret ?? 'null') as { username?: unknown; password?: unknown } | null;
  if (typeof parsed?.username !== 'string' || typeof parsed.password !== 'string')
    throw new Error(`canary: secret ${secretId} must be JSON {"username": …, "password": …}`);
  return { email: parsed.username, password: parsed.password };
}

/**
 * The Synthetics entry point (`canary.handler`): reads the canary user from Secrets Manager, runs
 * the browser journey in the runtime's Chromium, one Synthetics step per journey step. A failed
 * step fails the run, which is what the SuccessPercent alarm counts.
 */
export async function handler(): Promise<string> {
  const url = required(CANARY_ENV.url);
  const secretId = required(CANARY_ENV.secretId);
  const secret = await new SecretsManagerClient().send(new GetSecretValueCommand({ SecretId: secretId }));
  const credentials = parseCredentials(secret.SecretString, secretId);
  const browser = await synthetics.launch();
  try {
    const page = await synthetics.newPage(browser);
    const result = await runBrowserJourney(page, url, credentials, {
      wrapStep: (step, run) => synthetics.executeStep(step, run),
    });
    const line = describeResult(result, 'canary');
    if (!result.ok) throw new Error(line);
    return line;
  } finally {
    await synthetics.close();
  }
}
