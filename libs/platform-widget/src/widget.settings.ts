import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  registerDecorator,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';

/** `http(s)://host[:port]` exactly as browsers send it in the Origin header: no path, query, user info or trailing slash. */
export function isWebOrigin(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 300) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

function IsWebOrigin(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isWebOrigin',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'each value in allowedOrigins must be an origin like https://shop.example.com (scheme, host, optional port; no path)', ...options },
      validator: { validate: isWebOrigin },
    });
}

export const WIDGET_COLOR_PATTERN = /^#[0-9A-Fa-f]{6}$/;

/** Visitor fields the widget can ask for before the first message. */
export const WIDGET_PRE_CHAT_FIELDS = ['name', 'phone', 'email'] as const;

/** The pre-chat form: which fields are asked and which of them must be filled (a subset of `fields`). */
export class WidgetPreChatSettings {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(WIDGET_PRE_CHAT_FIELDS, { each: true })
  fields!: string[];

  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(WIDGET_PRE_CHAT_FIELDS, { each: true })
  required?: string[];
}

/** Settings of a website chat widget (DESIGN §4). */
export class WidgetSettings {
  /** Sites allowed to embed the widget (checked against the Origin header by the widget's public API). */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsWebOrigin({ each: true })
  allowedOrigins!: string[];

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  title?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  greeting?: string;

  @IsOptional()
  @IsString()
  @Matches(WIDGET_COLOR_PATTERN, { message: 'color must be #rrggbb' })
  color?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => WidgetPreChatSettings)
  preChat?: WidgetPreChatSettings;
}
