import { Module } from '@nestjs/common';
import { SqlClient } from '../database/sql-client';
import { TaskListCache } from './task-list-cache';
import { TasksController } from './tasks.controller';
import { TasksService } from './tasks.service';

@Module({ controllers: [TasksController], providers: [TasksService, TaskListCache, SqlClient] })
export class TasksModule {}
