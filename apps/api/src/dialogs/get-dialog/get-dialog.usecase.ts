import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user';
import type { DialogResponse } from '../dialog.dto';
import { presentDialog, requireDialog } from '../dialog.store';

@Injectable()
export class GetDialogUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(user: AuthUser, dialogId: string): Promise<DialogResponse> {
    return presentDialog(await requireDialog(this.dataSource, user.accountId, dialogId));
  }
}
