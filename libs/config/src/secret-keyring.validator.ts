import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { secretKeyringFromEnv, type SecretsKeyVariables } from '@crm/secrets';

function keyringProblem(vars: SecretsKeyVariables): string | null {
  try {
    secretKeyringFromEnv(vars);
    return null;
  } catch (err) {
    return (err as Error).message; // names variables and key ids, never key material
  }
}

/**
 * The whole keyring (SECRETS_KEY, SECRETS_KEYS, SECRETS_WRITE_KEY_ID, SECRETS_DERIVATION_KEY_ID) builds: key ids,
 * key lengths, no duplicates, known write and derivation key ids. The message is the one secretKeyringFromEnv gives.
 */
export const IsSecretKeyring = (options?: ValidationOptions) =>
  (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isSecretKeyring',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (_value: unknown, args: ValidationArguments) => keyringProblem(args.object as SecretsKeyVariables) === null,
        defaultMessage: (args: ValidationArguments) => keyringProblem(args.object as SecretsKeyVariables) ?? 'invalid keyring',
      },
    });
