import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  type ApiError,
  type AuthResponse,
  type PublicUser,
  TASK_LIMITS,
  TASK_PRIORITIES,
  TASK_STATUSES,
  type Task,
  type TaskPage,
  type TaskPriority,
  type TaskStatus,
} from '@taskboard/contracts';

/*
 * Response shapes for the OpenAPI document only. Each class implements the contract's
 * interface, so the documented schema cannot drift from what the handlers return.
 */

export class PublicUserDoc implements PublicUser {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'ada@example.com' }) email: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class AuthResponseDoc implements AuthResponse {
  @ApiProperty({ description: 'Bearer token for the Authorization header; keep it in memory only' })
  accessToken: string;
  @ApiProperty({
    description: 'Seconds until the access token expires (at most 900)',
    type: 'integer',
    minimum: 1,
    maximum: 900,
    example: 900,
  })
  expiresIn: number;
  @ApiProperty({ type: PublicUserDoc }) user: PublicUserDoc;
}

export class TaskDoc implements Task {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ enum: TASK_STATUSES }) status: TaskStatus;
  @ApiProperty({ enum: TASK_PRIORITIES }) priority: TaskPriority;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) dueDate: string | null;
  @ApiProperty({ format: 'uuid' }) ownerId: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class TaskPageDoc implements TaskPage {
  @ApiProperty({ type: [TaskDoc] }) items: TaskDoc[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as ?cursor= for the next page; null on the last page',
  })
  nextCursor: string | null;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: TASK_LIMITS.pageSizeMax }) limit: number;
}

export class ApiErrorDoc implements ApiError {
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 400 }) statusCode: number;
  @ApiProperty({ example: 'Bad Request' }) error: string;
  @ApiProperty({ example: 'Validation failed' }) message: string;
  @ApiPropertyOptional({
    description: 'Offending input fields and what is wrong with each',
    example: { title: ['title must be 1-200 characters'] },
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
  })
  fields?: Record<string, string[]>;
  @ApiProperty({ description: 'Also in the x-request-id header and the request log line' })
  requestId: string;
}

/** Indicator name → its status plus whatever else it reports (response time, backend, message). */
const indicators = (description: string) =>
  ApiProperty({
    description,
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: { status: { type: 'string', enum: ['up', 'down', 'degraded'] } },
      required: ['status'],
      additionalProperties: true,
    },
  });
type Indicators = Record<string, { status: string }>;

export class HealthLiveDoc {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
}

/** The readiness report (Terminus' shape: probes and operators read its details). */
export class HealthReportDoc {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] }) status: string;
  @indicators('Indicators that are up (or degraded but not required)') info: Indicators;
  @indicators('Indicators that are down') error: Indicators;
  @indicators('Every indicator') details: Indicators;
  @ApiPropertyOptional({ description: 'On a 503 only, as on every error' }) requestId?: string;
}
