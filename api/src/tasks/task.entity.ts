import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus } from '@taskboard/contracts';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'tasks' })
@Index('tasks_owner_created_idx', ['ownerId', 'createdAt', 'id'])
export class TaskEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  // PostgreSQL enums sort in declaration order, which is what "sort by priority" means.
  @Column({ type: 'enum', enum: TASK_STATUSES, enumName: 'task_status', default: 'TODO' })
  status: TaskStatus;

  @Column({ type: 'enum', enum: TASK_PRIORITIES, enumName: 'task_priority', default: 'MEDIUM' })
  priority: TaskPriority;

  @Column({ name: 'due_date', type: 'timestamptz', nullable: true })
  dueDate: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
