import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  TASK_LIMITS,
  TASK_PRIORITIES,
  TASK_SORTS,
  TASK_STATUSES,
  type TaskPriority,
  type TaskSort,
  type TaskStatus,
} from '@taskboard/contracts';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DescriptionField, DueDateField, EnumField, TitleField } from '../../http/validated-fields';

export class CreateTaskDto {
  @TitleField()
  title: string;

  @DescriptionField()
  description?: string | null;

  @EnumField(TASK_STATUSES, { optional: true, defaultValue: 'TODO' })
  status?: TaskStatus;

  @EnumField(TASK_PRIORITIES, { optional: true, defaultValue: 'MEDIUM' })
  priority?: TaskPriority;

  @DueDateField()
  dueDate?: string | null;
}

/**
 * Every field may be omitted; an explicit null is accepted only where the column is nullable
 * (description, dueDate): `"title": null` is a 400, not a NOT NULL violation.
 */
export class UpdateTaskDto {
  @TitleField({ optional: true })
  title?: string;

  @DescriptionField()
  description?: string | null;

  @EnumField(TASK_STATUSES, { optional: true })
  status?: TaskStatus;

  @EnumField(TASK_PRIORITIES, { optional: true })
  priority?: TaskPriority;

  @DueDateField()
  dueDate?: string | null;
}

export class ListTasksQuery {
  @EnumField(TASK_STATUSES, { optional: true })
  status?: TaskStatus;

  @EnumField(TASK_PRIORITIES, { optional: true })
  priority?: TaskPriority;

  @EnumField(TASK_SORTS, { optional: true, defaultValue: 'created' })
  sort?: TaskSort;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: TASK_LIMITS.pageSizeMax,
    default: TASK_LIMITS.pageSizeDefault,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(TASK_LIMITS.pageSizeMax)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page (nextCursor)', maxLength: 512 })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'is not a cursor from this list' })
  cursor?: string;
}
