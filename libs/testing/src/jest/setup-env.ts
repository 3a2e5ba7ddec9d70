// Runs in every Jest worker before the test files: quiet logs unless asked for, and reflect-metadata for decorators.
import 'reflect-metadata';

process.env.LOG_LEVEL ??= 'warn';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
