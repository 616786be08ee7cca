import 'reflect-metadata';
import { Body, Controller, Get, Headers, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { announcePort } from './ready';
import { createTask, listTasks } from './same-work';

/**
 * Not a ceiling but a floor: the bare ceiling's work routed through NestJS on the Fastify
 * adapter and nothing else (no passport, validation, session check, cache, logging or
 * metrics). Ceiling → floor is what the framework costs on this machine; floor → API is what
 * our features cost. Printed by `make bench` so a missed ratio can be read, not guessed.
 */
@Controller('api/tasks')
class FloorController {
  @Get()
  list(@Headers('authorization') authorization: string | undefined) {
    return listTasks(authorization);
  }

  @Post()
  @HttpCode(201)
  create(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: { title: string; priority?: string },
  ) {
    return createTask(authorization, body);
  }
}

@Module({ controllers: [FloorController] })
class FloorModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(FloorModule, new FastifyAdapter(), {
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  announcePort(app.getHttpServer().address());
}

void main();
