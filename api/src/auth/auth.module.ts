import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { RedisConnection } from '../redis/redis-connection';
import { UserEntity } from '../users/user.entity';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtStrategy, signingKey } from './jwt.strategy';
import { SharedRateLimitStorage } from './rate-limit.storage';
import { RefreshTokenEntity, SessionEntity } from './session.entity';
import { SessionState } from './session-state';

@Module({
  imports: [
    TypeOrmModule.forFeature([UserEntity, SessionEntity, RefreshTokenEntity]),
    PassportModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: signingKey(config.auth.jwtSecret),
        signOptions: {
          algorithm: 'HS256',
          expiresIn: config.auth.accessTtlSeconds,
          issuer: config.auth.issuer,
          audience: config.auth.audience,
        },
        verifyOptions: { algorithms: ['HS256'], issuer: config.auth.issuer, audience: config.auth.audience },
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, { token: RedisConnection, optional: true }],
      useFactory: (config: AppConfig, redis: RedisConnection | undefined) => ({
        throttlers: [
          { name: 'auth', limit: config.auth.rateLimit, ttl: config.auth.rateWindowSeconds * 1000 },
        ],
        storage: new SharedRateLimitStorage(redis ?? undefined, config.cache.opTimeoutMs),
        // With TRUST_PROXY set, Fastify resolves request.ip to the real client behind the proxy.
        getTracker: (req: Record<string, unknown>) => (req as unknown as FastifyRequest).ip,
        errorMessage: 'Too many attempts; retry later',
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, JwtStrategy, SessionState],
  exports: [SessionState],
})
export class AuthModule {}
