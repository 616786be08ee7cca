import { Module } from '@nestjs/common';
import { TasksController } from './tasks.controller';
import { TasksService } from './tasks.service';
import { TaskListCache } from './task-list-cache';

@Module({ controllers: [TasksController], providers: [TasksService, TaskListCache] })
export class TasksModule {}
