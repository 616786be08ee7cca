import { mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeTask } from '../shared/fetch-mock';
import TaskCard from './TaskCard.vue';
import { isOverdue } from './task-rules';

afterEach(() => vi.useRealTimers());

describe('TaskCard', () => {
  it('shows the priority badge and highlights an overdue task', () => {
    const w = mount(TaskCard, {
      props: { task: makeTask({ priority: 'URGENT', dueDate: '2020-01-01T00:00:00.000Z' }) },
    });
    expect(w.find('[data-test="priority"]').text()).toBe('Urgent');
    expect(w.find('[data-test="priority"]').classes()).toContain('p-urgent');
    expect(w.classes()).toContain('overdue');
    expect(w.find('[data-test="due"]').text()).toBe('Overdue · Due 2020-01-01');
  });

  it('is not overdue when done or due today', () => {
    const now = new Date(2026, 5, 10, 18, 0);
    expect(isOverdue({ dueDate: '2026-06-09T00:00:00.000Z', status: 'TODO' }, now)).toBe(true);
    expect(isOverdue({ dueDate: '2026-06-10T00:00:00.000Z', status: 'TODO' }, now)).toBe(false);
    expect(isOverdue({ dueDate: '2026-06-09T00:00:00.000Z', status: 'DONE' }, now)).toBe(false);
    expect(isOverdue({ dueDate: null, status: 'TODO' }, now)).toBe(false);
  });

  it('offers labelled buttons to move to the neighbouring columns only', async () => {
    const w = mount(TaskCard, { props: { task: makeTask({ title: 'Deploy', status: 'IN_PROGRESS' }) } });
    const labels = w.findAll('button').map((b) => b.attributes('aria-label'));
    expect(labels).toContain('Move Deploy to To do');
    expect(labels).toContain('Move Deploy to Done');
    await w.find('button[aria-label="Move Deploy to Done"]').trigger('click');
    expect(w.emitted('move')).toEqual([['DONE']]);

    const first = mount(TaskCard, { props: { task: makeTask({ title: 'New', status: 'TODO' }) } });
    expect(first.findAll('button').map((b) => b.attributes('aria-label'))).not.toContain('Move New to Done');
  });

  it('deletes only on a confirming second click, which expires', async () => {
    vi.useFakeTimers();
    const w = mount(TaskCard, { props: { task: makeTask({ title: 'Old' }) } });
    const del = () => w.find('button.danger');
    await del().trigger('click');
    expect(w.emitted('remove')).toBeUndefined();
    expect(del().attributes('aria-label')).toBe('Confirm delete Old');
    vi.advanceTimersByTime(5000);
    await w.vm.$nextTick();
    expect(del().attributes('aria-label')).toBe('Delete Old');
    await del().trigger('click');
    await del().trigger('click');
    expect(w.emitted('remove')).toHaveLength(1);
  });

  it('carries its id in a drag', async () => {
    const task = makeTask();
    const w = mount(TaskCard, { props: { task } });
    const data = new Map<string, string>();
    const dataTransfer = { setData: (k: string, v: string) => data.set(k, v), effectAllowed: '' };
    await w.trigger('dragstart', { dataTransfer });
    expect(data.get('application/x-taskboard-task')).toBe(task.id);
  });
});
