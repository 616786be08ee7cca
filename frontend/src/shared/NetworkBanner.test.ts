import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectivity, reportProblem, setRetry } from './connectivity';
import NetworkBanner from './NetworkBanner.vue';

afterEach(() => {
  connectivity.problem = null;
  setRetry(null);
});

describe('NetworkBanner', () => {
  it('is hidden while the API answers', () => {
    expect(mount(NetworkBanner).find('[role="alert"]').exists()).toBe(false);
  });

  it('distinguishes an unreachable API from a failing one', async () => {
    const w = mount(NetworkBanner);
    reportProblem('network');
    await w.vm.$nextTick();
    expect(w.text()).toContain('Cannot reach the server');
    reportProblem('server');
    await w.vm.$nextTick();
    expect(w.text()).toContain('having trouble');
  });

  it('re-runs the registered loader on Retry and stays up if it fails again', async () => {
    const retry = vi.fn(async () => {
      throw new Error('still down');
    });
    setRetry(retry);
    reportProblem('network');
    const w = mount(NetworkBanner);
    await w.find('button').trigger('click');
    await flushPromises();
    expect(retry).toHaveBeenCalledTimes(1);
    expect(w.find('[role="alert"]').exists()).toBe(true);
    expect(w.find('button').attributes('disabled')).toBeUndefined();
  });
});
