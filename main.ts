// cdktf entry point (cdktf.json runs the compiled dist/infra/main.js): every stack of every
// environment from the validated config. A bad TASKBOARD_* variable exits with its name, not a trace.
import { buildApp } from './stacks/all-stacks';
import { ConfigError, loadConfig } from './stacks/config';

try {
  buildApp(loadConfig(process.env)).app.synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}
