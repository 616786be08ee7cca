import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from './auth/auth.module';
import { CoreModule, type CoreServices } from './core/core.module';
import { dataSourceOptions } from './database/data-source';
import { HealthModule } from './health/health.module';
import { metricsModules } from './metrics/metrics-listener';
import { RumModule } from './rum/rum.module';
import { TasksModule } from './tasks/tasks.module';

@Module({})
export class AppModule {
  static with(core: CoreServices, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.with(core),
        // Few, quick retries: a pod that cannot reach its database at boot should restart, not hang.
        TypeOrmModule.forRoot({
          ...dataSourceOptions(core.config, databaseUrl, core.logger),
          retryAttempts: 3,
          retryDelay: 1000,
        }),
        ...metricsModules(core.config),
        HealthModule,
        AuthModule,
        TasksModule,
        RumModule,
      ],
    };
  }
}
