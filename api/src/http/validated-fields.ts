import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import {
  DUE_DATE_RANGE,
  descriptionProblem,
  dueDateProblem,
  emailProblem,
  FIELD_LIMITS,
  normalizeEmail,
  normalizeTitle,
  PASSWORD_LIMITS,
  passwordProblem,
  titleProblem,
} from '@taskboard/contracts';
import { Transform } from 'class-transformer';
import { ValidateBy, ValidateIf } from 'class-validator';

/**
 * One decorator per field type: the validation rule comes from the shared definition in
 * @taskboard/contracts (the same one the SPA's forms and the SQL CHECKs follow) and the
 * OpenAPI schema is declared with it, so the document cannot drift from what is enforced.
 */

type Problem = (value: unknown) => string | null;

/** A class-validator rule whose message is the contract's own explanation of the problem. */
function Rule(name: string, problem: Problem): PropertyDecorator {
  return ValidateBy({
    name,
    validator: {
      validate: (value: unknown) => problem(value) === null,
      defaultMessage: (args) => problem(args?.value) ?? `${name} is invalid`,
    },
  });
}

/** Absent means "leave as is"; an explicit null is still validated (and refused where not nullable). */
const unlessAbsent = () => ValidateIf((_object, value) => value !== undefined);

const ifString =
  (f: (s: string) => string) =>
  ({ value }: { value: unknown }) =>
    typeof value === 'string' ? f(value) : value;

interface FieldOptions {
  /** The field may be omitted (PATCH, or optional on create). */
  optional?: boolean;
}

export function TitleField({ optional = false }: FieldOptions = {}) {
  return applyDecorators(
    ApiProperty({
      type: String,
      required: !optional,
      minLength: 1,
      maxLength: FIELD_LIMITS.titleMax,
      description:
        'Surrounding whitespace is trimmed. Length counts Unicode code points; control characters, lone surrogates and text that draws nothing are refused.',
      example: 'Rotate the DB password',
    }),
    ...(optional ? [unlessAbsent()] : []),
    Transform(ifString(normalizeTitle)),
    Rule('title', titleProblem),
  );
}

export function DescriptionField() {
  return applyDecorators(
    ApiProperty({
      type: String,
      nullable: true,
      required: false,
      maxLength: FIELD_LIMITS.descriptionMax,
      description: 'null clears it. Length counts Unicode code points; NUL and lone surrogates are refused.',
    }),
    unlessAbsent(),
    Rule('description', descriptionProblem),
  );
}

export function DueDateField() {
  return applyDecorators(
    ApiProperty({
      type: String,
      format: 'date-time',
      nullable: true,
      required: false,
      description: `RFC 3339 date-time (YYYY-MM-DDTHH:MM:SS, optional milliseconds, Z or ±HH:MM up to ±14:00) between ${DUE_DATE_RANGE.min} and ${DUE_DATE_RANGE.max}; null clears it.`,
      example: '2026-12-01T09:00:00Z',
    }),
    unlessAbsent(),
    Rule('dueDate', dueDateProblem),
  );
}

/** An enum that may be omitted but, when present, must be one of the values (null is refused). */
export function EnumField(
  values: readonly string[],
  { optional = false, defaultValue }: FieldOptions & { defaultValue?: string } = {},
) {
  const allowed = values.join(', ');
  return applyDecorators(
    ApiProperty({ enum: values, required: !optional, ...(defaultValue ? { default: defaultValue } : {}) }),
    ...(optional ? [unlessAbsent()] : []),
    Rule('enum', (v) => (typeof v === 'string' && values.includes(v) ? null : `must be one of: ${allowed}`)),
  );
}

export function EmailField() {
  return applyDecorators(
    ApiProperty({
      type: String,
      format: 'email',
      maxLength: FIELD_LIMITS.emailMax,
      description: 'Stored and compared after Unicode NFKC normalisation and lower-casing.',
      example: 'ada@example.com',
    }),
    Transform(ifString(normalizeEmail)),
    Rule('email', emailProblem),
  );
}

export function PasswordField() {
  return applyDecorators(
    ApiProperty({ type: String, minLength: PASSWORD_LIMITS.min, maxLength: PASSWORD_LIMITS.max }),
    Rule('password', (v) => passwordProblem(v, PASSWORD_LIMITS)),
  );
}
