/**
 * Every scenario dry-parsed: Artillery's own validator plus what it would silently skip (no
 * ensure plugin, a processor function that does not exist). The validator is shown to fail on
 * broken scripts, and the configuration to fail fast on bad values.
 */
import { API_PATHS } from '@taskboard/contracts';
import { describe, expect, it } from 'vitest';
import type { ArtilleryScript } from '../src/artillery/script';
import { validateScript } from '../src/artillery/validate';
import { loadtestEnv } from '../src/config/env';
import { plannedSeconds } from '../src/scenarios/helpers';
import { SCENARIOS, scenario } from '../src/scenarios/index';
import { stressSteps } from '../src/scenarios/stress';

const env = loadtestEnv({});

describe('scenarios', () => {
  it('are the six the load-testing guide names', () => {
    expect(Object.keys(SCENARIOS)).toEqual(['smoke', 'baseline', 'stress', 'spike', 'soak', 'journey']);
    expect(() => scenario('nosuch')).toThrow('valid: smoke, baseline, stress, spike, soak, journey');
  });

  for (const s of Object.values(SCENARIOS))
    it(`${s.name} dry-parses`, async () => {
      expect(await validateScript(s.build(env))).toEqual([]);
    });

  it('the validator refuses broken scripts', async () => {
    const good = SCENARIOS.smoke?.build(env) as ArtilleryScript;
    const broken: ArtilleryScript = {
      config: { ...good.config, target: undefined as unknown as string, plugins: {} },
      scenarios: [
        {
          name: 'x',
          flow: [{ function: 'noSuchHook' }, { get: { url: 1 as unknown as string, name: 'x' } }],
        },
      ],
    };
    const problems = await validateScript(broken);
    expect(problems.some((p) => p.startsWith('artillery: '))).toBe(true);
    expect(problems).toContain(
      'config.plugins.ensure is missing: Artillery would skip every threshold silently',
    );
    expect(problems).toContain('scenario "x" calls noSuchHook, which the processor does not export');
  });

  it('rates and target come from the environment; defaults aim at the local API at 100 req/s', () => {
    const baseline = SCENARIOS.baseline?.build(env);
    expect(baseline?.config.target).toBe('http://127.0.0.1:3000');
    expect(baseline?.config.phases.at(-1)).toMatchObject({ arrivalRate: 100, duration: 120 });
    const custom = loadtestEnv({
      LOADTEST_TARGET: 'https://taskboard.example.org',
      LOADTEST_RATE: '40',
      LOADTEST_DURATION: '30',
    });
    expect(SCENARIOS.baseline?.build(custom).config).toMatchObject({
      target: 'https://taskboard.example.org',
    });
    expect(SCENARIOS.baseline?.build(custom).config.phases.at(-1)).toMatchObject({
      arrivalRate: 40,
      duration: 30,
    });
    expect(plannedSeconds(SCENARIOS.baseline?.build(custom) as ArtilleryScript)).toBe(40);
  });

  it('stress climbs in steps from LOADTEST_RATE to LOADTEST_STRESS_MAX_RATE', () => {
    expect(
      stressSteps(
        loadtestEnv({ LOADTEST_RATE: '100', LOADTEST_STRESS_MAX_RATE: '600', LOADTEST_STRESS_STEPS: '6' }),
      ).map((s) => s.rate),
    ).toEqual([100, 200, 300, 400, 500, 600]);
  });

  it('bad configuration fails fast, naming the variable', () => {
    expect(() => loadtestEnv({ LOADTEST_TARGET: 'localhost:3000' })).toThrow(
      /LOADTEST_TARGET: must be an http\(s\) URL/,
    );
    expect(() => loadtestEnv({ LOADTEST_RATE: 'fast' })).toThrow(/LOADTEST_RATE/);
    expect(() => loadtestEnv({ LOADTEST_RATE: '500', LOADTEST_STRESS_MAX_RATE: '400' })).toThrow(
      /LOADTEST_STRESS_MAX_RATE \(400\) must be above LOADTEST_RATE \(500\)/,
    );
  });

  it('the journey is per virtual user: own credentials, token captured from login, refresh by cookie', () => {
    const journey = SCENARIOS.journey?.build(env) as ArtilleryScript;
    const [flow] = journey.scenarios;
    expect(flow?.beforeScenario).toEqual(['setCredentials']);
    const urls = flow?.flow.flatMap((step) =>
      Object.values(step).flatMap((r) => (typeof r === 'object' ? [`${Object.keys(step)[0]} ${r.url}`] : [])),
    );
    expect(urls).toEqual([
      `post ${API_PATHS.register}`,
      `post ${API_PATHS.login}`,
      `post ${API_PATHS.refresh}`,
      `post ${API_PATHS.tasks}`,
      'patch /api/tasks/{{ taskId }}',
      `get ${API_PATHS.tasks}`,
      'patch /api/tasks/{{ taskId }}',
      'delete /api/tasks/{{ taskId }}',
      'get /api/tasks/{{ taskId }}',
    ]);
    expect(JSON.stringify(flow)).toContain('"as":"token"');
  });
});
