import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  FRONTEND_ERROR_KINDS,
  type FrontendErrorKind,
  RUM_LIMITS,
  type RumError,
  type RumReport,
  type RumVital,
  SPA_PAGE_NAMES,
  type SpaPage,
  WEB_VITALS,
  type WebVital,
} from '@taskboard/contracts';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export class RumVitalDto implements RumVital {
  @ApiProperty({ enum: WEB_VITALS })
  @IsIn(WEB_VITALS)
  name: WebVital;

  @ApiProperty({
    description: 'Milliseconds for timings, unitless for CLS',
    minimum: 0,
    maximum: RUM_LIMITS.maxTimingMs,
  })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(RUM_LIMITS.maxTimingMs)
  value: number;
}

export class RumErrorDto implements RumError {
  @ApiProperty({ enum: FRONTEND_ERROR_KINDS })
  @IsIn(FRONTEND_ERROR_KINDS)
  kind: FrontendErrorKind;

  @ApiPropertyOptional({ maxLength: RUM_LIMITS.maxErrorMessage })
  @IsOptional()
  @IsString()
  @MaxLength(RUM_LIMITS.maxErrorMessage)
  message?: string;
}

export class RumReportDto implements RumReport {
  @ApiProperty({ enum: SPA_PAGE_NAMES, description: 'The SPA page (router route name), never a URL' })
  @IsIn(SPA_PAGE_NAMES)
  route: SpaPage;

  @ApiPropertyOptional({ type: [RumVitalDto], maxItems: RUM_LIMITS.maxVitalsPerReport })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(RUM_LIMITS.maxVitalsPerReport)
  @ValidateNested({ each: true })
  @Type(() => RumVitalDto)
  vitals?: RumVitalDto[];

  @ApiPropertyOptional({ type: [RumErrorDto], maxItems: RUM_LIMITS.maxErrorsPerReport })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(RUM_LIMITS.maxErrorsPerReport)
  @ValidateNested({ each: true })
  @Type(() => RumErrorDto)
  errors?: RumErrorDto[];
}
