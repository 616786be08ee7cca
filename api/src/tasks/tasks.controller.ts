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
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Task, TaskPage } from '@taskboard/contracts';
import type { AuthUser } from '../auth/jwt.strategy';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { UuidParam } from '../http/uuid-param.pipe';
import { CreateTaskDto, ListTasksQuery, UpdateTaskDto } from './dto/task.dto';
import { TasksService } from './tasks.service';

@ApiTags('tasks')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@Controller('api/tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  @ApiOperation({ summary: "List the caller's tasks (filter, sort, cursor pagination)" })
  list(@CurrentUser() user: AuthUser, @Query() query: ListTasksQuery): Promise<TaskPage> {
    return this.tasks.list(user.id, query);
  }

  @Post()
  @ApiOperation({ summary: 'Create a task' })
  @ApiResponse({ status: 201 })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateTaskDto): Promise<Task> {
    return this.tasks.create(user.id, dto);
  }

  @Get(':id')
  @ApiResponse({ status: 404, description: 'No such task for this user' })
  get(@CurrentUser() user: AuthUser, @Param('id', UuidParam) id: string): Promise<Task> {
    return this.tasks.get(user.id, id);
  }

  @Patch(':id')
  @ApiResponse({ status: 404, description: 'No such task for this user' })
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', UuidParam) id: string,
    @Body() dto: UpdateTaskDto,
  ): Promise<Task> {
    return this.tasks.update(user.id, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiResponse({ status: 404, description: 'No such task for this user' })
  remove(@CurrentUser() user: AuthUser, @Param('id', UuidParam) id: string): Promise<void> {
    return this.tasks.remove(user.id, id);
  }
}
