import { BadRequestException, ParseUUIDPipe } from '@nestjs/common';

/** `:id` must be a UUID: a malformed one is a 400 naming the field, never a database error. */
export const UuidParam = new ParseUUIDPipe({
  exceptionFactory: () =>
    new BadRequestException({ message: 'Invalid id', fields: { id: ['must be a UUID'] } }),
});
