import { TASK_LIMITS } from '@taskboard/contracts';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeTask, mockFetch, validationError } from '../shared/fetch-mock';
import TaskForm from './TaskForm.vue';
import { useTasksStore } from './tasks.store';

beforeEach(() => setActivePinia(createPinia()));

const mountForm = (props: Record<string, unknown> = {}) =>
  mount(TaskForm, { props, attachTo: document.body });

describe('TaskForm', () => {
  it('refuses an empty or too long title without calling the API', async () => {
    const { fetch } = mockFetch({});
    const w = mountForm();
    await w.find('form').trigger('submit');
    expect(w.find('#task-title-error').text()).toBe(
      `Title must be ${TASK_LIMITS.titleMin}-${TASK_LIMITS.titleMax} characters`,
    );
    expect(w.find('#task-title').attributes('aria-invalid')).toBe('true');
    await w.find('#task-title').setValue('x'.repeat(TASK_LIMITS.titleMax + 1));
    await w.find('form').trigger('submit');
    expect(w.find('#task-title-error').exists()).toBe(true);
    await w.find('#task-title').setValue('   ');
    await w.find('form').trigger('submit');
    expect(w.find('#task-title-error').exists()).toBe(true);
    expect(fetch).not.toHaveBeenCalled();
    w.unmount();
  });

  it('creates a task with the API’s field shapes and closes', async () => {
    const created = makeTask({ title: 'Ship it' });
    const { calls } = mockFetch({ 'POST /api/tasks': { status: 201, body: created } });
    const w = mountForm();
    await w.find('#task-title').setValue('  Ship it ');
    await w.find('#task-priority').setValue('URGENT');
    await w.find('#task-due').setValue('2026-12-01');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(calls[0]?.body).toEqual({
      title: 'Ship it',
      description: null,
      status: 'TODO',
      priority: 'URGENT',
      dueDate: '2026-12-01T00:00:00.000Z',
    });
    expect(useTasksStore().tasks).toEqual([created]);
    expect(w.emitted('close')).toHaveLength(1);
    w.unmount();
  });

  it('shows the API’s validation messages next to their fields, and others above the form', async () => {
    mockFetch({
      'POST /api/tasks': validationError({
        dueDate: ['dueDate must be an ISO 8601 date'],
        extra: ['is not an allowed field'],
      }),
    });
    const w = mountForm();
    await w.find('#task-title').setValue('Valid');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(w.find('#task-dueDate-error').text()).toBe('dueDate must be an ISO 8601 date');
    expect(w.find('#task-due').attributes('aria-describedby')).toBe('task-dueDate-error');
    expect(w.find('[data-test="form-error"]').text()).toBe('is not an allowed field');
    expect(w.emitted('close')).toBeUndefined();
    w.unmount();
  });

  it('edits a task, and explains a 404 when it was deleted elsewhere', async () => {
    const task = makeTask({ title: 'Old', dueDate: '2026-03-04T00:00:00.000Z' });
    mockFetch({
      [`PATCH /api/tasks/${task.id}`]: { status: 404, body: { statusCode: 404, message: 'Task not found' } },
    });
    useTasksStore().tasks = [task];
    const w = mountForm({ task });
    expect((w.find('#task-title').element as HTMLInputElement).value).toBe('Old');
    expect((w.find('#task-due').element as HTMLInputElement).value).toBe('2026-03-04');
    await w.find('#task-title').setValue('New');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(w.find('[data-test="form-error"]').text()).toContain('no longer exists');
    expect(w.find('button[type="submit"]').attributes('disabled')).toBeDefined();
    expect(useTasksStore().tasks).toEqual([]);
    w.unmount();
  });

  it('keeps the input when the API cannot be reached', async () => {
    mockFetch({ 'POST /api/tasks': 'network-error' });
    const w = mountForm();
    await w.find('#task-title').setValue('Important');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(w.find('[data-test="form-error"]').text()).toContain('Cannot reach the server');
    expect((w.find('#task-title').element as HTMLInputElement).value).toBe('Important');
    w.unmount();
  });

  it('keeps Tab focus inside the dialog', async () => {
    const w = mountForm();
    const submit = w.find('button[type="submit"]').element as HTMLButtonElement;
    submit.focus();
    await w.find('[role="dialog"]').trigger('keydown', { key: 'Tab' });
    expect(document.activeElement?.id).toBe('task-title');
    await w.find('[role="dialog"]').trigger('keydown', { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(submit);
    w.unmount();
  });

  it('focuses the title when opened and closes on Escape', async () => {
    const w = mountForm();
    expect(document.activeElement?.id).toBe('task-title');
    await w.find('[role="dialog"]').trigger('keydown', { key: 'Escape' });
    expect(w.emitted('close')).toHaveLength(1);
    w.unmount();
  });
});
