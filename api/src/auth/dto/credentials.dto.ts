import { ApiProperty } from '@nestjs/swagger';
import { PASSWORD_LIMITS } from '@taskboard/contracts';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

export class CredentialsDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254 })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: PASSWORD_LIMITS.min, maxLength: PASSWORD_LIMITS.max })
  @IsString()
  @MinLength(PASSWORD_LIMITS.min)
  @MaxLength(PASSWORD_LIMITS.max)
  password: string;
}
