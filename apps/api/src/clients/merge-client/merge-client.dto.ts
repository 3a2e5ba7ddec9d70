import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** POST /clients/:id/merge: client :id goes into `intoClientId`, which survives. */
export class MergeClientDto {
  @ApiProperty({ format: 'uuid', example: '3fa85f64-5717-4562-b3fc-2c963f66afa6', description: 'The surviving client (same account, not :id)' })
  @IsUUID('all')
  intoClientId!: string;
}
