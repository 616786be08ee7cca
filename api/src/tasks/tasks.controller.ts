import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Task, TaskPage } from '@taskboard/contracts';
import type { AuthUser } from '../auth/jwt.strategy';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiErrorDoc, TaskDoc, TaskPageDoc } from '../http/openapi.dto';
import {
  ApiBodyRefusals,
  ApiDatabaseUnavailable,
  ApiInvalidInput,
  ApiUnauthenticated,
  BEARER_SCHEME,
} from '../http/openapi.responses';
import { UuidParam } from '../http/uuid-param.pipe';
import { CreateTaskDto, ListTasksQuery, UpdateTaskDto } from './dto/task.dto';
import { TasksService } from './tasks.service';

/** `:id` is validated as a UUID (UuidParam): anything else is a 400, never a 404. */
const ApiTaskId = () => ApiParam({ name: 'id', format: 'uuid', description: 'The task id' });

@ApiTags('tasks')
@ApiBearerAuth(BEARER_SCHEME)
@ApiInvalidInput()
@ApiUnauthenticated()
@ApiDatabaseUnavailable()
@UseGuards(JwtAuthGuard)
@Controller('api/tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  @ApiOperation({
    operationId: 'listTasks',
    summary: "List the caller's tasks (filter, sort, cursor pagination)",
    description:
      "Only the caller's own tasks. Pass the previous page's nextCursor as `cursor` (with the same " +
      'filters and sort) for the next page; unknown query parameters are refused with 400.',
  })
  @ApiResponse({
    status: 200,
    type: TaskPageDoc,
    description: 'One page, newest first unless sorted otherwise',
  })
  list(@CurrentUser() user: AuthUser, @Query() query: ListTasksQuery): Promise<TaskPage> {
    return this.tasks.list(user.id, query);
  }

  @Post()
  @ApiOperation({
    operationId: 'createTask',
    summary: 'Create a task',
    description: 'The caller owns the new task. Unknown fields are refused with 400.',
  })
  @ApiResponse({ status: 201, type: TaskDoc, description: 'Created' })
  @ApiBodyRefusals()
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateTaskDto): Promise<Task> {
    return this.tasks.create(user.id, dto);
  }

  @Get(':id')
  @ApiOperation({
    operationId: 'getTask',
    summary: 'Read one task',
    description: "Another user's task answers 404, exactly like one that does not exist.",
  })
  @ApiResponse({ status: 200, type: TaskDoc, description: 'The task' })
  @ApiResponse({ status: 404, type: ApiErrorDoc, description: 'No such task for this user' })
  @ApiTaskId()
  get(@CurrentUser() user: AuthUser, @Param('id', UuidParam) id: string): Promise<Task> {
    return this.tasks.get(user.id, id);
  }

  @Patch(':id')
  @ApiOperation({
    operationId: 'updateTask',
    summary: 'Change some fields of a task',
    description: 'Only the fields sent change; `description` and `dueDate` may be set to null to clear them.',
  })
  @ApiResponse({ status: 200, type: TaskDoc, description: 'The updated task' })
  @ApiResponse({ status: 404, type: ApiErrorDoc, description: 'No such task for this user' })
  @ApiTaskId()
  @ApiBodyRefusals()
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', UuidParam) id: string,
    @Body() dto: UpdateTaskDto,
  ): Promise<Task> {
    return this.tasks.update(user.id, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteTask',
    summary: 'Delete a task',
    description: "Permanent. Another user's task answers 404, exactly like one that does not exist.",
  })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiResponse({ status: 404, type: ApiErrorDoc, description: 'No such task for this user' })
  @ApiTaskId()
  @ApiBodyRefusals()
  remove(@CurrentUser() user: AuthUser, @Param('id', UuidParam) id: string): Promise<void> {
    return this.tasks.remove(user.id, id);
  }
}
