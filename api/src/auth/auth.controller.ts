import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Post,
  Req,
  Res,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import { type AuthResponse, type PublicUser, REFRESH_COOKIE } from '@taskboard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { ApiErrorDoc, AuthResponseDoc, PublicUserDoc } from '../http/openapi.dto';
import {
  ApiBodyRefusals,
  ApiClearsRefreshCookie,
  ApiDatabaseUnavailable,
  ApiInvalidInput,
  ApiPublicOperation,
  ApiRateLimited,
  ApiRefreshCookieAuth,
  ApiSetsRefreshCookie,
  ApiUnauthenticated,
  BEARER_SCHEME,
  REFRESH_COOKIE_SCHEME,
} from '../http/openapi.responses';
import type { AccessClaims } from './auth.service';
import { AuthService, type IssuedSession } from './auth.service';
import { CredentialsDto } from './dto/credentials.dto';
import type { AuthUser } from './jwt.strategy';
import { CurrentUser, JwtAuthGuard } from './jwt-auth.guard';

@ApiTags('auth')
@ApiDatabaseUnavailable()
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('register')
  @ApiBodyRefusals()
  @UseGuards(ThrottlerGuard)
  @ApiPublicOperation({
    operationId: 'register',
    summary: 'Create an account and start a session',
    description:
      'The email is normalised (trimmed, lower-cased) before it is stored. Answers like login: ' +
      'an access token in the body and the refresh token in an httpOnly cookie.',
  })
  @ApiSetsRefreshCookie(201, AuthResponseDoc, 'Registered; refresh token set as an httpOnly cookie')
  @ApiInvalidInput('Malformed email or a password outside the allowed length')
  @ApiResponse({ status: 409, type: ApiErrorDoc, description: 'Email already registered' })
  @ApiRateLimited('Too many attempts from this client')
  async register(
    @Body() dto: CredentialsDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuthResponse> {
    return this.issue(reply, await this.auth.register(dto.email, dto.password));
  }

  @Post('login')
  @ApiBodyRefusals()
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  @ApiPublicOperation({
    operationId: 'login',
    summary: 'Log in; the same 401 whether the email exists or not',
    description:
      'Rate limited per client. The access token goes in the Authorization header; the refresh ' +
      'token is only ever in the httpOnly cookie, never readable by scripts.',
  })
  @ApiSetsRefreshCookie(200, AuthResponseDoc, 'Access token in the body, refresh token as an httpOnly cookie')
  @ApiInvalidInput('Malformed email or a password outside the allowed length')
  @ApiUnauthenticated('Invalid email or password')
  @ApiRateLimited('Too many attempts from this client')
  async login(
    @Body() dto: CredentialsDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuthResponse> {
    return this.issue(reply, await this.auth.login(dto.email, dto.password));
  }

  @Post('refresh')
  @ApiBodyRefusals()
  @HttpCode(200)
  @Throttle({ auth: { limit: 1_000_000, ttl: 60_000 } })
  @ApiRefreshCookieAuth()
  @ApiOperation({
    operationId: 'refresh',
    summary: 'Rotate the refresh cookie and get a new access token (reuse revokes the session)',
    description:
      'Sends no body: the refresh token is the cookie. Each refresh token works once; presenting ' +
      'one that was already rotated revokes the whole session.',
  })
  @ApiSetsRefreshCookie(200, AuthResponseDoc, 'A new access token; the refresh cookie is rotated')
  @ApiClearsRefreshCookie(
    401,
    'Missing, unknown, expired or reused refresh token; the cookie is cleared',
    ApiErrorDoc,
  )
  async refresh(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuthResponse> {
    try {
      return this.issue(reply, await this.auth.refresh(req.cookies[REFRESH_COOKIE.name]));
    } catch (err) {
      // Only a refused token ends the cookie; an outage (503) keeps it, so the client retries.
      if (err instanceof UnauthorizedException) this.clearCookie(reply);
      throw err;
    }
  }

  @Post('logout')
  @ApiBodyRefusals()
  @HttpCode(204)
  @ApiOperation({
    operationId: 'logout',
    summary: 'End the session: refresh and access tokens stop working at once',
    description:
      'Ends the session named by the refresh cookie or by the access token (an expired one too); ' +
      'without either there is nothing to end and the answer is still 204.',
    // Either credential identifies the session; neither is required.
    security: [{ [BEARER_SCHEME]: [] }, { [REFRESH_COOKIE_SCHEME]: [] }, {}],
  })
  @ApiClearsRefreshCookie(204, 'Session ended (if there was one); the refresh cookie is cleared')
  async logout(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.auth.logout(req.cookies[REFRESH_COOKIE.name], this.sessionFromBearer(req));
    this.clearCookie(reply);
  }

  @Get('me')
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth(BEARER_SCHEME)
  @ApiOperation({
    operationId: 'me',
    summary: 'The authenticated user',
    description: 'The account the access token belongs to, while its session is live.',
  })
  @ApiResponse({ status: 200, type: PublicUserDoc, description: 'The user the access token names' })
  @ApiUnauthenticated()
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
