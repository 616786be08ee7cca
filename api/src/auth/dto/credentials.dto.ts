import { EmailField, PasswordField } from '../../http/validated-fields';

export class CredentialsDto {
  @EmailField()
  email: string;

  @PasswordField()
  password: string;
}
