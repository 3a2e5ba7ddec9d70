// class-transformer ships its metadata storage (where @Type, @Expose… are kept) without a declaration of the CommonJS
// path it is loaded from; its typings declare it under types/.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
