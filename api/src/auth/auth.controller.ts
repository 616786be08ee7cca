import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import { type AuthResponse, type PublicUser, REFRESH_COOKIE } from '@taskboard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { ApiErrorDoc, AuthResponseDoc, PublicUserDoc } from '../http/openapi.dto';
import type { AccessClaims } from './auth.service';
import { AuthService, type IssuedSession } from './auth.service';
import { CredentialsDto } from './dto/credentials.dto';
import type { AuthUser } from './jwt.strategy';
import { CurrentUser, JwtAuthGuard } from './jwt-auth.guard';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('register')
  @UseGuards(ThrottlerGuard)
  @ApiOperation({ summary: 'Create an account and start a session' })
  @ApiResponse({
    status: 201,
    type: AuthResponseDoc,
    description: 'Registered; refresh token set as an httpOnly cookie',
  })
  @ApiResponse({ status: 409, type: ApiErrorDoc, description: 'Email already registered' })
  @ApiResponse({ status: 429, type: ApiErrorDoc, description: 'Too many attempts from this client' })
  async register(
    @Body() dto: CredentialsDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuthResponse> {
    return this.issue(reply, await this.auth.register(dto.email, dto.password));
  }

  @Post('login')
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  @ApiOperation({ summary: 'Log in; the same 401 whether the email exists or not' })
  @ApiResponse({
    status: 200,
    type: AuthResponseDoc,
    description: 'Access token in the body, refresh token as an httpOnly cookie',
  })
  @ApiResponse({ status: 401, type: ApiErrorDoc, description: 'Invalid email or password' })
  @ApiResponse({ status: 429, type: ApiErrorDoc, description: 'Too many attempts from this client' })
  async login(
    @Body() dto: CredentialsDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuthResponse> {
    return this.issue(reply, await this.auth.login(dto.email, dto.password));
  }

  @Post('refresh')
  @HttpCode(200)
  @Throttle({ auth: { limit: 1_000_000, ttl: 60_000 } })
  @ApiCookieAuth(REFRESH_COOKIE.name)
  @ApiOperation({
    summary: 'Rotate the refresh cookie and get a new access token (reuse revokes the session)',
  })
  async refresh(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuthResponse> {
    try {
      return this.issue(reply, await this.auth.refresh(req.cookies[REFRESH_COOKIE.name]));
    } catch (err) {
      this.clearCookie(reply);
      throw err;
    }
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiCookieAuth(REFRESH_COOKIE.name)
  @ApiOperation({ summary: 'End the session: refresh and access tokens stop working at once' })
  async logout(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.auth.logout(req.cookies[REFRESH_COOKIE.name], this.sessionFromBearer(req));
    this.clearCookie(reply);
  }

  @Get('me')
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The authenticated user' })
  @ApiResponse({ status: 200, type: PublicUserDoc })
  me(@CurrentUser() user: AuthUser): Promise<PublicUser> {
    return this.auth.me(user.id);
  }

  /** Logout accepts an expired access token too: ending a session must not require a live one. */
  private sessionFromBearer(req: FastifyRequest): string | undefined {
    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer ')) return undefined;
    try {
      const claims = this.jwt.verify<AccessClaims>(header.slice(7), { ignoreExpiration: true });
      return typeof claims.sid === 'string' ? claims.sid : undefined;
    } catch {
      return undefined;
    }
  }

  private issue(reply: FastifyReply, session: IssuedSession): AuthResponse {
    reply.setCookie(REFRESH_COOKIE.name, session.refreshToken, {
      httpOnly: true,
      secure: this.config.auth.cookieSecure,
      sameSite: 'strict',
      path: REFRESH_COOKIE.path,
      expires: session.refreshExpiresAt,
    });
    reply.header('cache-control', 'no-store');
    return session.body;
  }

  private clearCookie(reply: FastifyReply): void {
    reply.clearCookie(REFRESH_COOKIE.name, {
      path: REFRESH_COOKIE.path,
      httpOnly: true,
      secure: this.config.auth.cookieSecure,
      sameSite: 'strict',
    });
  }
}
