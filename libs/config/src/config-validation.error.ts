export interface ConfigProblem {
  variable: string;
  problems: string[];
}

/** Thrown at boot when the environment does not satisfy an app's config class; the message names every bad variable. */
export class ConfigValidationError extends Error {
  constructor(
    readonly app: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `Invalid configuration for ${app}: ` +
        problems.map((p) => `${p.variable} (${p.problems.join('; ')})`).join(', '),
    );
    this.name = 'ConfigValidationError';
  }
}
