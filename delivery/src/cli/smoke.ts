import { createNodeSmokeHttp } from '../smoke/http-client';
import { describeResult, runJourney } from '../smoke/journey';

/**
 * `make smoke URL=<base url>`: the journey against a deployed (or local) taskboard. Exit 0 on
 * success; 1 with a line naming the failed step; 2 on bad usage.
 */
async function main(): Promise<number> {
  const url = process.argv[2] ?? process.env.SMOKE_URL;
  if (!url) {
    console.error('usage: smoke <base url>   (make smoke URL=https://taskboard.example.com)');
    return 2;
  }
  let http: ReturnType<typeof createNodeSmokeHttp>;
  try {
    http = createNodeSmokeHttp(url);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  try {
    const result = await runJourney(http, {
      onStep: (s) => console.log(`  ${s.ok ? 'ok  ' : 'FAIL'} ${s.step} (${s.ms} ms)`),
    });
    const line = describeResult(result);
    if (result.ok) console.log(line);
    else console.error(line);
    return result.ok ? 0 : 1;
  } finally {
    http.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`smoke: crashed: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
