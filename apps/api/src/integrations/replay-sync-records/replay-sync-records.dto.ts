import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';

export class ReplaySyncRecordsDto {
  @ApiProperty({ enum: ['failed'], example: 'failed', description: 'Which records to send again' })
  @IsIn(['failed'])
  state!: 'failed';
}

export class ReplaySyncRecordsResponse {
  @ApiProperty({ type: 'integer', example: 3, description: 'Records queued again (now pending)' }) requeued!: number;
}
