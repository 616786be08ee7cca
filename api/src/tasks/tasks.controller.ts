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
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiExtraModels,
  ApiOperation,
  ApiResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Task, TaskPage } from '@taskboard/contracts';
import type { AuthUser } from '../auth/jwt.strategy';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiErrorDoc, TaskDoc, TaskPageDoc } from '../http/openapi.dto';
import { UuidParam } from '../http/uuid-param.pipe';
import { CreateTaskDto, ListTasksQuery, UpdateTaskDto } from './dto/task.dto';
import { TasksService } from './tasks.service';

@ApiTags('tasks')
@ApiBearerAuth()
@ApiExtraModels(ApiErrorDoc)
@ApiBadRequestResponse({ type: ApiErrorDoc, description: 'Invalid input; `fields` names what is wrong' })
@ApiUnauthorizedResponse({
  type: ApiErrorDoc,
  description: 'Missing, invalid, expired or revoked access token',
})
@ApiServiceUnavailableResponse({
  type: ApiErrorDoc,
  description: 'Database unreachable; retry after Retry-After',
})
@UseGuards(JwtAuthGuard)
@Controller('api/tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  @ApiOperation({ summary: "List the caller's tasks (filter, sort, cursor pagination)" })
  @ApiResponse({ status: 200, type: TaskPageDoc })
  list(@CurrentUser() user: AuthUser, @Query() query: ListTasksQuery): Promise<TaskPage> {
    return this.tasks.list(user.id, query);
  }

  @Post()
  @ApiOperation({ summary: 'Create a task' })
  @ApiResponse({ status: 201, type: TaskDoc })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateTaskDto): Promise<Task> {
    return this.tasks.create(user.id, dto);
  }

  @Get(':id')
  @ApiResponse({ status: 200, type: TaskDoc })
  @ApiResponse({ status: 404, type: ApiErrorDoc, description: 'No such task for this user' })
  get(@CurrentUser() user: AuthUser, @Param('id', UuidParam) id: string): Promise<Task> {
    return this.tasks.get(user.id, id);
  }

  @Patch(':id')
  @ApiResponse({ status: 200, type: TaskDoc })
  @ApiResponse({ status: 404, type: ApiErrorDoc, description: 'No such task for this user' })
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', UuidParam) id: string,
    @Body() dto: UpdateTaskDto,
  ): Promise<Task> {
    return this.tasks.update(user.id, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiResponse({ status: 404, type: ApiErrorDoc, description: 'No such task for this user' })
  remove(@CurrentUser() user: AuthUser, @Param('id', UuidParam) id: string): Promise<void> {
    return this.tasks.remove(user.id, id);
  }
}
