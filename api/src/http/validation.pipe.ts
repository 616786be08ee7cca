import {
  type ArgumentMetadata,
  BadRequestException,
  type ValidationError,
  ValidationPipe,
} from '@nestjs/common';

/** Flattens class-validator errors into `{ field: [messages] }`, nested fields dotted. */
function fieldsOf(errors: ValidationError[], prefix = ''): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const e of errors) {
    const name = prefix + e.property;
    if (e.constraints) {
      // An unknown property is reported as "property X should not exist": say it plainly.
      fields[name] = Object.entries(e.constraints).map(([rule, msg]) =>
        rule === 'whitelistValidation' ? 'is not an allowed field' : msg,
      );
    }
    if (e.children?.length) Object.assign(fields, fieldsOf(e.children, `${name}.`));
  }
  return fields;
}

/**
 * Unknown fields are rejected (not silently dropped), inputs are transformed to their DTO
 * types, and a body that is not a JSON object at all is a 400 rather than a crash deeper in.
 */
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) =>
        new BadRequestException({ message: 'Validation failed', fields: fieldsOf(errors) }),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const isDto =
      typeof metadata.metatype === 'function' && metadata.metatype !== String && metadata.metatype !== Object;
    if (
      metadata.type === 'body' &&
      isDto &&
      (value === null || typeof value !== 'object' || Array.isArray(value))
    ) {
      throw new BadRequestException({
        message: 'Validation failed',
        fields: { body: ['must be a JSON object'] },
      });
    }
    return super.transform(value, metadata);
  }
}
