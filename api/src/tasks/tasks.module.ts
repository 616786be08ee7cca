import { Module } from '@nestjs/common';
import { TaskListCache } from './task-list-cache';
import { TasksController } from './tasks.controller';
import { TasksService } from './tasks.service';

@Module({ controllers: [TasksController], providers: [TasksService, TaskListCache] })
export class TasksModule {}
