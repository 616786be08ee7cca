import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  TASK_LIMITS,
  TASK_PRIORITIES,
  TASK_SORTS,
  TASK_STATUSES,
  type TaskPriority,
  type TaskSort,
  type TaskStatus,
} from '@taskboard/contracts';
import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateTaskDto {
  @ApiProperty({
    minLength: TASK_LIMITS.titleMin,
    maxLength: TASK_LIMITS.titleMax,
    example: 'Rotate the DB password',
  })
  @Transform(trim)
  @IsString()
  @MinLength(TASK_LIMITS.titleMin, {
    message: `title must be ${TASK_LIMITS.titleMin}-${TASK_LIMITS.titleMax} characters`,
  })
  @MaxLength(TASK_LIMITS.titleMax, {
    message: `title must be ${TASK_LIMITS.titleMin}-${TASK_LIMITS.titleMax} characters`,
  })
  title: string;

  @ApiPropertyOptional({ maxLength: TASK_LIMITS.descriptionMax, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(TASK_LIMITS.descriptionMax)
  description?: string | null;

  @ApiPropertyOptional({ enum: TASK_STATUSES, default: 'TODO' })
  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;

  @ApiPropertyOptional({ enum: TASK_PRIORITIES, default: 'MEDIUM' })
  @IsOptional()
  @IsIn(TASK_PRIORITIES)
  priority?: TaskPriority;

  @ApiPropertyOptional({ format: 'date-time', nullable: true, example: '2026-12-01T09:00:00Z' })
  @ValidateIf((_, v) => v !== null)
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'dueDate must be an ISO 8601 date' })
  dueDate?: string | null;
}

export class UpdateTaskDto extends PartialType(CreateTaskDto) {}

export class ListTasksQuery {
  @ApiPropertyOptional({ enum: TASK_STATUSES })
  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;

  @ApiPropertyOptional({ enum: TASK_PRIORITIES })
  @IsOptional()
  @IsIn(TASK_PRIORITIES)
  priority?: TaskPriority;

  @ApiPropertyOptional({ enum: TASK_SORTS, default: 'created' })
  @IsOptional()
  @IsIn(TASK_SORTS)
  sort?: TaskSort;

  @ApiPropertyOptional({ minimum: 1, maximum: TASK_LIMITS.pageSizeMax, default: TASK_LIMITS.pageSizeDefault })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(TASK_LIMITS.pageSizeMax)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page (nextCursor)' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}
