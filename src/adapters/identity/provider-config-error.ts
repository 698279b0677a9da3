/** A provider that cannot work as configured (unreadable CA file, invalid filter, …): stops the boot. */
export class ProviderConfigError extends Error {
  override readonly name = 'ProviderConfigError';
}
