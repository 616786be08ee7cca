import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type { Task, TaskPage } from '@taskboard/contracts';
import { SqlClient } from '../database/sql-client';
import { AppMetrics } from '../metrics/app-metrics';
import type { CreateTaskDto, ListTasksQuery, UpdateTaskDto } from './dto/task.dto';
import { TaskListCache } from './task-list-cache';
import {
  buildListQuery,
  encodeCursor,
  InvalidCursorError,
  TASK_COLUMNS,
  type TaskRow,
  toTask,
} from './task-queries';

/** Columns a PATCH may set, mapped from DTO fields; nothing else reaches the SQL. */
const UPDATABLE = {
  title: 'title',
  description: 'description',
  status: 'status',
  priority: 'priority',
  dueDate: 'due_date',
} as const;

/** Every query is scoped by owner: another user's task id behaves exactly like a missing one. */
@Injectable()
export class TasksService {
  constructor(
    private readonly sql: SqlClient,
    private readonly listCache: TaskListCache,
    private readonly metrics: AppMetrics,
  ) {}

  list(ownerId: string, query: ListTasksQuery): Promise<TaskPage> {
    let built: ReturnType<typeof buildListQuery>;
    try {
      built = buildListQuery(ownerId, query);
    } catch (err) {
      if (err instanceof InvalidCursorError) {
        throw new BadRequestException({
          message: 'Invalid cursor',
          fields: { cursor: ['is not a cursor from this list'] },
        });
      }
      throw err;
    }
    return this.listCache.read(ownerId, query, async () => {
      const rows = await this.sql.rows<TaskRow>('tasks.list', built.sql, built.params);
      const more = rows.length > built.limit;
      const page = more ? rows.slice(0, built.limit) : rows;
      const last = page[page.length - 1];
      return {
        items: page.map(toTask),
        nextCursor: more && last ? encodeCursor(query.sort ?? 'created', last) : null,
        limit: built.limit,
      };
    });
  }

  async get(ownerId: string, id: string): Promise<Task> {
    const rows = await this.sql.rows<TaskRow>(
      'tasks.get',
      `SELECT ${TASK_COLUMNS} FROM tasks WHERE id = $1 AND owner_id = $2`,
      [id, ownerId],
    );
    if (!rows[0]) throw notFound();
    return toTask(rows[0]);
  }

  async create(ownerId: string, dto: CreateTaskDto): Promise<Task> {
    const rows = await this.sql.rows<TaskRow>(
      'tasks.insert',
      `INSERT INTO tasks (owner_id, title, description, status, priority, due_date)
       VALUES ($1, $2, $3, COALESCE($4::task_status, 'TODO'), COALESCE($5::task_priority, 'MEDIUM'), $6)
       RETURNING ${TASK_COLUMNS}`,
      [
        ownerId,
        dto.title,
        dto.description ?? null,
        dto.status ?? null,
        dto.priority ?? null,
        dto.dueDate ?? null,
      ],
    );
    const task = toTask(rows[0]!);
    this.metrics.tasksCreated.inc();
    if (task.status === 'DONE') this.metrics.tasksCompleted.inc();
    await this.listCache.invalidate(ownerId);
    return task;
  }

  async update(ownerId: string, id: string, dto: UpdateTaskDto): Promise<Task> {
    const params: unknown[] = [id, ownerId];
    const sets: string[] = [];
    for (const [field, column] of Object.entries(UPDATABLE)) {
      const value = dto[field as keyof UpdateTaskDto];
      if (value === undefined) continue;
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    }
    if (sets.length === 0) {
      throw new BadRequestException({
        message: 'Nothing to update',
        fields: { body: ['must set at least one field'] },
      });
    }
    // The CTE reads the previous status under a row lock, so "completed" is counted exactly once.
    const rows = await this.sql.rows<TaskRow & { previous_status: string }>(
      'tasks.update',
      `WITH previous AS (SELECT status FROM tasks WHERE id = $1 AND owner_id = $2 FOR UPDATE)
       UPDATE tasks SET ${sets.join(', ')}, updated_at = now()
       WHERE id = $1 AND owner_id = $2
       RETURNING ${TASK_COLUMNS}, (SELECT status FROM previous) AS previous_status`,
      params,
    );
    const row = rows[0];
    if (!row) throw notFound();
    if (row.status === 'DONE' && row.previous_status !== 'DONE') this.metrics.tasksCompleted.inc();
    await this.listCache.invalidate(ownerId);
    return toTask(row);
  }

  async remove(ownerId: string, id: string): Promise<void> {
    const result = await this.sql.query('tasks.delete', 'DELETE FROM tasks WHERE id = $1 AND owner_id = $2', [
      id,
      ownerId,
    ]);
    if (result.rowCount === 0) throw notFound();
    await this.listCache.invalidate(ownerId);
  }
}

const notFound = () => new NotFoundException('Task not found');
