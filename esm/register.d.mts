// The one-flag start has no exports: importing it starts the SDK.
export {};
